@axb.bind
Feature: AXB bind — POST /rest/caas/relationnumber/partners/v1.0 (reference §3.2, §13.1)
  A (callerNum) and B (calleeNum) are bound to a privacy number X (relationNum). Every scenario
  uses fresh A/B numbers (<A1>, <B1>, …) and X numbers of the profile (<X1>, …).

  Background:
    Given the AXB app
  @contract:3.2/resultcode @contract:12/1012001 @contract:12/1012008 @contract:12/1012010 @contract:12/1010040 @contract:1.6/1010002-1010003-1012001 @contract:1.6/1010029-1010040-all-1011xxx-1012xxx-1016 @contract:3.2/callerNum @contract:1.4/Mobile-country-code-mobile @contract:1.4/X-numbers-relationNum-privateNum-virtual @contract:D27
  Scenario: Bind A and B to an explicit X
    When I bind AXB with:
      """
      {"callerNum":"<A1>","calleeNum":"<B1>","relationNum":"<X1>"}
      """
    Then the result code is "0"
    And the result description is "Success"
    And the response field "relationNum" is "<X1>"
    And the response field "subscriptionId" is present
    And the AXB binding "<SUB>" exists
  @contract:3.2/preVoice @contract:1.7/Boolean-like-strings @contract:D23 @contract:1.7/Integers
  Scenario: Bind with every optional field of the official samples
    When I bind AXB with:
      """
      {"callerNum":"<A1>","calleeNum":"<B1>","relationNum":"<X1>","areaCode":"0755","callDirection":0,
       "duration":86400,"recordFlag":"false","recordHintTone":"recordHintTone.wav","maxDuration":60,
       "lastMinVoice":"lastMinVoice.wav","privateSms":"true",
       "preVoice":{"callerHintTone":"callerHintTone.wav","calleeHintTone":"calleeHintTone.wav"},
       "userData":"order-4711"}
      """
    Then the result code is "0"
    And the response field "relationNum" is "<X1>"

  @rule:default:callDirection @emulator
  Scenario: Absent optional fields take their defaults in the answer
    When I bind AXB with:
      """
      {"callerNum":"<A1>","calleeNum":"<B1>","relationNum":"<X1>"}
      """
    Then the result code is "0"
    And the response field "callDirection" is 0
    And the response field "duration" is 0
    And the response field "maxDuration" is 0

  @rule:precedence:relationNum>areaCode
  Scenario: relationNum wins over areaCode
    When I bind AXB with:
      """
      {"callerNum":"<A1>","calleeNum":"<B1>","relationNum":"<X1>","areaCode":"0999"}
      """
    Then the result code is "0"
    And the response field "relationNum" is "<X1>"

  @rule:business:area-selection @emulator
  Scenario: The platform chooses an X of the requested city under strict matching
    When I bind AXB with:
      """
      {"callerNum":"<A1>","calleeNum":"<B1>","areaCode":"0755","areaMatchMode":"0"}
      """
    Then the result code is "0"
    And the response field "relationNum" is an X number in area "0755"

  @rule:business:area-selection @decision:D34 @decision:D51
  Scenario: Without relationNum and areaCode the X is chosen by A's area
    When I bind AXB with:
      """
      {"callerNum":"<A1>","calleeNum":"<B1>"}
      """
    Then the result code is "0"
    And the response field "relationNum" is one of the app's X numbers

  @rule:business:no-eligible-x @code:1012008 @contract:3.2/Otherwise-the-candidates-are-the @contract:3.2/With-areaCode-candidates-in-that @contract:3.2/resultcode @contract:12/1012008 @contract:1.6/1010029-1010040-all-1011xxx-1012xxx-1016
  Scenario: No X in the requested city under strict matching
    When I bind AXB with:
      """
      {"callerNum":"<A1>","calleeNum":"<B1>","areaCode":"0999","areaMatchMode":"0"}
      """
    Then the result code is "1012008"
    And the result description is "Insufficient number of resources"

  @rule:business:area-selection @decision:D34
  Scenario: Non-strict matching falls back to any X of the app
    When I bind AXB with:
      """
      {"callerNum":"<A1>","calleeNum":"<B1>","areaCode":"0999","areaMatchMode":"1"}
      """
    Then the result code is "0"
    And the response field "relationNum" is one of the app's X numbers

  @rule:business:x-reuse @contract:3.1/One-X-carries-up-to @contract:D30 @contract:3.2/relationNum-given-it-must-be @contract:13.5/explicit-X-relationNum-privateNum-virtua @contract:12/1012010
  Scenario: AXB and CXD may share an X
    Given an AXB binding of "<A1>" and "<B1>" on "<X1>"
    When I bind AXB with:
      """
      {"callerNum":"<C1>","calleeNum":"<D1>","relationNum":"<X1>"}
      """
    Then the result code is "0"

  @rule:business:x-reuse
  Scenario: A may be paired with another B on another X
    Given an AXB binding of "<A1>" and "<B1>" on "<X1>"
    When I bind AXB with:
      """
      {"callerNum":"<A1>","calleeNum":"<C1>","relationNum":"<X2>"}
      """
    Then the result code is "0"

  @rule:business:x-reuse @code:1012010 @contract:3.2/relationNum-given-it-must-be @contract:3.1/One-X-carries-up-to @contract:12/1012010 @contract:1.6/1010029-1010040-all-1011xxx-1012xxx-1016
  Scenario Outline: X reuse rule: with A-X-B bound, binding <case> on the same X is refused
    Given an AXB binding of "<A1>" and "<B1>" on "<X1>"
    When I bind AXB with:
      """
      {"callerNum":"<caller>","calleeNum":"<callee>","relationNum":"<X1>"}
      """
    Then the result code is "1012010"
    And the result description is "The relation number has been bound."

    Examples:
      | case          | caller | callee |
      | B-X-C         | <B1>   | <C1>   |
      | A-X-C         | <A1>   | <C1>   |
      | C-X-A         | <C1>   | <A1>   |
      | C-X-B         | <C1>   | <B1>   |
      | A-X-B again   | <A1>   | <B1>   |

  @rule:business:x-reuse @contract:3.2/Otherwise-the-candidates-are-the
  Scenario: Binding A and C by areaCode avoids the X that already carries A
    Given an AXB binding of "<A1>" and "<B1>" on "<X1>"
    When I bind AXB with:
      """
      {"callerNum":"<A1>","calleeNum":"<C1>","areaCode":"010","areaMatchMode":"1"}
      """
    Then the result code is "0"
    And the response field "relationNum" is not "<X1>"
    And the response field "relationNum" is one of the app's X numbers

  @rule:business:x-not-owned @refused @contract:3.2/relationNum-given-it-must-be @contract:13.5/explicit-X-relationNum-privateNum-virtua
  Scenario: An X that is not the app's is refused on any platform
    When I bind AXB with:
      """
      {"callerNum":"<A1>","calleeNum":"<B1>","relationNum":"<NOTX>"}
      """
    Then the request is refused

  @rule:business:x-not-owned @code:1012001 @decision:D30
  Scenario: An X that is not the app's is refused: the emulator's code
    When I bind AXB with:
      """
      {"callerNum":"<A1>","calleeNum":"<B1>","relationNum":"<NOTX>"}
      """
    Then the result code is "1012001"
    And the result description is "Resource of number is not to be applied."

  @rule:business:x-not-normal @code:1012008 @emulator
  Scenario: An X that is not in status normal is refused
    When I bind AXB with:
      """
      {"callerNum":"<A1>","calleeNum":"<B1>","relationNum":"<PAUSED_X>"}
      """
    Then the result code is "1012008"

  @rule:business:x-full @code:1012008 @emulator
  Scenario: A full X is refused
    Given the AXB-small app
    And an AXB binding of "<A1>" and "<B1>" on "<X1>"
    And an AXB binding of "<A2>" and "<B2>" on "<X1>"
    When I bind AXB with:
      """
      {"callerNum":"<A3>","calleeNum":"<B3>","relationNum":"<X1>"}
      """
    Then the result code is "1012008"
    And the result description is "Insufficient number of resources"

  @rule:business:recording-disabled @code:1012012 @contract:12/1012012 @contract:1.6/1010029-1010040-all-1011xxx-1012xxx-1016
  Scenario: Recording requested by an app without the recording option
    Given the AXB-norec app
    When I bind AXB with:
      """
      {"callerNum":"<A1>","calleeNum":"<B1>","relationNum":"<X1>","recordFlag":"true","recordHintTone":"hint.wav"}
      """
    Then the result code is "1012012"
    And the result description is "Application does not open recording function"

  @rule:business:mode-mismatch @code:1010040 @contract:1.1/App-mode @contract:12/1010040 @contract:1.6/1010029-1010040-all-1011xxx-1012xxx-1016
  Scenario: An AX app may not call the AXB bind interface
    Given the AX app
    When I send POST "/rest/caas/relationnumber/partners/v1.0" with body:
      """
      {"callerNum":"<A1>","calleeNum":"<B1>","relationNum":"<AXB.X1>"}
      """
    Then the result code is "1010040"
    And the result description is "The app_key is not allowed to invoke the API."

  @rule:business:boolean-flags @decision:D23
  Scenario: JSON booleans are accepted for recordFlag and privateSms
    When I bind AXB with:
      """
      {"callerNum":"<A1>","calleeNum":"<B1>","relationNum":"<X1>","recordFlag":false,"privateSms":true}
      """
    Then the result code is "0"
    And I query AXB with "subscriptionId=<SUB>"
    And the response field "relationNumList.0.recordFlag" is "false"
    And the response field "relationNumList.0.privateSms" is "true"

  @rule:business:null-is-absent @decision:D21
  Scenario: A JSON null in an optional field means absent
    When I bind AXB with:
      """
      {"callerNum":"<A1>","calleeNum":"<B1>","relationNum":"<X1>","duration":null,"userData":null,"preVoice":null}
      """
    Then the result code is "0"

  @code:1010002
  Scenario Outline: AXB bind rejects <case>
    When I bind AXB with:
      """
      <body>
      """
    Then the result code is "1010002"
    And the result description is "Invalid request. <field>"

    @rule:mandatory:callerNum
    Examples: mandatory callerNum
      | case              | body                                         | field     |
      | missing callerNum | {"calleeNum":"<B1>","relationNum":"<X1>"}     | callerNum |

    @rule:mandatory:calleeNum
    Examples: mandatory calleeNum
      | case              | body                                         | field     |
      | missing calleeNum | {"callerNum":"<A1>","relationNum":"<X1>"}     | calleeNum |

    @rule:mandatory:callerNum @decision:D21
    Examples: null in a mandatory field
      | case           | body                                                          | field     |
      | null callerNum | {"callerNum":null,"calleeNum":"<B1>","relationNum":"<X1>"}     | callerNum |

    @rule:length:callerNum
    Examples: callerNum length
      | case                 | body                                                                  | field     |
      | callerNum too short  | {"callerNum":"+86","calleeNum":"<B1>","relationNum":"<X1>"}            | callerNum |
      | callerNum too long   | {"callerNum":"+86<digits:29>","calleeNum":"<B1>","relationNum":"<X1>"} | callerNum |

    @rule:length:callerNum @decision:D22
    Examples: empty callerNum
      | case            | body                                                       | field     |
      | empty callerNum | {"callerNum":"","calleeNum":"<B1>","relationNum":"<X1>"}    | callerNum |

    @rule:length:calleeNum
    Examples: calleeNum length
      | case                | body                                                                  | field     |
      | calleeNum too long  | {"callerNum":"<A1>","calleeNum":"+86<digits:29>","relationNum":"<X1>"} | calleeNum |

    @rule:format:callerNum @contract:1.4/Mobile-country-code-mobile
    Examples: callerNum format
      | case                          | body                                                                 | field     |
      | callerNum without +           | {"callerNum":"13800000000","calleeNum":"<B1>","relationNum":"<X1>"}   | callerNum |
      | callerNum with letters        | {"callerNum":"+86138abc0000","calleeNum":"<B1>","relationNum":"<X1>"} | callerNum |
      | callerNum with 13 digits      | {"callerNum":"+861380000000000","calleeNum":"<B1>","relationNum":"<X1>"} | callerNum |

    @rule:format:callerNum @emulator
    Examples: callerNum format (emulator boundaries)
      | case                    | body                                                                  | field     |
      | callerNum a 400 number  | {"callerNum":"+864001234567","calleeNum":"<B1>","relationNum":"<X1>"}  | callerNum |
      | callerNum a 95 number   | {"callerNum":"+8695555","calleeNum":"<B1>","relationNum":"<X1>"}       | callerNum |
      | callerNum with a space  | {"callerNum":"+86 13800000000","calleeNum":"<B1>","relationNum":"<X1>"} | callerNum |

    @rule:format:calleeNum
    Examples: calleeNum format
      | case                 | body                                                                 | field     |
      | calleeNum without +  | {"callerNum":"<A1>","calleeNum":"13800000000","relationNum":"<X1>"}   | calleeNum |

    @rule:format:relationNum @contract:1.4/X-numbers-relationNum-privateNum-virtual
    Examples: relationNum format
      | case                          | body                                                                    | field       |
      | relationNum a fixed line      | {"callerNum":"<A1>","calleeNum":"<B1>","relationNum":"+8675528123401"}   | relationNum |
      | relationNum without +         | {"callerNum":"<A1>","calleeNum":"<B1>","relationNum":"8617000000001"}    | relationNum |

    @rule:type:callerNum @decision:D20
    Examples: callerNum JSON type
      | case                | body                                                               | field     |
      | callerNum a number  | {"callerNum":8613800000000,"calleeNum":"<B1>","relationNum":"<X1>"} | callerNum |

    @rule:range:duration @contract:D29 @contract:13.6/AXB-duration
    Examples: duration range
      | case                 | body                                                                          | field    |
      | negative duration    | {"callerNum":"<A1>","calleeNum":"<B1>","relationNum":"<X1>","duration":-1}      | duration |
      | duration over 90 days| {"callerNum":"<A1>","calleeNum":"<B1>","relationNum":"<X1>","duration":7776001} | duration |

    @rule:type:duration @decision:D20
    Examples: duration JSON type
      | case                 | body                                                                          | field    |
      | duration a string    | {"callerNum":"<A1>","calleeNum":"<B1>","relationNum":"<X1>","duration":"60"}    | duration |
      | duration a fraction  | {"callerNum":"<A1>","calleeNum":"<B1>","relationNum":"<X1>","duration":1.5}     | duration |

    @rule:range:maxDuration @contract:13.6/maxDuration
    Examples: maxDuration range
      | case               | body                                                                           | field       |
      | maxDuration 1441   | {"callerNum":"<A1>","calleeNum":"<B1>","relationNum":"<X1>","maxDuration":1441}  | maxDuration |
      | maxDuration -1     | {"callerNum":"<A1>","calleeNum":"<B1>","relationNum":"<X1>","maxDuration":-1}    | maxDuration |

    @rule:enum:callDirection
    Examples: callDirection values
      | case             | body                                                                            | field         |
      | callDirection 3  | {"callerNum":"<A1>","calleeNum":"<B1>","relationNum":"<X1>","callDirection":3}    | callDirection |

    @rule:type:callDirection @decision:D20
    Examples: callDirection JSON type
      | case                    | body                                                                              | field         |
      | callDirection a string  | {"callerNum":"<A1>","calleeNum":"<B1>","relationNum":"<X1>","callDirection":"0"}    | callDirection |

    @rule:enum:areaMatchMode @decision:D36
    Examples: areaMatchMode values
      | case              | body                                                                                      | field         |
      | areaMatchMode 2   | {"callerNum":"<A1>","calleeNum":"<B1>","areaCode":"0755","areaMatchMode":"2"}               | areaMatchMode |
      | areaMatchMode int | {"callerNum":"<A1>","calleeNum":"<B1>","areaCode":"0755","areaMatchMode":0}                 | areaMatchMode |

    @rule:enum:recordFlag @contract:1.7/Boolean-like-strings @contract:D23
    Examples: recordFlag values
      | case             | body                                                                               | field      |
      | recordFlag yes   | {"callerNum":"<A1>","calleeNum":"<B1>","relationNum":"<X1>","recordFlag":"yes"}      | recordFlag |

    @rule:enum:privateSms @contract:1.7/Boolean-like-strings @contract:D23
    Examples: privateSms values
      | case             | body                                                                               | field      |
      | privateSms TRUE  | {"callerNum":"<A1>","calleeNum":"<B1>","relationNum":"<X1>","privateSms":"TRUE"}     | privateSms |

    @rule:type:preVoice @decision:D20
    Examples: preVoice must be an object
      | case              | body                                                                                          | field    |
      | preVoice an array | {"callerNum":"<A1>","calleeNum":"<B1>","relationNum":"<X1>","preVoice":[{"callerHintTone":"a.wav"}]} | preVoice |

    @rule:length:userData @contract:13.6/userData
    Examples: userData length
      | case              | body                                                                                  | field    |
      | userData too long | {"callerNum":"<A1>","calleeNum":"<B1>","relationNum":"<X1>","userData":"<str:257>"}     | userData |
      | userData empty    | {"callerNum":"<A1>","calleeNum":"<B1>","relationNum":"<X1>","userData":""}              | userData |

    @rule:format:userData @contract:13.6/userData @contract:D24
    Examples: userData characters
      | case                 | body                                                                                 | field    |
      | userData with braces | {"callerNum":"<A1>","calleeNum":"<B1>","relationNum":"<X1>","userData":"{order}"}      | userData |

    @rule:length:recordHintTone
    Examples: recordHintTone length
      | case                 | body                                                                                                          | field          |
      | empty recordHintTone | {"callerNum":"<A1>","calleeNum":"<B1>","relationNum":"<X1>","recordFlag":"true","recordHintTone":""}            | recordHintTone |

    @rule:length:lastMinVoice
    Examples: lastMinVoice length
      | case                  | body                                                                                                     | field        |
      | lastMinVoice too long | {"callerNum":"<A1>","calleeNum":"<B1>","relationNum":"<X1>","maxDuration":10,"lastMinVoice":"<str:129>"}  | lastMinVoice |

    @rule:business:malformed-json @decision:D19
    Examples: malformed JSON
      | case           | body                   | field |
      | malformed JSON | {"callerNum":"<A1>",   | body  |

  @code:1010002 @rule:distinct:callerNum,calleeNum @schema-valid @decision:D28
  Scenario: A and B must differ
    When I bind AXB with:
      """
      {"callerNum":"<A1>","calleeNum":"<A1>","relationNum":"<X1>"}
      """
    Then the result code is "1010002"
    And the result description is "Invalid request. calleeNum"

  @code:1010002 @rule:business:content-type @schema-valid @decision:D18
  Scenario: The body must be sent as application/json
    Given the next request has header "Content-Type" set to 'text/plain'
    When I bind AXB with:
      """
      {"callerNum":"<A1>","calleeNum":"<B1>","relationNum":"<X1>"}
      """
    Then the result code is "1010002"
    And the result description is "Invalid request. Content-Type"

  @decision:D18
  Scenario: The charset parameter of the content type is optional
    Given the next request has header "Content-Type" set to 'application/json'
    When I bind AXB with:
      """
      {"callerNum":"<A1>","calleeNum":"<B1>","relationNum":"<X1>"}
      """
    Then the result code is "0"

  @code:1010002 @rule:business:tone-approval @schema-valid @emulator
  Scenario: A tone file that is not approved is refused
    Given the AXB-tones app
    When I bind AXB with:
      """
      {"callerNum":"<A1>","calleeNum":"<B1>","relationNum":"<X1>","preVoice":{"callerHintTone":"unknown.wav"}}
      """
    Then the result code is "1010002"
    And the result description is "Invalid request. callerHintTone"

  # Without areaCode the X is chosen in A's area [V] (§3.2, §13.5), and a fixed-line A carries
  # its area in the number (+86755… is 0755). areaMatchMode is absent, so the match is strict:
  # the scenario runs where the app has X numbers in the area of the profile's fixed-line
  # numbers, and is not checked elsewhere. A mobile A's area is the emulator's table (D34).
  @contract:3.2/Without-areaCode-the-area-of
  Scenario: Without areaCode a fixed-line A gets an X of its own area (on any platform)
    Given I remember the area of the profile's fixed-line numbers as "FIXAREA"
    When I bind AXB with:
      """
      {"callerNum":"<FIX1>","calleeNum":"<B1>"}
      """
    Then the result code is "0"
    And the response field "relationNum" is an X number in the remembered area "<FIXAREA>"
