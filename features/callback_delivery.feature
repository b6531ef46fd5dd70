@callbacks @emulator
Feature: Notifications as they arrive at the customer's URLs (reference §7-§10)
  The runner's callback receiver plays the customer: it verifies every push's signature with
  the app's secret and validates the body against its JSON Schema; these scenarios check what
  arrived, at which URL, in which order, and that it agrees with what the call simulator
  reported. Calls are timed on the emulator clock, so most scenarios advance it (and run
  alone): 600 seconds to end the call, then 2 more for the batching window that fee records
  and X-number status changes wait in (D70, D73), which opens during the first advance. Without a push source (another target, or `harness run` without Options.Pushes) the
  scenarios are skipped at their first push step.

  # The fee record step also checks the record against the events that arrived: the same
  # sessionId (§7.3, §8.3 [V]), callInTime … callEndTime equal to the events' timestamps.
  @global-state @rule:delivery:events @rule:delivery:signature-aksk @rule:delivery:fee
  @contract:7.3/caller @contract:7.3/called @contract:7.3/userData @contract:7.3/subscriptionId @contract:7.3/sessionId @contract:7.3/timestamp @contract:8.3/sessionId @contract:8.3/callInTime @contract:8.3/callEndTime
  Scenario: AXB: the events and the fee record of an answered call arrive signed with X-AKSK
    Given an AXB binding with:
      """
      {"callerNum":"<A1>","calleeNum":"<B1>","relationNum":"<X1>","userData":"order-4711"}
      """
    When "<A1>" calls "<X1>"
    And the emulator clock advances by 600 seconds
    And the emulator clock advances by 2 seconds
    Then the call's events arrive at the call-status URL in the order "callin, callout, alerting, answer, disconnect"
    And the response field "events.0.statusInfo.caller" is "<A1>"
    And the response field "events.0.statusInfo.called" is "<X1>"
    And the response field "events.0.statusInfo.userData" is "order-4711"
    And the response field "events.1.statusInfo.caller" is "<X1>"
    And the response field "events.1.statusInfo.called" is "<B1>"
    And the response field "events.4.statusInfo.subscriptionId" is "<SUB1>"
    And the response field "events.4.statusInfo.userData" is "order-4711"
    And the response field "events.4.statusInfo.stateCode" is 0
    And the response field "events.4.statusInfo.stateDesc" is "The user releases the call."
    And the fee record of the call arrives at the fee URL
    And the response field "eventType" is "fee"
    And the response field "fee.direction" is 1
    And the response field "fee.subscriptionId" is "<SUB1>"
    And the response field "fee.bindNum" is "<X1>"
    And the response field "fee.callerNum" is "<A1>"
    And the response field "fee.fwdDstNum" is "<B1>"
    And the response field "fee.userData" is "order-4711"
    And the response field "fee.ulFailReason" is 0
    And the response field "fee.serviceType" is "004"
    And every push of the call is signed with X-AKSK by the app's key

  @global-state @rule:delivery:signature-wsse
  Scenario: AXB: an app with callbackAuth wsse gets its notifications signed with X-WSSE
    Given the AXB-wsse app
    And an AXB binding of "<A1>" and "<B1>" on "<X1>"
    When "<B1>" calls "<X1>"
    And the emulator clock advances by 600 seconds
    And the emulator clock advances by 2 seconds
    Then the call's events arrive at the call-status URL in the order "callin, callout, alerting, answer, disconnect"
    And the fee record of the call arrives at the fee URL
    And the response field "fee.direction" is 0
    And the response field "fee.fwdDstNum" is "<A1>"
    And every push of the call is signed with X-WSSE by the app's key

  @global-state @rule:delivery:events @rule:delivery:fee @contract:7.3/subscriptionId @contract:8.1/An-empty-subscriptionId-means-the
  Scenario: AXB: a call without binding is notified without a subscriptionId
    Given an AXB binding of "<A1>" and "<B1>" on "<X1>"
    When "<C1>" calls "<X1>"
    And the emulator clock advances by 600 seconds
    And the emulator clock advances by 2 seconds
    Then the call's events arrive at the call-status URL in the order "callin, disconnect"
    And the response field "events.1.statusInfo.stateCode" is 8014
    And the response field "events.1.statusInfo.subscriptionId" is absent
    And the fee record of the call arrives at the fee URL
    And the response field "fee.direction" is 2
    And the response field "fee.subscriptionId" is absent
    And the response field "fee.ulFailReason" is 8014
    And the response field "fee.failTime" is present
    And every push of the call is signed with X-AKSK by the app's key

  @global-state @rule:delivery:events @rule:delivery:fee @contract:7.3/digitInfo
  Scenario: AXE: the collectInfo event carries the digits and the fee record the extension
    Given the AXE app
    And an AXE binding of "<A1>" on "<X1>"
    When "<C1>" calls "<X1>" with:
      """
      {"extension":"<EXT1>"}
      """
    And the emulator clock advances by 600 seconds
    And the emulator clock advances by 2 seconds
    Then the call's events arrive at the call-status URL in the order "callin, collectInfo, callout, alerting, answer, disconnect"
    And the response field "events.1.statusInfo.digitInfo" is "<EXT1>"
    And the fee record of the call arrives at the fee URL
    And the response field "fee.extendNum" is "<EXT1>"
    And the response field "fee.serviceType" is "005"

  @global-state @rule:delivery:fee-batch
  Scenario: AXB: fee records of calls ending together are merged into one message of at most 50
    # Stopped, so that the calls made one after the other end at one emulator instant
    # however slow the machine: only the advances move the clock. All three are answered
    # calls of the same length: a busy call would end 15 s before the others, outside the
    # 2 s window, and whether its record still joined theirs depended on which goroutine
    # ran first during the advance.
    Given the emulator clock is stopped
    And an AXB binding of "<A1>" and "<B1>" on "<X1>"
    When "<A1>" calls "<X1>"
    And "<B1>" calls "<X1>"
    And "<A1>" calls "<X1>"
    And the emulator clock advances by 600 seconds
    And the emulator clock advances by 2 seconds
    Then the fee records of the scenario's calls arrive in one message

  @global-state @rule:delivery:fee-cap
  Scenario: AXB: 51 calls ending together are pushed as one full message of 50 records and one of 1
    # Stopped, so that the calls made one after the other end at one emulator instant
    # however slow the machine: only the advances move the clock.
    Given the emulator clock is stopped
    And an AXB binding of "<A1>" and "<B1>" on "<X1>"
    When "<A1>" calls "<X1>" 51 times
    And the emulator clock advances by 600 seconds
    And the emulator clock advances by 2 seconds
    Then the fee records of the scenario's calls arrive in full messages of 50 and one with the rest

  @global-state @rule:delivery:retry
  Scenario: AXB: pushes answered 503 are pushed again after a minute with the same body
    # The runner's receiver fails the first delivery of every push of the AXB-retry app.
    Given the AXB-retry app
    And an AXB binding of "<A1>" and "<B1>" on "<X1>"
    When "<A1>" calls "<X1>"
    And the emulator clock advances by 600 seconds
    And the emulator clock advances by 2 seconds
    Then every push of the call is first answered with HTTP 503
    When the emulator clock advances by 60 seconds
    Then every push of the call is delivered again with the same body and a fresh signature

  @global-state @rule:delivery:numstatus @rule:business:x-paused @contract:9/numInfo-.number @contract:9/Destination-POST-to-the-app-s @axb.bind @rule:business:x-not-normal @code:1012008
  Scenario: AXB: a paused X is notified, takes no new binding and fails calls with 8020
    Given an AXB binding of "<A1>" and "<B1>" on "<X1>"
    When the status of "<X1>" is set to "9"
    And the emulator clock advances by 2 seconds
    Then a numStatus push for "<X1>" with status "9" arrives at the X-status URL
    And the response field "eventType" is "numStatus"
    When I bind AXB with:
      """
      {"callerNum":"<C1>","calleeNum":"<D1>","relationNum":"<X1>"}
      """
    Then the result code is "1012008"
    When "<A1>" calls "<X1>"
    Then the call events are "callin, disconnect"
    And the response field "stateCode" is 8020
    And the response field "fee.direction" is 2

  @global-state @rule:delivery:numstatus
  Scenario: AX: an unavailable X is notified with its cause, and again when it is normal again
    Given the AX app
    When the status of "<X1>" is set to "10" with cause "2"
    And the emulator clock advances by 2 seconds
    Then a numStatus push for "<X1>" with status "10" and cause "2" arrives at the X-status URL
    When the status of "<X1>" is set to "5"
    And the emulator clock advances by 2 seconds
    Then a numStatus push for "<X1>" with status "5" arrives at the X-status URL

  # "normal — none" (§9 [V]): an X set back to normal after a pause is notified with status "5"
  # and takes new bindings and calls again, as if it had never been paused.
  @global-state @rule:delivery:numstatus @contract:9/Effects-normal-none @contract:9/Trigger-an-X-number-s-status
  Scenario: AXB: an X set back to normal is notified and takes bindings and calls again
    Given an AXB binding of "<A1>" and "<B1>" on "<X1>"
    When the status of "<X1>" is set to "9"
    And the status of "<X1>" is set to "5"
    And the emulator clock advances by 2 seconds
    Then a numStatus push for "<X1>" with status "5" arrives at the X-status URL
    When I bind AXB with:
      """
      {"callerNum":"<C1>","calleeNum":"<D1>","relationNum":"<X1>"}
      """
    Then the result code is "0"
    When "<A1>" calls "<X1>"
    Then the call events are "callin, callout, alerting, answer, disconnect"

  @global-state @rule:delivery:numstatus-cap
  Scenario: AXB: 101 status changes at once are pushed as one full message of 100 and one of 1
    # Stopped, so that the 101 changes, made one after the other, fall into one batching
    # window however slow the machine.
    Given the emulator clock is stopped
    And the AXB app
    When the status of 101 X numbers of the app is set to "9"
    And the emulator clock advances by 2 seconds
    Then the numStatus pushes of those changes arrive in full messages of 100 and one with the rest

  @rule:delivery:sms-notify @contract:10.2/appKey @contract:10.2/smsEvent @contract:10.1/AXB-A-or-B
  Scenario: AXB: the Notify of a forwarded SMS arrives at the SMS notification URL
    Given an AXB binding with:
      """
      {"callerNum":"<A1>","calleeNum":"<B1>","relationNum":"<X1>","userData":"sms-2"}
      """
    When "<A1>" sends the SMS "hello" to "<X1>"
    Then the SMS notification arrives at the SMS notification URL
    And the response field "appKey" is "<appKey>"
    And the response field "smsEvent.notificationMode" is "Notify"
    And the response field "smsEvent.calling" is "<A1>"
    And the response field "smsEvent.called" is "<B1>"
    And the response field "smsEvent.virtualNumber" is "<X1>"
    And the response field "smsEvent.event" is present
    And the response field "smsEvent.timeStamp" is present
    And the response field "smsEvent.subscriptionId" is "<SUB1>"
    And the response field "smsEvent.smsContent" is "hello"
    And the response field "smsEvent.sendResult" is 0
    And the response field "smsEvent.userData" is "sms-2"

  @rule:delivery:sms-block
  Scenario: AX: A's SMS without an @number goes to the SMS control URL and is forwarded on vNumberRoute
    Given the AX app
    And an AX binding of "<A1>" on "<X1>"
    And the customer's server answers the Block SMS to "<X1>" with:
      """
      {"actions":[{"operation":"vNumberRoute","message":{"called":"<D1>","calling":"<A1>"}}]}
      """
    When "<A1>" sends the SMS "no suffix here" to "<X1>"
    Then the SMS Block request arrives at the SMS control URL
    And the response field "smsEvent.notificationMode" is "Block"
    And the response field "smsEvent.calling" is "<A1>"
    And the response field "smsEvent.virtualNumber" is "<X1>"
    And the response field "smsEvent.subscriptionId" is "<SUB1>"
    And the SMS notification arrives at the SMS notification URL
    And the response field "smsEvent.notificationMode" is "Notify"
    And the response field "smsEvent.called" is "<D1>"
    And the response field "smsEvent.sendResult" is 0
