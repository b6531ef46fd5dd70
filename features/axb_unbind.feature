@axb.unbind
Feature: AXB unbind — DELETE /rest/caas/relationnumber/partners/v1.0 (reference §3.3)

  Background:
    Given the AXB app

  @contract:D38 @contract:3.3/One-of-the-two-is
  Scenario: Unbind by subscriptionId
    Given an AXB binding of "<A1>" and "<B1>" on "<X1>"
    When I unbind AXB with "subscriptionId=<SUB1>"
    Then the result code is "0"
    And the result description is "Success"
    And the AXB binding "<SUB1>" does not exist

  @rule:business:unbind-all-by-x @contract:3.3/One-of-the-two-is @contract:3.1/Bind-and-unbind-take-effect @contract:12/1012001 @contract:3.3/relationNum-not-one-of-the-app-s-numbers
  Scenario: Unbinding by relationNum alone removes every binding on that X
    Given an AXB binding of "<A1>" and "<B1>" on "<X1>"
    And an AXB binding of "<C1>" and "<D1>" on "<X1>"
    And an AXB binding of "<A2>" and "<B2>" on "<X2>"
    When I unbind AXB with "relationNum=<X1>"
    Then the result code is "0"
    And the AXB binding "<SUB1>" does not exist
    And the AXB binding "<SUB2>" does not exist
    And the AXB binding "<SUB3>" exists

  @rule:precedence:subscriptionId>relationNum
  Scenario: subscriptionId wins over relationNum
    Given an AXB binding of "<A1>" and "<B1>" on "<X1>"
    And an AXB binding of "<A2>" and "<B2>" on "<X2>"
    When I unbind AXB with "subscriptionId=<SUB1>&relationNum=<X2>"
    Then the result code is "0"
    And the AXB binding "<SUB1>" does not exist
    And the AXB binding "<SUB2>" exists

  @rule:business:unbind-all-by-x
  Scenario: The numbers of an unbound binding are free again on that X
    Given an AXB binding of "<A1>" and "<B1>" on "<X1>"
    When I unbind AXB with "subscriptionId=<SUB1>"
    And I bind AXB with:
      """
      {"callerNum":"<B1>","calleeNum":"<A1>","relationNum":"<X1>"}
      """
    Then the result code is "0"

  @rule:alternative:relationNum|subscriptionId @code:1010002
  Scenario: One of relationNum and subscriptionId is required
    When I unbind AXB with no parameters
    Then the result code is "1010002"
    And the result description is "Invalid request. subscriptionId"

  @rule:alternative:relationNum|subscriptionId @code:1010002 @decision:D18
  Scenario: Parameters sent as a JSON body are not read
    Given an AXB binding of "<A1>" and "<B1>" on "<X1>"
    When I send DELETE "/rest/caas/relationnumber/partners/v1.0" with body:
      """
      {"subscriptionId":"<SUB1>"}
      """
    Then the result code is "1010002"
    And the result description is "Invalid request. subscriptionId"

  @code:1010002
  Scenario Outline: AXB unbind rejects <case>
    When I unbind AXB with "<query>"
    Then the result code is "1010002"
    And the result description is "Invalid request. <field>"

    @rule:format:relationNum
    Examples: relationNum format
      | case                       | query                          | field       |
      | relationNum without +      | relationNum=8617000000001      | relationNum |
      | relationNum a fixed line   | relationNum=%2B8675528123401   | relationNum |
      | relationNum too long       | relationNum=%2B86<digits:29>   | relationNum |

    @rule:business:unescaped-plus @decision:D17
    Examples: unescaped + in the query string
      | case                  | query                   | field       |
      | unescaped relationNum | relationNum=<raw:X1>    | relationNum |

  @rule:business:x-not-owned @code:1012001 @contract:12/1012001 @contract:1.6/1010002-1010003-1012001
  Scenario: relationNum not owned by the app
    When I unbind AXB with "relationNum=<NOTX>"
    Then the result code is "1012001"
    And the result description is "Resource of number is not to be applied."

  @rule:business:unknown-subscription @code:1012007 @contract:3.3/subscriptionId
  Scenario: Unknown subscriptionId
    When I unbind AXB with "subscriptionId=00000000-0000-4000-8000-000000000000"
    Then the result code is "1012007"
    And the result description is "The record does not exist."

  @rule:business:unknown-subscription @code:1012007
  @contract:3.1/Bind-and-unbind-take-effect
  Scenario: A binding cannot be unbound twice
    Given an AXB binding of "<A1>" and "<B1>" on "<X1>"
    When I unbind AXB with "subscriptionId=<SUB1>"
    And I unbind AXB with "subscriptionId=<SUB1>"
    Then the result code is "1012007"

  @rule:business:x-without-bindings @code:1012007 @decision:D39
  Scenario: Unbinding an owned X without bindings
    When I unbind AXB with "relationNum=<X1>"
    Then the result code is "1012007"

  # The unbind answer is resultcode and resultdesc only [V] (§3.3). Its schema is the open
  # envelope, so this step is what sees an answer that echoes the binding back: a conforming
  # answer passes (held), one with another field is detected (broken).
  @direction:held @direction:broken @contract:3.3/Response-resultcode-resultdesc-only
  Scenario: The unbind answer has resultcode and resultdesc only
    Given an AXB binding of "<A1>" and "<B1>" on "<X1>"
    When I unbind AXB with "subscriptionId=<SUB1>"
    Then the result code is "0"
    And the response has no other field than "resultcode, resultdesc"
