@callbacks @emulator
Feature: Every hang-up cause of the contract can end a simulated call (reference §7.7, D91)
  The call simulator takes "cause" to end a call with any code of the cause table (the current
  table, its older rows and the codes only older tables list). The code says how far the call
  gets: a cause of the inbound leg releases it before forwarding, a callee that is busy or
  unreachable never rings, one that declines or does not answer rang, and the normal hang-up,
  the maximum duration and a failed recording end an answered call. The disconnect carries the
  code and the emulator's stateDesc of the table, the fee record the code as ulFailReason.

  @rule:business:forced-cause @decision:D91
  Scenario Outline: AXB: a call forced to end with <code> (<group>)
    Given an AXB binding of "<A1>" and "<B1>" on "<X1>"
    When "<A1>" calls "<X1>" with:
      """
      {"cause":<code>}
      """
    Then the call events are "<events>"
    And the response field "stateCode" is <code>
    And the response field "stateDesc" is "<desc>"
    And the response field "fee.ulFailReason" is <code>

    Examples:
      | code  | group    | events                                      | desc |
      | 0     | -        | callin, callout, alerting, answer, disconnect | The user releases the call. |
      | 522   | platform | callin, disconnect                          | Platform out of voice ports. |
      | 7001  | control  | callin, disconnect                          | Developer call-rate control. |
      | 7002  | control  | callin, disconnect                          | App call-rate control. |
      | 7003  | control  | callin, disconnect                          | Display-number call-rate control. |
      | 7004  | control  | callin, disconnect                          | Callee blacklisted. |
      | 7005  | control  | callin, disconnect                          | Caller blacklisted. |
      | 7100  | tenant   | callin, disconnect                          | App does not exist. |
      | 7101  | tenant   | callin, disconnect                          | App has no privacy numbers. |
      | 7102  | platform | callin, disconnect                          | Other error. |
      | 7105  | tenant   | callin, disconnect                          | Service type mismatch. |
      | 7106  | tenant   | callin, disconnect                          | App has no privacy-call capability. |
      | 7107  | control  | callin, disconnect                          | Security prompt failed. |
      | 7108  | tenant   | callin, disconnect                          | Account frozen. |
      | 7109  | control  | callin, disconnect                          | Tenant out of voice ports. |
      | 7500  | control  | callin, disconnect                          | Call prefix restricted. |
      | 7501  | caller   | callin, callout, disconnect                 | Caller hung up before ringing. |
      | 7502  | caller   | callin, callout, alerting, disconnect       | Caller hung up during ringing. |
      | 7503  | callee   | callin, callout, alerting, disconnect       | Callee declined the call. |
      | 7504  | callee   | callin, callout, alerting, disconnect       | The call is rejected. |
      | 7505  | network  | callin, disconnect                          | Caller network error. |
      | 7506  | network  | callin, callout, disconnect                 | Callee network error. |
      | 7507  | tenant   | callin, disconnect                          | Tone file missing. |
      | 7508  | network  | callin, disconnect                          | Routing failed. |
      | 7516  | caller   | callin, disconnect                          | Caller hung up before forwarding. |
      | 8000  | older    | callin, disconnect                          | Internal error. |
      | 8001  | older    | callin, callout, disconnect                 | Not connected. |
      | 8002  | older    | callin, disconnect                          | Prompt failed. |
      | 8003  | older    | callin, callout, alerting, disconnect       | Ringing timeout. |
      | 8004  | older    | callin, callout, alerting, disconnect       | Hang-up while ringing. |
      | 8006  | tenant   | callin, disconnect                          | X-mode tone file missing. |
      | 8007  | platform | callin, callout, alerting, answer, disconnect | Last-minute tone failed. |
      | 8008  | platform | callin, disconnect                          | Digit collection failed. |
      | 8009  | older    | callin, callout, alerting, disconnect       | Caller hung up. |
      | 8010  | tenant   | callin, callout, alerting, answer, disconnect | Maximum call duration reached. |
      | 8011  | platform | callin, disconnect                          | Other error. |
      | 8012  | older    | callin, disconnect                          | Invalid app_key. |
      | 8013  | binding  | callin, disconnect                          | Invalid AX call: no temporary callee. |
      | 8014  | binding  | callin, disconnect                          | Invalid AXB call: no binding. |
      | 8015  | platform | callin, callout, alerting, answer, disconnect | Recording failed. |
      | 8016  | binding  | callin, disconnect                          | Call direction not allowed. |
      | 8017  | older    | callin, disconnect                          | Released by customer. |
      | 8018  | control  | callin, disconnect                          | No permission. |
      | 8019  | binding  | callin, disconnect                          | No callback record. |
      | 8020  | older    | callin, disconnect                          | Service error. |
      | 8022  | binding  | callin, disconnect                          | Extension binding does not exist. |
      | 8023  | control  | callin, disconnect                          | Fixed-line caller not allowed. |
      | 8024  | control  | callin, disconnect                          | Real caller display not allowed. |
      | 8025  | number   | callin, disconnect                          | X number does not exist. |
      | 8030  | binding  | callin, disconnect                          | No AXYB binding. |
      | 8031  | binding  | callin, disconnect                          | Y allocation failed. |
      | 8032  | caller   | callin, disconnect                          | Own privacy number dialled. |
      | 8033  | caller   | callin, disconnect                          | Empty extension. |
      | 8035  | callee   | callin, callout, alerting, disconnect       | Connection timeout. |
      | 8040  | platform | callin, disconnect                          | Other error. |
      | 8041  | platform | callin, callout, alerting, answer, disconnect | Recording failed. |
      | 8042  | control  | callin, disconnect                          | International inbound restricted. |
      | 8043  | control  | callin, disconnect                          | International outbound restricted. |
      | 8044  | control  | callin, disconnect                          | Abnormal call duration control. |
      | 8046  | control  | callin, disconnect                          | Abnormal answer rate control. |
      | 8047  | control  | callin, disconnect                          | Caller call-frequency control. |
      | 8048  | control  | callin, disconnect                          | Callee call-frequency control. |
      | 8049  | control  | callin, disconnect                          | Service-number call-frequency control. |
      | 8050  | control  | callin, disconnect                          | Call time window restricted. |
      | 8051  | control  | callin, disconnect                          | Sub-enterprise suspended. |
      | 8055  | control  | callin, disconnect                          | X number unusable. |
      | 8056  | control  | callin, disconnect                          | Dial-test number control. |
      | 8057  | control  | callin, disconnect                          | Call-direction control. |
      | 8100  | callee   | callin, callout, disconnect                 | Callee does not exist. |
      | 8101  | callee   | callin, callout, alerting, disconnect       | No answer. |
      | 8102  | callee   | callin, callout, disconnect                 | Callee busy. |
      | 8103  | callee   | callin, callout, disconnect                 | Callee unreachable. |
      | 8104  | callee   | callin, callout, disconnect                 | Callee powered off. |
      | 8105  | callee   | callin, callout, disconnect                 | Callee out of service. |
      | 8106  | older    | callin, disconnect                          | Caller does not exist. |
      | 8107  | older    | callin, disconnect                          | Caller no answer. |
      | 8108  | older    | callin, disconnect                          | Caller busy. |
      | 8109  | older    | callin, disconnect                          | Caller unreachable. |
      | 8110  | older    | callin, disconnect                          | Caller powered off. |
      | 8111  | older    | callin, disconnect                          | Caller out of service. |
      | 8139  | platform | callin, disconnect                          | Other error. |

  @rule:business:forced-cause @decision:D91
  Scenario: X: an inbound-leg cause ends an X-mode call after the Block callin
    Given the X app
    And the customer's server answers the callin of "<X1>" with:
      """
      {"operation":"connect","connectInfo":{"calleeNum":"<B1>"}}
      """
    When "<A1>" calls "<X1>" with:
      """
      {"cause":8049}
      """
    Then the call events are "callin, disconnect"
    And the response field "stateCode" is 8049
    And the response field "fee.direction" is 2
