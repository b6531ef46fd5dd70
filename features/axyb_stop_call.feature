@call.stop
Feature: Stop call from an AXYB app (reference §6.5, §11.2, D79)
  The current stop-call page sits in Huawei's AXYB menu, so an AXYB app may stop calls: the
  platform never answers 1010040 (an interface of another mode) to it. That part is asserted
  against any platform (D79 leaves only the other modes to the emulator); the effect on a live AXYB call needs the emulator's call simulator
  (D81). A profile without an AXYB app leaves the feature not checked.

  Background:
    Given the AXYB app

  @rule:business:every-mode @refused
  Scenario: An AXYB app may call the stop call: an unknown call is refused, never as another mode's API
    When I stop the call "1200_366_0_20161228102743@callenabler.home1.com"
    Then the request is refused
    And the response field "resultcode" is not "1010040"

  @rule:business:stop-live-call @rule:business:every-mode @code:1012007 @emulator @global-state @decision:D79 @decision:D80 @decision:D81
  Scenario: An AXYB call from B to X stopped while A rings ends with 8017 and cannot be stopped twice
    Given an AXYB relation with:
      """
      {"origNum":"<A1>","areaMatchMode":"1"}
      """
    And a YB relation of "<B1>" on "<SUB1>"
    And the emulator clock is stopped
    And "<B1>" calls "<AXYB_X1>"
    And the emulator clock advances by 3 seconds
    When I stop the call
    Then the result code is "0"
    And the HTTP status is 200
    And the response matches its schema
    When the emulator's call log has the call
    Then the call events are "callin, callout, alerting, disconnect"
    And the response field "stateCode" is 8017
    And the response field "stateDesc" is "Released by customer."
    And the response field "events.3.statusInfo.caller" is "<AXYB_Y1>"
    And the response field "events.3.statusInfo.called" is "<A1>"
    And the response field "fee.ulFailReason" is 8017
    And the response field "fee.direction" is 0
    And the response field "fee.subscriptionId" is "<SUB1>"
    And the response field "fee.fwdAnswerTime" is absent
    When I stop the call
    Then the result code is "1012007"
