@ax.unbind
Feature: AX unbind — DELETE /rest/provision/caas/privatenumber/v1.0 (reference §4.3)

  Background:
    Given the AX app
    And an AX binding of "<A1>" on "<X1>"

  Scenario: Unbind by subscriptionId
    When I unbind AX with "subscriptionId=<SUB1>"
    Then the result code is "0"
    And the result description is "Success"
    And the AX binding "<SUB1>" does not exist
  @contract:4.3/origNum @contract:4.3/privateNum
  Scenario: Unbind by origNum and privateNum (official example)
    When I unbind AX with "origNum=<A1>&privateNum=<X1>"
    Then the result code is "0"
    And the AX binding "<SUB1>" does not exist

  @decision:D54
  Scenario: Unbind by privateNum alone
    When I unbind AX with "privateNum=<X1>"
    Then the result code is "0"
    And the AX binding "<SUB1>" does not exist

  @rule:precedence:subscriptionId
  Scenario: subscriptionId wins over the numbers
    Given an AX binding of "<A2>" on "<X2>"
    When I unbind AX with "subscriptionId=<SUB1>&origNum=<A2>&privateNum=<X2>"
    Then the result code is "0"
    And the AX binding "<SUB1>" does not exist
    And the AX binding "<SUB2>" exists

  @rule:alternative:subscriptionId|privateNum @code:1010002 @decision:D54
  Scenario: One of subscriptionId and privateNum is required
    When I unbind AX with no parameters
    Then the result code is "1010002"
    And the result description is "Invalid request. subscriptionId"

  @rule:pair:origNum+privateNum @code:1010002 @decision:D54
  Scenario: origNum alone is not enough
    When I unbind AX with "origNum=<A1>"
    Then the result code is "1010002"
    And the result description is "Invalid request. privateNum"

  @rule:business:x-not-owned @refused
  Scenario: privateNum not owned by the app (refused on any platform)
    When I unbind AX with "privateNum=<NOTX>"
    Then the request is refused

  @rule:business:x-not-owned @code:1011004 @decision:D48
  Scenario: privateNum not owned by the app: the emulator's code
    When I unbind AX with "privateNum=<NOTX>"
    Then the result code is "1011004"

  @rule:business:unknown-subscription @refused
  Scenario: Unknown subscriptionId (refused on any platform)
    When I unbind AX with "subscriptionId=00000000-0000-4000-8000-000000000000"
    Then the request is refused

  @rule:business:unknown-subscription @code:1016001 @decision:D47
  Scenario: Unknown subscriptionId: the emulator's code
    When I unbind AX with "subscriptionId=00000000-0000-4000-8000-000000000000"
    Then the result code is "1016001"
    And the result description is "The record does not exist"

  @rule:business:a-mismatch @code:1016001 @decision:D47 @decision:D54
  Scenario: The X is bound to another A than origNum
    When I unbind AX with "origNum=<A2>&privateNum=<X1>"
    Then the result code is "1016001"
    And the AX binding "<SUB1>" exists
