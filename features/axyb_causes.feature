@callbacks @axyb.bind @emulator
Feature: AXYB hang-up causes forced on a simulated call (reference §6.5, §7.7, D86, D91)
  The routing of §6.5 produces 8030 and 8032 from the relations, and 8031 only when no Y is
  left; the call simulator's "cause" forces any of the three on a call that the relations would
  put through, so that a customer's handling of each can be tried without emptying a pool. The
  call then fails as a routed AXYB failure does: released after callin, fee direction 2.

  Background:
    Given the AXYB app
    And an AXYB relation with:
      """
      {"origNum":"<A1>","areaMatchMode":"1","userData":"axyb-forced"}
      """
    And a YB relation of "<B1>" on "<SUB1>"

  @rule:business:forced-cause @decision:D91 @decision:D86
  Scenario Outline: AXYB: a call from <caller> forced to <code> fails with that cause
    When "<caller>" calls "<dialled>" with:
      """
      {"cause":<code>}
      """
    Then the call events are "callin, disconnect"
    And the response field "stateCode" is <code>
    And the response field "stateDesc" is "<desc>"
    And the response field "events.1.statusInfo.stateCode" is <code>
    And the response field "fee.ulFailReason" is <code>
    And the response field "fee.direction" is 2
    And the response field "fee.subscriptionId" is "<SUB1>"

    Examples:
      | caller | dialled   | code | desc                        |
      | <B1>   | <AXYB_X1> | 8030 | No AXYB binding.            |
      | <B1>   | <AXYB_X1> | 8031 | Y allocation failed.        |
      | <B1>   | <AXYB_X1> | 8032 | Own privacy number dialled. |
      | <A1>   | <AXYB_Y1> | 8030 | No AXYB binding.            |
      | <A1>   | <AXYB_Y1> | 8031 | Y allocation failed.        |
      | <A1>   | <AXYB_Y1> | 8032 | Own privacy number dialled. |
