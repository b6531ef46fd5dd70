@axyb.unbind
Feature: AXYB unbind — DELETE /rest/omp/xyrelationnumber/v1.0 (reference §6.3)
  subscriptionId alone removes the AX and all its YB; with yNum (which wins) or bNum only that YB.

  Background:
    Given the AXYB app
    And an AXYB relation of "<A1>"
    And a YB relation of "<B1>" on "<SUB1>"

  @rule:business:unbind-all @contract:6.3/app-key
  Scenario: subscriptionId alone removes the AX and its YB
    When I unbind AXYB with "app_key=<appKey>&subscriptionId=<SUB1>"
    Then the result code is "0"
    And the result description is "Success"
    And the AXYB binding "<SUB1>" does not exist

  @rule:business:unbind-one-yb
  Scenario: bNum removes that YB only
    When I unbind AXYB with "app_key=<appKey>&subscriptionId=<SUB1>&bNum=<B1>"
    Then the result code is "0"
    And the AXYB binding "<SUB1>" exists
    And I query AXYB with "app_key=<appKey>&subscriptionId=<SUB1>"
    And the response list "xyRelationNumList" has 1 entry
    And the response field "xyRelationNumList.0.numB" is absent

  @rule:precedence:yNum>bNum
  Scenario: With yNum and bNum, yNum names the YB
    Given a YB relation of "<B2>" on "<SUB1>"
    When I unbind AXYB with "app_key=<appKey>&subscriptionId=<SUB1>&yNum=<AXYB_Y2>&bNum=<B1>"
    Then the result code is "0"
    And I query AXYB with "app_key=<appKey>&subscriptionId=<SUB1>"
    And the response list "xyRelationNumList" has 1 entry
    And the response field "xyRelationNumList.0.numB" is "<B1>"

  @rule:business:unknown-subscription @code:1012007 @emulator @decision:D85
  Scenario: Unknown subscriptionId
    When I unbind AXYB with "app_key=<appKey>&subscriptionId=00000000-0000-4000-8000-000000000000"
    Then the result code is "1012007"

  @rule:business:unknown-yb @code:1012007 @emulator @decision:D85
  Scenario: bNum that is not a YB of the relation
    When I unbind AXYB with "app_key=<appKey>&subscriptionId=<SUB1>&bNum=<B2>"
    Then the result code is "1012007"
    And the AXYB binding "<SUB1>" exists

  @rule:mandatory:subscriptionId @code:1010002 @emulator @decision:D85
  Scenario: No subscriptionId
    When I unbind AXYB with "app_key=<appKey>&bNum=<B1>"
    Then the result code is "1010002"
    And the result description is "Invalid request. subscriptionId"

  @rule:mandatory:app_key @code:1010002 @emulator @decision:D82
  Scenario: No app_key
    When I unbind AXYB with "subscriptionId=<SUB1>"
    Then the result code is "1010002"
    And the result description is "Invalid request. app_key"
    And the AXYB binding "<SUB1>" exists

  @refused @contract:6.3/app-key
  Scenario: AXYB unbind without app_key is refused and removes nothing
    When I unbind AXYB with "subscriptionId=<SUB1>"
    Then the request is refused
    And the AXYB binding "<SUB1>" exists

  @refused @contract:6.3/subscriptionId
  Scenario: AXYB unbind of a subscriptionId that is not the app's is refused
    When I unbind AXYB with "app_key=<appKey>&subscriptionId=00000000-0000-4000-8000-000000000000"
    Then the request is refused
