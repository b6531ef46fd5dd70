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
