@inside
Feature: Answers from the inside — media type and fields absent when not set (reference §1.5, §4.5)

  # Every provisioning answer is JSON with Content-Type application/json;charset=utf-8 [V],
  # success and error alike.
  @axb.query @rule:business:answer-content-type @contract:1.5/resultcode @contract:12/0 @contract:1.6/0 @contract:D14 @contract:12/1010002
  Scenario: A successful answer is application/json in UTF-8
    Given an AXB binding of "<A1>" and "<B1>" on "<X1>"
    When I query AXB with "subscriptionId=<SUB1>"
    Then the result code is "0"
    And the response Content-Type is JSON in UTF-8

  @ax.bind @rule:business:answer-content-type @code:1010002 @contract:1.5/resultcode @contract:12/0 @contract:1.6/0 @contract:D14 @contract:12/1010002 @contract:1.6/1010002-1010003-1012001
  Scenario: An error answer is application/json in UTF-8
    When I bind AX with:
      """
      {"origNum":"12345"}
      """
    Then the result code is "1010002"
    And the response Content-Type is JSON in UTF-8

  # "未设置该参数值时,查询结果不显示": callDirection appears in an AX query answer only when it
  # was set; recordHintTone only with recordFlag true; userData and preVoice when set [V]. A
  # platform that fills in a default or a JSON null shows a value nobody chose.
  @ax.query @rule:business:absent-unset
  Scenario Outline: AX query shows no <field> when the binding has none
    Given an AX binding of "<A1>" on "<X1>"
    When I query AX with "subscriptionId=<SUB1>"
    Then the result code is "0"
    And the response field "privateNumList.0.<field>" is absent

    Examples:
      | field          |
      | callDirection  |
      | recordHintTone |
      | userData       |
      | preVoice       |

  @ax.query @rule:business:absent-unset
  Scenario: AX query shows the callDirection that was set
    Given an AX binding with:
      """
      {"origNum":"<A1>","privateNum":"<X1>","callDirection":1}
      """
    When I query AX with "subscriptionId=<SUB1>"
    Then the result code is "0"
    And the response field "privateNumList.0.callDirection" is 1
