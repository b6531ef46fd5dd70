@axb.modify
Feature: AXB modify — PUT /rest/caas/relationnumber/partners/v1.0 (reference §3.4)

  Background:
    Given the AXB app
    And an AXB binding of "<A1>" and "<B1>" on "<X1>"

  @contract:3.4/Prerequisite-the-binding-exists-custom @contract:3.4/Rules-the-resulting-A @contract:3.4/subscriptionId @contract:3.4/calleeNum
  Scenario: Change the callee
    When I modify AXB with:
      """
      {"subscriptionId":"<SUB1>","calleeNum":"<C1>"}
      """
    Then the result code is "0"
    And the result description is "Success"
    And I query AXB with "subscriptionId=<SUB1>"
    And the response field "relationNumList.0.calleeNum" is "<C1>"
    And the response field "relationNumList.0.callerNum" is "<A1>"

  @contract:3.4/The-FAQ-s-list-of-modifiable
  Scenario: Change call direction, call length and SMS
    When I modify AXB with:
      """
      {"subscriptionId":"<SUB1>","callDirection":1,"maxDuration":30,"privateSms":"false","userData":"changed"}
      """
    Then the result code is "0"
    And I query AXB with "subscriptionId=<SUB1>"
    And the response field "relationNumList.0.callDirection" is 1
    And the response field "relationNumList.0.maxDuration" is 30
    And the response field "relationNumList.0.privateSms" is "false"
    And the response field "relationNumList.0.userData" is "changed"

  # "不携带时,表示不修改该参数值" [V] (§3.4): a field the modify leaves out keeps its value, read
  # back from the query ([C] fields), not reset to its bind default.
  @contract:3.4/Prerequisite-the-binding-exists-custom
  Scenario: A modify that leaves fields out keeps their values
    Given I modify AXB with:
      """
      {"subscriptionId":"<SUB1>","callDirection":1,"maxDuration":30,"userData":"kept"}
      """
    And the result code is "0"
    When I modify AXB with:
      """
      {"subscriptionId":"<SUB1>","calleeNum":"<C1>"}
      """
    Then the result code is "0"
    And I query AXB with "subscriptionId=<SUB1>"
    And the response field "relationNumList.0.calleeNum" is "<C1>"
    And the response field "relationNumList.0.maxDuration" is 30
    And the response field "relationNumList.0.callDirection" is 1
    And the response field "relationNumList.0.userData" is "kept"

  @rule:business:no-op @decision:D40
  Scenario: A modify without modifiable fields succeeds and changes nothing
    When I modify AXB with:
      """
      {"subscriptionId":"<SUB1>","relationNum":"<X2>"}
      """
    Then the result code is "0"
    And I query AXB with "subscriptionId=<SUB1>"
    And the response field "relationNumList.0.relationNum" is "<X1>"

  @rule:business:x-reuse @code:1012010
  Scenario: A new callee already bound on the same X is refused
    Given an AXB binding of "<C1>" and "<D1>" on "<X1>"
    When I modify AXB with:
      """
      {"subscriptionId":"<SUB2>","calleeNum":"<B1>"}
      """
    Then the result code is "1012010"
    And the result description is "The relation number has been bound."

  @rule:business:x-reuse @code:1012010
  Scenario: A new caller already bound on the same X is refused
    Given an AXB binding of "<C1>" and "<D1>" on "<X1>"
    When I modify AXB with:
      """
      {"subscriptionId":"<SUB2>","callerNum":"<A1>"}
      """
    Then the result code is "1012010"

  @rule:business:unknown-subscription @code:1012007
  @contract:3.4/Prerequisite-the-binding-exists-custom
  Scenario: Unknown subscriptionId
    When I modify AXB with:
      """
      {"subscriptionId":"00000000-0000-4000-8000-000000000000","calleeNum":"<C1>"}
      """
    Then the result code is "1012007"
    And the result description is "The record does not exist."

  @rule:business:recording-disabled @code:1012012
  Scenario: Switching recording on for an app without the recording option
    Given the AXB-norec app
    And an AXB binding of "<A2>" and "<B2>" on "<X2>"
    When I modify AXB with:
      """
      {"subscriptionId":"<SUB2>","recordFlag":"true","recordHintTone":"hint.wav"}
      """
    Then the result code is "1012012"

  @rule:business:expiry-restart @emulator @global-state
  Scenario: A modified duration restarts the expiry clock
    Given an AXB binding with:
      """
      {"callerNum":"<A2>","calleeNum":"<B2>","relationNum":"<X2>","duration":100}
      """
    And the emulator clock advances by 80 seconds
    When I modify AXB with:
      """
      {"subscriptionId":"<SUB2>","duration":100}
      """
    Then the result code is "0"
    And the emulator clock advances by 80 seconds
    And the AXB binding "<SUB2>" exists
    And the emulator clock advances by 30 seconds
    And the AXB binding "<SUB2>" does not exist

  @code:1010002
  Scenario Outline: AXB modify rejects <case>
    When I modify AXB with:
      """
      <body>
      """
    Then the result code is "1010002"
    And the result description is "Invalid request. <field>"

    @rule:mandatory:subscriptionId
    Examples: mandatory subscriptionId
      | case                   | body                  | field          |
      | missing subscriptionId | {"calleeNum":"<C1>"}   | subscriptionId |

    @rule:format:calleeNum
    Examples: calleeNum format
      | case                | body                                                  | field     |
      | calleeNum letters   | {"subscriptionId":"<SUB1>","calleeNum":"+86abc"}       | calleeNum |

    @rule:range:duration
    Examples: duration range
      | case              | body                                              | field    |
      | duration too long | {"subscriptionId":"<SUB1>","duration":7776001}     | duration |

  @code:1010002 @rule:distinct:callerNum,calleeNum @schema-valid @decision:D40
  Scenario: The resulting A and B must differ
    When I modify AXB with:
      """
      {"subscriptionId":"<SUB1>","calleeNum":"<A1>"}
      """
    Then the result code is "1010002"
    And the result description is "Invalid request. calleeNum"

  # The X cannot be changed [V] (§3.4: relationNum is not among the FAQ's modifiable items).
  # Whether a modify that sends one is accepted with the X ignored (the emulator, D40) or
  # refused is open, so only where the binding is afterwards is asserted, by the documented
  # lookup of A on an X: still on X1, and nothing of A on X2. A platform that moves the
  # binding breaks the rule and is detected.
  @refused @direction:broken @contract:3.4/The-FAQ-s-list-of-modifiable
  Scenario: A modify cannot move a binding to another X (on any platform)
    When I modify AXB with:
      """
      {"subscriptionId":"<SUB1>","relationNum":"<X2>","maxDuration":30}
      """
    And I query AXB with "relationNum=<X1>&callerNum=<A1>"
    Then the result code is "0"
    When I query AXB with "relationNum=<X2>&callerNum=<A1>"
    Then the query finds no binding
