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

  # duration 0 means "never expires" (§3.4) also when a modify sets it: the old lifetime must
  # not survive as if 0 were "not sent".
  @axb.modify @rule:business:never-expires @emulator @global-state
  Scenario: Modify with duration 0 makes the binding never expire
    Given an AXB binding with:
      """
      {"callerNum":"<A1>","calleeNum":"<B1>","relationNum":"<X1>","duration":100}
      """
    When I modify AXB with:
      """
      {"subscriptionId":"<SUB1>","duration":0}
      """
    Then the result code is "0"
    And the emulator clock advances by 7776001 seconds
    And the AXB binding "<SUB1>" exists

  # A binding lives exactly its duration from the bind (§3.2, §13.4; removal at the instant is D43).
  @axb.bind @rule:business:expiry-instant @emulator @global-state @decision:D43
  Scenario: An AXB binding expires at its exact instant
    Given an AXB binding with:
      """
      {"callerNum":"<A1>","calleeNum":"<B1>","relationNum":"<X1>","duration":3600}
      """
    And the emulator clock advances by 3599 seconds
    Then the AXB binding "<SUB1>" exists
    And the emulator clock advances by 1 seconds
    And the AXB binding "<SUB1>" does not exist
