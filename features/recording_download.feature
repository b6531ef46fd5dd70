@record.download
Feature: Recording download URL — GET /rest/provision/voice/record/v1.0 (reference §11)
  Shared by every mode.

  Background:
    Given the AXB app

  # Success is a redirect (§11.1 [V]); a lookup that fails is no redirect but an answer with
  # the documented 1012007 (D75: asserted on every target).
  @rule:business:unknown-recording @code:1012007 @contract:11.1/Success-an-HTTP-redirect-the @contract:12/1012007~2
  Scenario: An unknown recording does not exist
    When I request the recording download with "fileName=no-such-recording.wav&recordDomain=example.invalid"
    Then the result code is "1012007"
    And the result description is "The record does not exist."

  @rule:business:unknown-recording @code:1012007 @decision:D75
  Scenario: An unknown recording is answered with HTTP 404 by the emulator
    Given the AXE app
    When I request the recording download with "fileName=no-such-recording.wav&recordDomain=example.invalid"
    Then the result code is "1012007"
    And the HTTP status is 404

  # fileName and recordDomain are the fee record's recordObjectName and recordDomain (§11.1 [V]):
  # the pair taken from the call's fee record is accepted.
  @rule:business:download-redirect @emulator @global-state @contract:11.1/fileName @contract:11.1/recordDomain
  Scenario: The recording of a recorded call is downloaded through a redirect
    # The recording exists once the call has ended and its fee record is pushed (emulator clock).
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

  @rule:business:download-redirect @rule:business:retention @code:1012007 @emulator @global-state @callbacks @rule:delivery:recording
  Scenario: The recording named by the pushed fee record is a WAV file kept 7 days
    # Retention counts from the first push attempt of the fee record (D75).
    Given an AXB binding with:
      """
      {"callerNum":"<A1>","calleeNum":"<B1>","relationNum":"<X1>","recordFlag":"true","recordHintTone":"hint.wav"}
      """
    And "<A1>" calls "<X1>"
    And the emulator clock advances by 600 seconds
    And the emulator clock advances by 2 seconds
    And the fee record of the call arrives at the fee URL
    And the response field "fee.recordFlag" is 1
    And the response field "fee.recordStartTime" is present
    And the response field "fee.recordBucketName" is present
    And I remember the response field "fee.recordObjectName" as "REC"
    And I remember the response field "fee.recordDomain" as "DOMAIN"
    When I request the recording download with "fileName=<REC>&recordDomain=<DOMAIN>"
    Then the response is a redirect with a Location header
    And the Location serves a WAV recording
    When the emulator clock advances by 604800 seconds
    And I request the recording download with "fileName=<REC>&recordDomain=<DOMAIN>"
    Then the result code is "1012007"
    And the HTTP status is 404

  @rule:business:unknown-recording @code:1012007 @emulator @global-state
  Scenario: A recording asked for with another recordDomain does not exist
    Given an AXB binding with:
      """
      {"callerNum":"<A1>","calleeNum":"<B1>","relationNum":"<X1>","recordFlag":"true","recordHintTone":"hint.wav"}
      """
    And "<A1>" calls "<X1>"
    And the emulator clock advances by 600 seconds
    And I remember the response field "fee.recordObjectName" as "REC"
    When I request the recording download with "fileName=<REC>&recordDomain=other.example.invalid"
    Then the result code is "1012007"
    And the HTTP status is 404

  @rule:business:retention @code:1012007 @emulator @global-state
  Scenario: A recording is kept 7 days
    Given an AXB binding with:
      """
      {"callerNum":"<A1>","calleeNum":"<B1>","relationNum":"<X1>","recordFlag":"true","recordHintTone":"hint.wav"}
      """
    And "<A1>" calls "<X1>"
    And I remember the response field "fee.recordObjectName" as "REC"
    And I remember the response field "fee.recordDomain" as "DOMAIN"
    And the emulator clock advances by 518400 seconds
    And I request the recording download with "fileName=<REC>&recordDomain=<DOMAIN>"
    And the response is a redirect with a Location header
    When the emulator clock advances by 172800 seconds
    And I request the recording download with "fileName=<REC>&recordDomain=<DOMAIN>"
    Then the result code is "1012007"

  @code:1010002
  Scenario Outline: Recording download rejects <case>
    When I request the recording download with "<query>"
    Then the result code is "1010002"
    And the result description is "Invalid request. <field>"

    @rule:mandatory:fileName
    Examples: fileName
      | case             | query                                     | field    |
      | missing fileName | recordDomain=example.invalid              | fileName |
      | empty fileName   | fileName=&recordDomain=example.invalid    | fileName |

    @rule:mandatory:recordDomain
    Examples: recordDomain
      | case                 | query                    | field        |
      | missing recordDomain | fileName=a.wav           | recordDomain |

  @rule:business:injected-errors @emulator @global-state @contract:1.6/1010001-1023001-1023002
  Scenario Outline: The emulator injects internal error <code>
    Given the emulator answers every "record.download" request with result code "<code>"
    When I request the recording download with "fileName=a.wav&recordDomain=example.invalid"
    Then the result code is "<code>"
    And the HTTP status is 500

    @code:1010001 @contract:12/1010001
    Examples: internal system error
      | code    |
      | 1010001 |

    @code:1023001 @contract:12/1023001
    Examples: internal error
      | code    |
      | 1023001 |

    @code:1023002 @contract:12/1023002
    Examples: response timeout
      | code    |
      | 1023002 |

  # The download is "the same URI for every mode" with the standard authentication headers
  # (§11.1 [V]): an app of each mode reaches the interface, and for a file that does not exist
  # gets the documented 1012007, not an answer about its mode or an unknown interface.
  @code:1012007 @contract:11.1/GET-rest-provision-voice-record-v1.0-fil @direction:held
  Scenario Outline: An app of mode <mode> reaches the recording download at the shared URI
    Given the <mode> app
    When I request the recording download with "fileName=no-such-recording.wav&recordDomain=example.invalid"
    Then the result code is "1012007"

    Examples:
      | mode |
      | AX   |
      | AXE  |
