@authentication @inside
Feature: Lockout semantics — what counts, who is locked, the exact threshold (reference §2.6, D8)
  The docs say only that an IP is blacklisted for 30 minutes after "too many" authentication
  failures; what counts, which address is locked and the threshold are the emulator's decision
  D8 (10 authentication failures of one TCP peer within 60 s). Each scenario switches the
  emulator's lockout on for itself (emulator control, so @emulator) and the scenario's end
  switches it off and clears it.

  Background:
    Given the AXB app

  @auth-negative @rule:business:lockout-threshold @code:1010010 @emulator @global-state @decision:D8
  Scenario: Nine failures do not lock the client IP out, the tenth does
    Given the emulator lockout is on
    When I send 9 AXB queries signed with the secret "not-the-secret"
    Then the client IP is not locked out
    When I send 1 AXB queries signed with the secret "not-the-secret"
    Then the client IP is locked out

  # Validation and business refusals come after authentication (§2.5 steps 20-21): they are
  # not authentication failures and never count toward the lockout.
  @auth-negative @rule:business:lockout-counting @code:1010002 @code:1012007 @emulator @global-state @decision:D8
  Scenario: Validation and business refusals do not count toward the lockout
    Given the emulator lockout is on
    When I send 6 AXB binds with:
      """
      {"callerNum":"12345","calleeNum":"<B1>"}
      """
    Then the result code is "1010002"
    When I send 6 AXB queries with "subscriptionId=00000000-0000-4000-8000-000000000000"
    Then the result code is "1012007"
    And the client IP is not locked out

  # The client IP is the TCP peer; a forwarding header that any client can write must neither
  # spread the failures over other addresses nor let a locked client out.
  @auth-negative @rule:business:lockout-peer @code:1010010 @emulator @global-state @decision:D8
  Scenario: Failures are counted against the TCP peer, not a forwarding header
    Given the emulator lockout is on
    When I send 10 AXB queries signed with the secret "not-the-secret", each with a different "X-Forwarded-For" header
    Then the client IP is locked out

  # The lock lasts 30 minutes from the failure that caused it; requests refused meanwhile are
  # not failures and do not restart it (D8). The lock runs on the emulator clock.
  @auth-negative @rule:business:lockout-extension @code:1010010 @emulator @global-state @decision:D8
  Scenario: Requests refused during the lock do not extend it
    Given the emulator lockout is on
    When I send 10 AXB queries signed with the secret "not-the-secret"
    Then the client IP is locked out
    When the emulator clock advances by 1700 seconds
    Then the client IP is locked out
    When the emulator clock advances by 101 seconds
    Then the client IP is not locked out
