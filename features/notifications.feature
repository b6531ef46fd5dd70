@inside @callbacks
Feature: Notification meaning beyond the schema (reference §8.3)
  A fee record can match its schema and still say the wrong thing. These scenarios check the
  meaning of its fields against the call that produced it. Simulated calls need emulator
  control (@emulator).

  # callerNum and calleeNum are the first leg's ("当呼叫场景经过转接时,此参数对应第一路呼叫的主叫号码"):
  # A dialled X, so the callee is X; B, reached through X, is the forward destination [V].
  @rule:meaning:fee-first-leg @emulator
  Scenario: The fee record of a forwarded AXB call names the first leg, then the forwarded one
    Given an AXB binding of "<A1>" and "<B1>" on "<X1>"
    When "<A1>" calls "<X1>"
    Then the response field "fee.callerNum" is "<A1>"
    And the response field "fee.calleeNum" is "<X1>"
    And the response field "fee.fwdDstNum" is "<B1>"
    And the response field "fee.bindNum" is "<X1>"

  # icid is the unique call-record ID [V]: two calls of one binding have two.
  @rule:meaning:icid-unique @emulator
  Scenario: Every call's fee record has its own icid
    Given an AXB binding of "<A1>" and "<B1>" on "<X1>"
    When "<A1>" calls "<X1>"
    And I remember the response field "fee.icid" as "ICID1"
    And "<A1>" calls "<X1>"
    Then the response field "fee.icid" is not "<ICID1>"
    And the response field "fee.icid" is present

  # An answered call failed nowhere: the Q.850 causes and the SIP status are "0 if none"
  # (§8.3, §8.5 [V]). In AX mode another user calling A is direction 0 ("A被叫") and the business
  # type is "003" (§8.3 [V]); the record names the app it belongs to (appKey [V]).
  @rule:meaning:fee-first-leg @emulator @contract:8.3/appKey @contract:8.3/serviceType @contract:8.3/direction
  Scenario: The fee record of an answered AX call names the app, AX's business type and no failure cause
    Given the AX app
    And an AX binding of "<A1>" on "<X1>"
    When "<C1>" calls "<X1>"
    Then the call events are "callin, callout, alerting, answer, disconnect"
    And the response field "fee.appKey" is "<appKey>"
    And the response field "fee.direction" is 0
    And the response field "fee.serviceType" is "003"
    And the response field "fee.callerNum" is "<C1>"
    And the response field "fee.calleeNum" is "<X1>"
    And the response field "fee.fwdDstNum" is "<A1>"
    And the response field "fee.fwdUnaswRsn" is 0
    And the response field "fee.sipStatusCode" is 0
    And the response field "fee.callOutUnaswRsn" is 0

  # Event and fee times are UTC ("话单里的时间统一用的是UTC时间,加8小时即为北京时间", §7.3, §8.1 [V]):
  # a call made now is stamped within minutes of the platform's present in UTC, so a time
  # written in Beijing time (8 hours off) fails. The simulated call lasts about 15 s.
  @emulator @contract:8.1/All-times-are-UTC-yyyy-MM-dd @contract:7.3/timestamp @contract:D72
  Scenario: A call's events and fee record are stamped in UTC
    Given an AXB binding of "<A1>" and "<B1>" on "<X1>"
    When "<A1>" calls "<X1>"
    Then the response field "events.0.statusInfo.timestamp" is the request's time in UTC
    And the response field "events.4.statusInfo.timestamp" is the request's time in UTC
    And the response field "fee.callInTime" is the request's time in UTC
    And the response field "fee.fwdAnswerTime" is the request's time in UTC
    And the response field "fee.callEndTime" is the request's time in UTC

  # "an unbind or expiry during a call does not end it" (§7.4 [V]): the call unbound while it
  # talks ends as an answered call would, with cause 0, and its record still names the binding.
  @emulator @global-state @contract:7.4/Related-rules-an-unbind-or
  Scenario: Unbinding during a call does not end the call
    Given an AXB binding of "<A1>" and "<B1>" on "<X1>"
    And the emulator clock is stopped
    And "<A1>" calls "<X1>" with:
      """
      {"ringSeconds":2,"talkSeconds":60}
      """
    And the emulator clock advances by 10 seconds
    When I unbind AXB with "subscriptionId=<SUB1>"
    Then the result code is "0"
    When the emulator clock advances by 120 seconds
    And the emulator's call log has the call
    Then the call events are "callin, callout, alerting, answer, disconnect"
    And the response field "stateCode" is 0
    And the response field "fee.subscriptionId" is "<SUB1>"
