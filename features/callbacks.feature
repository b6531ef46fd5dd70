@callbacks @emulator
Feature: Call events and fee records of simulated calls (reference §7, §8)
  Calls are placed through the emulator's call simulator (POST /emulator/v1/calls), so the whole
  feature runs only against the emulator. Every call event is validated against
  callback-event.request and the fee record against callback-fee.request; the scenarios check
  the event sequences of §7.4, the final stateCode and the fee record's direction.

  @rule:sequence:B1 @contract:7.7/rule
  Scenario: AXB: A calls X and B answers
    Given an AXB binding with:
      """
      {"callerNum":"<A1>","calleeNum":"<B1>","relationNum":"<X1>","userData":"order-4711"}
      """
    When "<A1>" calls "<X1>"
    Then the call events are "callin, callout, alerting, answer, disconnect"
    And the response field "stateCode" is 0
    And the response field "fee.direction" is 1
    And the response field "fee.subscriptionId" is "<SUB1>"
    And the response field "fee.fwdDstNum" is "<B1>"
    And the response field "events.0.statusInfo.caller" is "<A1>"
    And the response field "events.0.statusInfo.userData" is "order-4711"

  @rule:sequence:B2
  Scenario: AXB: B calls X and A answers
    Given an AXB binding of "<A1>" and "<B1>" on "<X1>"
    When "<B1>" calls "<X1>"
    Then the call events are "callin, callout, alerting, answer, disconnect"
    And the response field "stateCode" is 0
    And the response field "fee.direction" is 0
    And the response field "fee.fwdDstNum" is "<A1>"

  @rule:sequence:B3-B6
  Scenario Outline: AXB: the callee leg ends with <outcome>
    Given an AXB binding of "<A1>" and "<B1>" on "<X1>"
    When "<A1>" calls "<X1>" with:
      """
      {"outcome":"<outcome>"}
      """
    Then the call events are "<events>"
    And the response field "stateCode" is <state>
    And the response field "fee.direction" is 1

    Examples:
      | outcome       | events                                | state |
      | no-answer     | callin, callout, alerting, disconnect | 8101  |
      | busy          | callin, callout, disconnect           | 7504  |
      | rejected      | callin, callout, alerting, disconnect | 7504  |
      | caller-hangup | callin, callout, alerting, disconnect | 8009  |

  @rule:sequence:B7
  Scenario: AXB: a caller without binding on X
    Given an AXB binding of "<A1>" and "<B1>" on "<X1>"
    When "<C1>" calls "<X1>"
    Then the call events are "callin, disconnect"
    And the response field "stateCode" is 8014
    And the response field "fee.direction" is 2

  @rule:sequence:B7
  Scenario: AXB: calls through an unbound binding fail
    Given an AXB binding of "<A1>" and "<B1>" on "<X1>"
    And I unbind AXB with "subscriptionId=<SUB1>"
    When "<A1>" calls "<X1>"
    Then the call events are "callin, disconnect"
    And the response field "stateCode" is 8014

  @rule:sequence:B8
  Scenario: AXB: callDirection forbids B to call A
    Given an AXB binding with:
      """
      {"callerNum":"<A1>","calleeNum":"<B1>","relationNum":"<X1>","callDirection":1}
      """
    When "<B1>" calls "<X1>"
    Then the call events are "callin, disconnect"
    And the response field "stateCode" is 8016

  @rule:sequence:B9
  Scenario: AXB: the platform ends a call at maxDuration
    Given an AXB binding with:
      """
      {"callerNum":"<A1>","calleeNum":"<B1>","relationNum":"<X1>","maxDuration":1}
      """
    When "<A1>" calls "<X1>" with:
      """
      {"talkSeconds":300}
      """
    Then the call events are "callin, callout, alerting, answer, disconnect"
    And the response field "stateCode" is 8010

  @rule:business:recorded-call
  Scenario: AXB: a recorded call has a recording in its fee record
    Given an AXB binding with:
      """
      {"callerNum":"<A1>","calleeNum":"<B1>","relationNum":"<X1>","recordFlag":"true","recordHintTone":"hint.wav"}
      """
    When "<A1>" calls "<X1>"
    Then the response field "fee.recordFlag" is 1
    And the response field "fee.recordObjectName" is present
    And the response field "fee.recordDomain" is present

  @rule:sequence:X1
  Scenario: AX: another user calls X and A answers
    Given the AX app
    And an AX binding of "<A1>" on "<X1>"
    When "<C1>" calls "<X1>"
    Then the call events are "callin, callout, alerting, answer, disconnect"
    And the response field "stateCode" is 0
    And the response field "fee.direction" is 0
    And the response field "fee.fwdDstNum" is "<A1>"

  @rule:sequence:X2
  Scenario: AX: A calls X with a temporary callee
    Given the AX app
    And an AX binding of "<A1>" on "<X1>"
    And I set the AX temporary callee with:
      """
      {"subscriptionId":"<SUB1>","calleeNum":"<D1>"}
      """
    When "<A1>" calls "<X1>"
    Then the call events are "callin, callout, alerting, answer, disconnect"
    And the response field "fee.direction" is 1
    And the response field "fee.fwdDstNum" is "<D1>"

  @rule:sequence:X3
  Scenario: AX: A calls X without a temporary callee
    Given the AX app
    And an AX binding of "<A1>" on "<X1>"
    When "<A1>" calls "<X1>"
    Then the call events are "callin, disconnect"
    And the response field "stateCode" is 8013

  @rule:sequence:X3 @global-state
  Scenario: AX: the temporary callee expires after its duration
    Given the AX app
    And an AX binding of "<A1>" on "<X1>"
    And I set the AX temporary callee with:
      """
      {"subscriptionId":"<SUB1>","calleeNum":"<D1>","duration":1}
      """
    And the emulator clock advances by 5 seconds
    When "<A1>" calls "<X1>"
    Then the response field "stateCode" is 8013

  @rule:sequence:X4
  Scenario: AX: an X without binding
    Given the AX app
    When "<C1>" calls "<X1>"
    Then the call events are "callin, disconnect"
    And the response field "stateCode" is 8018
    And the response field "fee.direction" is 2

  @rule:sequence:X6
  Scenario: AX: privacy switched off
    Given the AX app
    And an AX binding with:
      """
      {"origNum":"<A1>","privateNum":"<X1>","turnFlag":"off"}
      """
    When "<C1>" calls "<X1>"
    Then the call events are "callin, disconnect"
    And the response field "stateCode" is 8018

  @rule:sequence:X7
  Scenario: AX: calleeNumDisplay 1 is refused by the carrier
    Given the AX app
    And an AX binding with:
      """
      {"origNum":"<A1>","privateNum":"<X1>","calleeNumDisplay":"1"}
      """
    When "<C1>" calls "<X1>"
    Then the call events are "callin, disconnect"
    And the response field "stateCode" is 8024

  @rule:sequence:E1
  Scenario: AXE: a caller enters A's extension and A answers
    Given the AXE app
    And an AXE binding of "<A1>" on "<X1>"
    When "<C1>" calls "<X1>" with:
      """
      {"extension":"<EXT1>"}
      """
    Then the call events are "callin, collectInfo, callout, alerting, answer, disconnect"
    And the response field "stateCode" is 0
    And the response field "fee.direction" is 0
    And the response field "fee.fwdDstNum" is "<A1>"

  @rule:sequence:E2
  Scenario: AXE: an unknown extension
    Given the AXE app
    And an AXE binding of "<A1>" on "<X1>"
    When "<C1>" calls "<X1>" with:
      """
      {"extension":"9999"}
      """
    Then the call events are "callin, collectInfo, disconnect"
    And the response field "stateCode" is 8022

  @rule:sequence:E3 @global-state
  Scenario: AXE: A calls back the user who last called
    # The callback record is created when the forwarded leg starts on the emulator clock.
    Given the AXE app
    And an AXE binding of "<A1>" on "<X1>"
    And "<C1>" calls "<X1>" with:
      """
      {"extension":"<EXT1>"}
      """
    And the emulator clock advances by 600 seconds
    When "<A1>" calls "<X1>"
    Then the call events are "callin, callout, alerting, answer, disconnect"
    And the response field "fee.direction" is 1
    And the response field "fee.fwdDstNum" is "<C1>"

  @rule:sequence:E4
  Scenario: AXE: without a callback record A's call goes to callbackNum
    Given the AXE app
    And an AXE binding with:
      """
      {"bindNum":"<A1>","virtualNum":"<X1>","callbackNum":"<D1>"}
      """
    When "<A1>" calls "<X1>"
    Then the call events are "callin, callout, alerting, answer, disconnect"
    And the response field "fee.fwdDstNum" is "<D1>"

  @rule:sequence:E5
  Scenario: AXE: without a callback record or callbackNum A's call ends
    Given the AXE app
    And an AXE binding of "<A1>" on "<X1>"
    When "<A1>" calls "<X1>"
    Then the call events are "callin, disconnect"
    And the response field "stateCode" is 8019

  @rule:sequence:E6
  Scenario: AXE: displayNumMode 1 is refused by the carrier
    Given the AXE app
    And an AXE binding with:
      """
      {"bindNum":"<A1>","virtualNum":"<X1>","displayNumMode":"1"}
      """
    When "<C1>" calls "<X1>" with:
      """
      {"extension":"<EXT1>"}
      """
    Then the call events are "callin, collectInfo, disconnect"
    And the response field "stateCode" is 8024

  @rule:sms:axb-forward
  Scenario: AXB: an SMS from A to X is forwarded to B and notified
    Given an AXB binding with:
      """
      {"callerNum":"<A1>","calleeNum":"<B1>","relationNum":"<X1>","userData":"sms-1"}
      """
    When "<A1>" sends the SMS "hello" to "<X1>"
    Then the response field "forwarded" is true
    And the response field "forwardTo" is "<B1>"
    And the response field "sendResult" is 0
    And the response field "notify.body.smsEvent.notificationMode" is "Notify"
    And the response field "notify.body.smsEvent.calling" is "<A1>"
    And the response field "notify.body.smsEvent.virtualNumber" is "<X1>"
    And the response field "notify.body.smsEvent.subscriptionId" is "<SUB1>"
    And the response field "notify.body.smsEvent.smsContent" is "hello"

  @rule:sms:ax-forward
  Scenario: AX: an SMS from another user to X is forwarded to A
    Given the AX app
    And an AX binding of "<A1>" on "<X1>"
    When "<B1>" sends the SMS "hi" to "<X1>"
    Then the response field "forwarded" is true
    And the response field "forwardTo" is "<A1>"

  @rule:sms:ax-forward
  Scenario: AX: A addresses B with an @number suffix
    Given the AX app
    And an AX binding of "<A1>" on "<X1>"
    When "<A1>" sends the SMS "see you@<B1>" to "<X1>"
    Then the response field "forwarded" is true
    And the response field "forwardTo" is "<B1>"
    And the response field "forwardText" is "see you"
