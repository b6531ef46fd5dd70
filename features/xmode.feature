@callbacks @emulator
Feature: X mode: the customer's server steers every call (reference §6.6-§6.8)
  An X-mode app has no bindings. For each call to X the platform POSTs the callin in Block
  mode to the app's call-status (or callin) URL and acts on the reply body: connect puts the
  call through to connectInfo.calleeNum, close ends it, anything else fails it (D87). The
  runner's own receiver plays the customer's server and gives each scenario the reply it sets
  ("the customer's server answers the callin of …"); against another push source those steps
  skip, because the replies then come from that receiver (harness receive --rules). Calls are
  placed through the emulator's call simulator, so the feature runs only against the emulator.

  @rule:sequence:M1 @decision:D88
  @contract:6.7/Request-envelope-7.2-CallStatusInfo-7.3 @contract:6.7/An-invalid-reply-fails-the @contract:6.7/calleeNum @contract:6.7/displayCalleeNum @contract:6.7/maxDuration @contract:6.7/waitVoice @contract:6.7/userData @contract:7.3/notifyMode @contract:8.3/notifyMode @contract:6.8/X-mode-fields-official-Java-sample @contract:6.6/X-X-the-platform-stores
  Scenario: X: the reply connect puts the call through to calleeNum with the reply's userData
    Given the X app
    And the customer's server answers the callin of "<X1>" with:
      """
      {"operation":"connect","connectInfo":{"calleeNum":"<B1>","displayCalleeNum":"<X1>","maxDuration":60,"waitVoice":"approved.wav","userData":"order-4711"}}
      """
    When "<A1>" calls "<X1>"
    Then the call events are "callin, callout, alerting, answer, disconnect"
    And the response field "stateCode" is 0
    And the response field "events.0.statusInfo.notifyMode" is "Block"
    And the response field "events.0.statusInfo.caller" is "<A1>"
    And the response field "events.0.statusInfo.called" is "<X1>"
    And the response field "events.0.statusInfo.subscriptionId" is absent
    And the response field "events.1.statusInfo.notifyMode" is "Notify"
    And the response field "events.1.statusInfo.caller" is "<X1>"
    And the response field "events.1.statusInfo.called" is "<B1>"
    And the response field "events.4.statusInfo.userData" is "order-4711"
    And the response field "fee.direction" is 1
    And the response field "fee.fwdDstNum" is "<B1>"
    And the response field "fee.notifyMode" is "Block"
    And the response field "fee.userData" is "order-4711"
    And the response field "fee.serviceType" is absent
    And the response field "fee.subscriptionId" is absent

  @rule:sequence:M1 @decision:D87 @contract:6.7/Shape-the-docs-type-both
  Scenario: X: connectInfo as the one-element array of Huawei's Java sample is accepted
    Given the X app
    And the customer's server answers the callin of "<X1>" with:
      """
      {"operation":"connect","connectInfo":[{"calleeNum":"<B1>"}]}
      """
    When "<A1>" calls "<X1>"
    Then the call events are "callin, callout, alerting, answer, disconnect"
    And the response field "fee.fwdDstNum" is "<B1>"

  @rule:sequence:M1 @contract:6.7/maxDuration
  Scenario: X: the reply's maxDuration ends the call
    Given the X app
    And the customer's server answers the callin of "<X1>" with:
      """
      {"operation":"connect","connectInfo":{"calleeNum":"<B1>","maxDuration":1}}
      """
    When "<A1>" calls "<X1>" with:
      """
      {"talkSeconds":90}
      """
    Then the call events are "callin, callout, alerting, answer, disconnect"
    And the response field "stateCode" is 8010

  @rule:sequence:M2 @decision:D88 @contract:6.7/operation @contract:6.7/closeHintTone @contract:6.7/userData~2
  Scenario: X: the reply close ends the call with 8017
    Given the X app
    And the customer's server answers the callin of "<X1>" with:
      """
      {"operation":"close","closeInfo":{"closeHintTone":"approved.wav","userData":"order-4712"}}
      """
    When "<A1>" calls "<X1>"
    Then the call events are "callin, disconnect"
    And the response field "stateCode" is 8017
    And the response field "events.1.statusInfo.caller" is "<A1>"
    And the response field "events.1.statusInfo.called" is "<X1>"
    And the response field "events.1.statusInfo.userData" is "order-4712"
    And the response field "fee.direction" is 2
    And the response field "fee.ulFailReason" is 8017
    And the response field "fee.fwdDstNum" is absent

  # Each row breaks a rule of the reply (§6.7 [V]: maxDuration 0-1440, tones that were uploaded,
  # calleeNum with connect in global format, displayCalleeNum the call's X, operation connect or
  # close): the call fails, which is how the platform refuses a reply.
  @rule:sequence:M3 @decision:D87 @direction:broken
  @contract:6.7/operation @contract:6.7/connectInfo @contract:6.7/calleeNum @contract:6.7/displayCalleeNum @contract:6.7/maxDuration @contract:6.7/waitVoice @contract:6.7/closeHintTone
  Scenario Outline: X: an invalid reply fails the call with 8014 (<case>)
    Given the X app
    And the customer's server answers the callin of "<X1>" with:
      """
      <reply>
      """
    When "<A1>" calls "<X1>"
    Then the call events are "callin, disconnect"
    And the response field "stateCode" is 8014
    And the response field "fee.direction" is 2

    Examples:
      | case                             | reply                                                                                      |
      | maxDuration 7200                 | {"operation":"connect","connectInfo":{"calleeNum":"<B1>","maxDuration":7200}}              |
      | a tone never uploaded            | {"operation":"connect","connectInfo":{"calleeNum":"<B1>","waitVoice":"never.wav"}}          |
      | closeHintTone never uploaded     | {"operation":"close","closeInfo":{"closeHintTone":"never.wav"}}                            |
      | connect without calleeNum        | {"operation":"connect","connectInfo":{"maxDuration":5}}                                    |
      | calleeNum not in global format   | {"operation":"connect","connectInfo":{"calleeNum":"13800000000"}}                          |
      | displayCalleeNum other than X    | {"operation":"connect","connectInfo":{"calleeNum":"<B1>","displayCalleeNum":"<C1>"}}       |
      | an unknown operation             | {"operation":"forward","connectInfo":{"calleeNum":"<B1>"}}                                 |
      | no operation                     | {"connectInfo":{"calleeNum":"<B1>"}}                                                       |

  @global-state @rule:delivery:xmode-callin @decision:D88 @contract:6.8/As-8-POST-to-the @contract:6.8/X-mode-fields-official-Java-sample
  Scenario: X: the Block callin arrives at the call-status URL, the other events follow as Notify
    Given the X app
    And the customer's server answers the callin of "<X1>" with:
      """
      {"operation":"connect","connectInfo":{"calleeNum":"<B1>","userData":"order-4713"}}
      """
    When "<A1>" calls "<X1>"
    And the emulator clock advances by 600 seconds
    And the emulator clock advances by 2 seconds
    Then the call's events arrive at the call-status URL in the order "callin, callout, alerting, answer, disconnect"
    And every push of the call is signed with X-AKSK by the app's key
    And the response field "events.0.statusInfo.notifyMode" is "Block"
    And the response field "events.4.statusInfo.notifyMode" is "Notify"
    And the response field "events.4.statusInfo.userData" is "order-4713"
    And the fee record of the call arrives at the fee URL
    And the response field "fee.notifyMode" is "Block"
    And the response field "fee.userData" is "order-4713"

  # recordFlag "true" in the connect reply records the call (§6.6, §6.7 [V]; the X app has the
  # recording option); without it the default is "false" and nothing is recorded.
  @rule:sequence:M1 @contract:6.7/recordFlag @contract:6.6/Recording-the-app-s-recording-option
  Scenario: X: the reply's recordFlag "true" records the call, its absence does not
    Given the X app
    And the customer's server answers the callin of "<X1>" with:
      """
      {"operation":"connect","connectInfo":{"calleeNum":"<B1>","recordFlag":"true"}}
      """
    When "<A1>" calls "<X1>"
    Then the call events are "callin, callout, alerting, answer, disconnect"
    And the response field "fee.recordFlag" is 1
    And the response field "fee.recordObjectName" is present
    Given the customer's server answers the callin of "<X2>" with:
      """
      {"operation":"connect","connectInfo":{"calleeNum":"<B2>"}}
      """
    When "<A2>" calls "<X2>"
    Then the call events are "callin, callout, alerting, answer, disconnect"
    And the response field "fee.recordFlag" is 0
    And the response field "fee.recordObjectName" is absent
