@callbacks @axyb.bind @emulator
Feature: AXYB call events, fee records and hang-up causes (reference §6.5, §7.7, D86)
  Calls are placed through the emulator's call simulator, so the whole feature runs only
  against the emulator. Every event is validated against callback-event.request and the fee
  record against callback-fee.request. B dials X to reach A (shown Y); A dials Y to reach B
  (shown X); a caller without YB who dials X is given a Y. The feature is tagged @axyb.bind,
  the interface its relations are made with, so that a profile without an AXYB app leaves it
  not applicable.

  Background:
    Given the AXYB app
    And an AXYB relation with:
      """
      {"origNum":"<A1>","areaMatchMode":"1","userData":"axyb-1"}
      """
    And a YB relation of "<B1>" on "<SUB1>"

  @rule:sequence:Y1 @decision:D86
  Scenario: AXYB: B dials X and A answers, shown Y
    When "<B1>" calls "<AXYB_X1>"
    Then the call events are "callin, callout, alerting, answer, disconnect"
    And the response field "stateCode" is 0
    And the response field "fee.direction" is 0
    And the response field "fee.fwdDstNum" is "<A1>"
    And the response field "fee.fwdDisplayNum" is "<AXYB_Y1>"
    And the response field "fee.subscriptionId" is "<SUB1>"
    And the response field "events.0.statusInfo.userData" is "axyb-1"
    And the response field "events.1.statusInfo.caller" is "<AXYB_Y1>"

  @rule:sequence:Y2 @decision:D86
  Scenario: AXYB: A dials Y and B answers, shown X
    When "<A1>" calls "<AXYB_Y1>"
    Then the call events are "callin, callout, alerting, answer, disconnect"
    And the response field "stateCode" is 0
    And the response field "fee.direction" is 1
    And the response field "fee.fwdDstNum" is "<B1>"
    And the response field "fee.fwdDisplayNum" is "<AXYB_X1>"

  @rule:sequence:Y3 @decision:D86
  Scenario: AXYB: a caller without YB dials X, is given a Y, and A can call it back
    When "<C1>" calls "<AXYB_X1>"
    Then the response field "stateCode" is 0
    And the response field "fee.fwdDstNum" is "<A1>"
    And the response field "fee.fwdDisplayNum" is not "<AXYB_Y1>"
    And I remember the response field "fee.fwdDisplayNum" as "AUTO_Y"
    When "<A1>" calls "<AUTO_Y>"
    Then the response field "stateCode" is 0
    And the response field "fee.fwdDstNum" is "<C1>"
    And I query AXYB with "app_key=<appKey>&subscriptionId=<SUB1>"
    And the response list "xyRelationNumList" has 2 entries

  @rule:sequence:Y4 @decision:D86
  Scenario Outline: AXYB: <case> fails with <state>
    When "<caller>" calls "<dialled>"
    Then the call events are "callin, disconnect"
    And the response field "stateCode" is <state>
    And the response field "events.1.statusInfo.stateDesc" is "<desc>"
    And the response field "fee.direction" is 2

    Examples:
      | case                        | caller | dialled   | state | desc                        |
      | A dials its own X           | <A1>   | <AXYB_X1> | 8032  | Own privacy number dialled. |
      | B dials its own Y           | <B1>   | <AXYB_Y1> | 8032  | Own privacy number dialled. |
      | a stranger dials Y          | <C1>   | <AXYB_Y1> | 8030  | No AXYB binding.            |

  # @global-state: the unbind returns X1 to the app's pool, where a scenario running beside
  # this one could bind it again (with callDirection 1 the call would then end 8016).
  @rule:sequence:Y4 @decision:D86 @global-state
  Scenario: AXYB: calls through an unbound relation fail with 8030
    When I unbind AXYB with "app_key=<appKey>&subscriptionId=<SUB1>"
    And "<B1>" calls "<AXYB_X1>"
    Then the response field "stateCode" is 8030
    And the response field "fee.direction" is 2

  @rule:sequence:Y5 @decision:D86 @global-state
  Scenario: AXYB: no Y left for a new caller fails with 8031
    Given the AXYB-small app
    And an AXYB relation of "<A2>"
    And an AXYB relation of "<A3>"
    And an AXYB relation of "<A4>"
    And an AXYB relation of "<A5>"
    And an AXYB relation of "<A6>"
    And an AXYB relation of "<A7>"
    And a YB relation of "<B2>" on "<SUB2>"
    And a YB relation of "<B3>" on "<SUB3>"
    When "<C1>" calls "<AXYB_X2>"
    Then the call events are "callin, disconnect"
    And the response field "stateCode" is 8031
    And the response field "fee.direction" is 2

  @rule:sequence:Y6 @decision:D86
  Scenario: AXYB: callDirection 1 forbids B calling A through X
    Given an AXYB relation with:
      """
      {"origNum":"<A2>","areaMatchMode":"1","callDirection":1}
      """
    And a YB relation of "<B2>" on "<SUB2>"
    When "<B2>" calls "<AXYB_X2>"
    Then the response field "stateCode" is 8016
    And the response field "fee.direction" is 0
