@call.stop
Feature: Stop call — POST /rest/httpsessions/callStop/v2.0 (reference §11.2)
  The customer ends a call that is going on, named by the sessionId of its call events or fee
  record, spelled "sessionid" in this body; "signal" is always "call_stop". Huawei publishes the
  success answer and that a call which has already ended fails; the failure codes, the modes
  other than AXYB and the effect on the call are the emulator's decisions D79-D81, so against
  another platform those scenarios only show where it differs.

  Background:
    Given the AXB app

  # The sessionid must be a call's sessionId, taken from its events or fee record (§11.2 [V]),
  # of a call going on (§13.6 [V]): an invented one is refused on every target.
  @rule:business:unknown-call @refused @contract:11.2/Prerequisite-sessionId-the-call-s @contract:11.2/sessionid @contract:13.6/Stop-call @contract:11.2/resultcode
  Scenario: A stop call for a call that is not going on is refused
    When I stop the call "1200_366_0_20161228102743@callenabler.home1.com"
    Then the request is refused

  @rule:business:unknown-call @code:1012007 @decision:D80
  Scenario: A stop call for an unknown sessionid does not find the record
    When I stop the call "1200_366_0_20161228102743@callenabler.home1.com"
    Then the result code is "1012007"
    And the HTTP status is 403
    And the result description is "The record does not exist."
    And the response matches its schema

  @rule:business:answer-content-type @code:1012007 @decision:D81
  Scenario: The stop call answers JSON in UTF-8, unlike the text/html of Huawei's example
    When I stop the call "no-such-session"
    Then the result code is "1012007"
    And the response Content-Type is JSON in UTF-8

  @code:1010002 @decision:D80
  Scenario Outline: A stop call with <case> is refused naming <field>
    When I stop a call with:
      """
      <body>
      """
    Then the result code is "1010002"
    And the HTTP status is 403
    And the result description is "Invalid request. <field>"

    @rule:mandatory:sessionid
    Examples: sessionid
      | case                           | body                                                 | field     |
      | no sessionid                   | {"signal":"call_stop"}                               | sessionid |
      | the notifications' sessionId   | {"sessionId":"s-1","signal":"call_stop"}             | sessionid |
      | an empty sessionid             | {"sessionid":"","signal":"call_stop"}                | sessionid |
      | a null sessionid               | {"sessionid":null,"signal":"call_stop"}              | sessionid |
      | neither field                  | {}                                                   | sessionid |

    @rule:type:sessionid
    Examples: sessionid type
      | case                 | body                                          | field     |
      | a numeric sessionid  | {"sessionid":1200366,"signal":"call_stop"}    | sessionid |

    @rule:length:sessionid
    Examples: sessionid length
      | case                           | body                                          | field     |
      | a sessionid of 257 characters  | {"sessionid":"<str:257>","signal":"call_stop"} | sessionid |

    @rule:mandatory:signal
    Examples: signal
      | case            | body                              | field  |
      | no signal       | {"sessionid":"s-1"}               | signal |
      | an empty signal | {"sessionid":"s-1","signal":""}   | signal |

    @rule:enum:signal
    Examples: signal value
      | case                        | body                                          | field  |
      | signal CALL_STOP            | {"sessionid":"s-1","signal":"CALL_STOP"}      | signal |
      | signal with a blank         | {"sessionid":"s-1","signal":"call_stop "}     | signal |
      | signal call_end             | {"sessionid":"s-1","signal":"call_end"}       | signal |
      | signal as an array          | {"sessionid":"s-1","signal":["call_stop"]}    | signal |

  @code:1012007 @decision:D80
  Scenario Outline: A sessionid of <n> characters passes validation
    # Its length is within String(1-256): the emulator looks for the call and finds none.
    When I stop a call with:
      """
      {"sessionid":"<sessionid>","signal":"call_stop"}
      """
    Then the result code is "1012007"

    @rule:length:sessionid
    Examples:
      | n   | sessionid |
      | 1   | <str:1>   |
      | 256 | <str:256> |

  @rule:business:content-type @code:1010002 @schema-valid @decision:D18
  Scenario: A stop call sent as text/plain is refused
    Given the next request has header "Content-Type" set to 'text/plain'
    When I stop the call "s-1"
    Then the result code is "1010002"
    And the result description is "Invalid request. Content-Type"

  # The documented success (§11.2 [V]): a POST of the call's sessionid with call_stop to the
  # stop-call URI is answered "0" "Success" with HTTP 200 and releases the call.
  @rule:business:stop-live-call @rule:business:every-mode @code:1012007 @emulator @global-state @decision:D79 @decision:D80 @decision:D81
  @contract:11.2/Direction-customer-platform-method @contract:11.2/Headers-as-1.3-Content-Type-application @contract:11.2/resultdesc @contract:11.2/Result-codes-0-HTTP @contract:11.2/VoiceCall-s-page-adds-signal-call-stop
  Scenario: An AXB call stopped while the callee rings ends with 8017 and cannot be stopped twice
    Given an AXB binding of "<A1>" and "<B1>" on "<X1>"
    And the emulator clock is stopped
    And "<A1>" calls "<X1>"
    And the emulator clock advances by 3 seconds
    When I stop the call
    Then the result code is "0"
    And the HTTP status is 200
    And the result description is "Success"
    And the response matches its schema
    When the emulator's call log has the call
    Then the call events are "callin, callout, alerting, disconnect"
    And the response field "stateCode" is 8017
    And the response field "stateDesc" is "Released by customer."
    And the response field "events.3.statusInfo.stateCode" is 8017
    And the response field "events.3.statusInfo.caller" is "<X1>"
    And the response field "events.3.statusInfo.called" is "<B1>"
    And the response field "fee.ulFailReason" is 8017
    And the response field "fee.fwdAlertingTime" is present
    And the response field "fee.fwdAnswerTime" is absent
    And the response field "fee.failTime" is present
    When I stop the call
    Then the result code is "1012007"

  @rule:business:stop-live-call @rule:sequence:S1 @callbacks @emulator @global-state @decision:D81
  Scenario: The customer receives the events up to the stop, a disconnect with 8017 and the fee record
    Given an AXB binding with:
      """
      {"callerNum":"<A1>","calleeNum":"<B1>","relationNum":"<X1>","recordFlag":"true","recordHintTone":"hint.wav"}
      """
    And the emulator clock is stopped
    And "<A1>" calls "<X1>" with:
      """
      {"ringSeconds":2,"talkSeconds":60}
      """
    And the emulator clock advances by 10 seconds
    When I stop the call
    Then the result code is "0"
    When the emulator's call log has the call
    Then the call events are "callin, callout, alerting, answer, disconnect"
    And the response field "fee.fwdAnswerTime" is present
    And the response field "fee.failTime" is absent
    And the response field "fee.recordFlag" is 1
    When the emulator clock advances by 120 seconds
    Then the call's events arrive at the call-status URL in the order "callin, callout, alerting, answer, disconnect"
    And the response field "events.4.statusInfo.stateCode" is 8017
    And the fee record of the call arrives at the fee URL
    And the response field "fee.ulFailReason" is 8017

  @rule:business:ended-call @code:1012007 @emulator @global-state @decision:D80
  Scenario: A call that has ended cannot be stopped
    Given an AXB binding of "<A1>" and "<B1>" on "<X1>"
    And the emulator clock is stopped
    And "<A1>" calls "<X1>"
    And the emulator clock advances by 60 seconds
    When I stop the call
    Then the result code is "1012007"
    And the result description is "The record does not exist."

  @rule:business:isolation @code:1012007 @emulator @global-state @decision:D79
  Scenario: An app cannot stop another app's call
    Given an AXB binding of "<A1>" and "<B1>" on "<X1>"
    And the emulator clock is stopped
    And "<A1>" calls "<X1>"
    And the AX app
    When I stop the call
    Then the result code is "1012007"
    Given the AXB app
    When I stop the call
    Then the result code is "0"

  @rule:business:every-mode @emulator @global-state @decision:D79 @decision:D81
  Scenario: An AX app stops a call to A
    Given the AX app
    And an AX binding of "<A1>" on "<X1>"
    And the emulator clock is stopped
    And "<C1>" calls "<X1>"
    And the emulator clock advances by 8 seconds
    When I stop the call
    Then the result code is "0"
    When the emulator's call log has the call
    Then the call events are "callin, callout, alerting, answer, disconnect"
    And the response field "stateCode" is 8017

  @rule:business:every-mode @rule:business:stop-live-call @emulator @global-state @decision:D79 @decision:D81
  Scenario: An AXE call stopped at the extension prompt never reaches A
    Given the AXE app
    And an AXE binding of "<A1>" on "<X1>"
    And the emulator clock is stopped
    And "<C1>" calls "<X1>" with:
      """
      {"extension":"<EXT1>"}
      """
    And the emulator clock advances by 1 seconds
    When I stop the call
    Then the result code is "0"
    When the emulator's call log has the call
    Then the call events are "callin, disconnect"
    And the response field "events.1.statusInfo.caller" is "<C1>"
    And the response field "events.1.statusInfo.called" is "<X1>"
    And the response field "fee.fwdStartTime" is absent
    And the response field "fee.fwdDstNum" is absent
    And the response field "fee.ulFailReason" is 8017

  # "取值固定为'call_stop'" (§11.2 [V]): a stop call of a call going on, with the sessionId of its
  # callin event, is refused with any other signal and the call goes on; with call_stop it
  # stops. Only a live call tells the signal's check apart from the unknown-call refusal, so
  # this needs a simulated call.
  @rule:business:stop-live-call @contract:11.2/signal @contract:11.2/sessionid @contract:11.2/Prerequisite-sessionId-the-call-s @contract:13.6/Stop-call @refused @emulator @global-state
  Scenario: A call going on is not stopped by a signal other than call_stop
    Given an AXB binding of "<A1>" and "<B1>" on "<X1>"
    And the emulator clock is stopped
    And "<A1>" calls "<X1>"
    And I remember the response field "events.0.statusInfo.sessionId" as "SID"
    And the emulator clock advances by 3 seconds
    When I stop a call with:
      """
      {"sessionid":"<SID>","signal":"CALL_STOP"}
      """
    Then the request is refused
    When I stop a call with:
      """
      {"sessionid":"<SID>"}
      """
    Then the request is refused
    # An ended call cannot be stopped (§11.2 [V]): "0" shows the call was still going on.
    When I stop the call "<SID>"
    Then the result code is "0"
