@inside
Feature: State from the inside — isolation between apps, never-expiring and expiring bindings (reference §3, §13.4)

  # A subscriptionId belongs to the app that created it: another app of the same mode cannot
  # remove it, whatever it is answered.
  @axb.unbind @rule:business:isolation @code:1012007
  Scenario: One app's unbind never touches another app's AXB binding
    Given an AXB binding of "<A1>" and "<B1>" on "<X1>"
    And the AXB-2 app
    When I unbind AXB with "subscriptionId=<SUB1>"
    Then the response field "resultcode" is not "0"
    Given the AXB app
    Then the AXB binding "<SUB1>" exists

  # duration 0 means "never expires" also when a modify sets it (§3.4 [V]): the old lifetime
  # must not survive as if 0 were "not sent". It waits past the old lifetime (@slow: the
  # emulator's clock is advanced; another target sleeps, with --slow).
  @axb.modify @rule:business:never-expires @slow @global-state
  Scenario: Modify with duration 0 makes the binding never expire
    Given an AXB binding with:
      """
      {"callerNum":"<A1>","calleeNum":"<B1>","relationNum":"<X1>","duration":60}
      """
    When I modify AXB with:
      """
      {"subscriptionId":"<SUB1>","duration":0}
      """
    Then the result code is "0"
    When 70 seconds pass on the platform
    Then the AXB binding "<SUB1>" exists

  # A binding lives exactly its duration from the bind (§3.2, §13.4; removal at the instant is D43).
  # The clock is stopped so that only the advances move it.
  @axb.bind @rule:business:expiry-instant @emulator @global-state @decision:D43
  Scenario: An AXB binding expires at its exact instant
    Given the emulator clock is stopped
    And an AXB binding with:
      """
      {"callerNum":"<A1>","calleeNum":"<B1>","relationNum":"<X1>","duration":3600}
      """
    And the emulator clock advances by 3599 seconds
    Then the AXB binding "<SUB1>" exists
    And the emulator clock advances by 1 seconds
    And the AXB binding "<SUB1>" does not exist

  # Status 11 "binding frozen": no new bindings, but existing bindings keep working for calls
  # and SMS (§9 [V]). The code of the refused bind is D32; setting a status needs emulator control.
  @axb.bind @rule:business:x-frozen @code:1012008 @emulator @global-state @decision:D32
  Scenario: A binding-frozen X takes no new binding but keeps its calls working
    Given an AXB binding of "<A1>" and "<B1>" on "<X1>"
    When the status of "<X1>" is set to "11"
    And I bind AXB with:
      """
      {"callerNum":"<C1>","calleeNum":"<D1>","relationNum":"<X1>"}
      """
    Then the result code is "1012008"
    When "<A1>" calls "<X1>"
    Then the call events are "callin, callout, alerting, answer, disconnect"

  # privateSms "false": the binding does not relay SMS (§3.2 [V]); simulating an SMS needs
  # emulator control.
  @axb.bind @rule:business:private-sms @emulator
  Scenario: An AXB binding with privateSms "false" does not forward SMS
    Given an AXB binding with:
      """
      {"callerNum":"<A1>","calleeNum":"<B1>","relationNum":"<X1>","privateSms":"false"}
      """
    When "<A1>" sends the SMS "hello" to "<X1>"
    Then the response field "forwarded" is false

  # A recording belongs to the app whose call made it (§11.1): another app asking for it gets
  # the answer of a recording that does not exist.
  @record.download @rule:business:recording-isolation @code:1012007 @emulator @global-state
  Scenario: Another app cannot download an app's recording
    Given an AXB binding with:
      """
      {"callerNum":"<A1>","calleeNum":"<B1>","relationNum":"<X1>","recordFlag":"true","recordHintTone":"hint.wav"}
      """
    And "<A1>" calls "<X1>"
    And the emulator clock advances by 600 seconds
    And I remember the response field "fee.recordObjectName" as "REC"
    And I remember the response field "fee.recordDomain" as "DOMAIN"
    When I request the recording download with "fileName=<REC>&recordDomain=<DOMAIN>"
    Then the response is a redirect with a Location header
    Given the AXB-2 app
    When I request the recording download with "fileName=<REC>&recordDomain=<DOMAIN>"
    Then the result code is "1012007"

  # Defaults of absent fields. areaMatchMode defaults to "0", strict (§3.2 [V]): without it, a
  # city where the app has no X is refused, not served from another city.
  @axb.bind @rule:default:areaMatchMode @code:1012008
  Scenario: Without areaMatchMode the area match is strict
    When I bind AXB with:
      """
      {"callerNum":"<A1>","calleeNum":"<B1>","areaCode":"0999"}
      """
    Then the result code is "1012008"

  # The temporary callee lasts 60 s when no duration is sent (§4.6 [V]); observing it takes
  # simulated calls on the emulator clock.
  @ax.callee @rule:default:duration @emulator @global-state
  Scenario: A temporary callee set without duration lasts exactly 60 seconds
    Given the AX app
    And an AX binding of "<A1>" on "<X1>"
    And I set the AX temporary callee with:
      """
      {"subscriptionId":"<SUB1>","calleeNum":"<D1>"}
      """
    And the emulator clock advances by 59 seconds
    When "<A1>" calls "<X1>"
    Then the response field "fee.fwdDstNum" is "<D1>"
    When the emulator clock advances by 2 seconds
    And "<A1>" calls "<X1>"
    Then the response field "stateCode" is 8013

  # A recording is kept 7 days from its fee record's push (§11.1 [V]), not from the call's start:
  # the call rings and talks for about 16 s, so 7 days and 8 s after the call was placed the
  # recording is still there. Counting from the first push attempt is D75; the clock is stopped
  # so that only the advances move it.
  @record.download @rule:business:retention @emulator @global-state @decision:D75
  Scenario: A recording's 7 days count from the fee push, not from the call's start
    Given the emulator clock is stopped
    And an AXB binding with:
      """
      {"callerNum":"<A1>","calleeNum":"<B1>","relationNum":"<X1>","recordFlag":"true","recordHintTone":"hint.wav"}
      """
    And "<A1>" calls "<X1>"
    And I remember the response field "fee.recordObjectName" as "REC"
    And I remember the response field "fee.recordDomain" as "DOMAIN"
    And the emulator clock advances by 602 seconds
    And the emulator clock advances by 604206 seconds
    When I request the recording download with "fileName=<REC>&recordDomain=<DOMAIN>"
    Then the response is a redirect with a Location header

  # A modify with duration restarts the binding's clock from the modification [V] (§3.4,
  # §13.4). Bound for 60 s, modified after 40 s to 60 s again: it must still exist 80 s after
  # the bind (an old clock would have ended at 60 s) and be gone 110 s after it (the new one
  # ends at 100 s). The margins keep a slow run deterministic; another target waits 110 s of
  # real time (harness conform --slow). The query of a binding that is gone is 1012007 [V].
  @axb.modify @slow @global-state @direction:held @direction:broken @contract:13.4/AXB-duration-0-7776000-s-absent
  Scenario: A modified duration restarts the expiry clock (on any platform)
    Given an AXB binding with:
      """
      {"callerNum":"<A1>","calleeNum":"<B1>","relationNum":"<X1>","duration":60}
      """
    When 40 seconds pass on the platform
    And I modify AXB with:
      """
      {"subscriptionId":"<SUB1>","duration":60}
      """
    Then the result code is "0"
    When 40 seconds pass on the platform
    Then the AXB binding "<SUB1>" exists
    When 30 seconds pass on the platform
    Then the AXB binding "<SUB1>" does not exist
