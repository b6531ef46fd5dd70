@ax.bind
Feature: AX bind — POST /rest/provision/caas/privatenumber/v1.0 (reference §4.2, §13.2)
  One A per X at a time; at most 5 X per A.

  Background:
    Given the AX app

  @contract:D45 @contract:13.6/A-numbers-per-X-AX @contract:12/1011002 @contract:12/1011005 @contract:12/1012012 @contract:4.2/origNum
  Scenario: Bind A to an explicit X
    When I bind AX with:
      """
      {"origNum":"<A1>","privateNum":"<X1>","preVoice":{"callerHintTone":"callerHintTone.wav","calleeHintTone":"calleeHintTone.wav"}}
      """
    Then the result code is "0"
    And the result description is "Success"
    And the response field "origNum" is "<A1>"
    And the response field "privateNum" is "<X1>"
    And the response field "subscriptionId" is present
    And the AX binding "<SUB>" exists

  @rule:precedence:privateNum>areaCode
  Scenario: privateNum wins over areaCode
    When I bind AX with:
      """
      {"origNum":"<A1>","privateNum":"<X1>","areaCode":"0999"}
      """
    Then the result code is "0"
    And the response field "privateNum" is "<X1>"

  @emulator
  Scenario: The platform chooses a free X of the requested city
    When I bind AX with:
      """
      {"origNum":"<A1>","areaCode":"0755"}
      """
    Then the result code is "0"
    And the response field "privateNum" is an X number in area "0755"

  @rule:business:no-eligible-x @code:1011002 @contract:12/1011002 @contract:1.6/1010029-1010040-all-1011xxx-1012xxx-1016
  Scenario: No X in the requested city under strict matching
    When I bind AX with:
      """
      {"origNum":"<A1>","areaCode":"0999","areaMatchMode":"0"}
      """
    Then the result code is "1011002"

  @rule:business:x-not-normal @code:1011002 @emulator
  Scenario: An X that is not in status normal is refused
    When I bind AX with:
      """
      {"origNum":"<A1>","privateNum":"<PAUSED_X>"}
      """
    Then the result code is "1011002"
    And the result description is "Insufficient number of resources"

  @rule:business:ax-one-a-per-x @code:1011005 @contract:12/1011005 @contract:1.6/1010029-1010040-all-1011xxx-1012xxx-1016
  Scenario: An X bound to another A is refused
    Given an AX binding of "<A1>" on "<X1>"
    When I bind AX with:
      """
      {"origNum":"<A2>","privateNum":"<X1>"}
      """
    Then the result code is "1011005"
    And the result description is "Resources have been allocated."

  @rule:business:ax-same-a-x @code:1016002 @decision:D50 @contract:12/1016002
  Scenario: The same A and X cannot be bound twice
    Given an AX binding of "<A1>" on "<X1>"
    When I bind AX with:
      """
      {"origNum":"<A1>","privateNum":"<X1>"}
      """
    Then the result code is "1016002"
    And the result description is "The record already exists."

  @rule:business:ax-5x-limit @refused
  Scenario: An A holds at most 5 X numbers (refused on any platform)
    Given "<A1>" holds 5 AX bindings
    When I bind AX with:
      """
      {"origNum":"<A1>","privateNum":"<X1>"}
      """
    Then the request is refused

  @rule:business:ax-5x-limit @code:1011003 @decision:D46 @contract:12/1011003
  Scenario: An A holds at most 5 X numbers: the emulator's code
    Given "<A1>" holds 5 AX bindings
    When I bind AX with:
      """
      {"origNum":"<A1>","privateNum":"<X1>"}
      """
    Then the result code is "1011003"
    And the result description is "The number of resources that can be applied for has reached the upper limit."

  @rule:business:ax-5x-limit
  Scenario: The fifth X is still allowed
    Given "<A1>" holds 4 AX bindings
    When I bind AX with:
      """
      {"origNum":"<A1>","privateNum":"<X1>"}
      """
    Then the result code is "0"

  @rule:business:x-not-owned @refused
  Scenario: An X that is not the app's is refused on any platform
    When I bind AX with:
      """
      {"origNum":"<A1>","privateNum":"<NOTX>"}
      """
    Then the request is refused

  @rule:business:x-not-owned @code:1011004 @decision:D48 @contract:12/1011004
  Scenario: An X that is not the app's is refused: the emulator's code
    When I bind AX with:
      """
      {"origNum":"<A1>","privateNum":"<NOTX>"}
      """
    Then the result code is "1011004"

  @rule:business:recording-disabled @code:1012012 @contract:12/1012012 @contract:1.6/1010029-1010040-all-1011xxx-1012xxx-1016
  Scenario: Recording requested by an app without the recording option
    Given the AX-norec app
    When I bind AX with:
      """
      {"origNum":"<A1>","privateNum":"<X1>","recordFlag":"true","recordHintTone":"hint.wav"}
      """
    Then the result code is "1012012"

  @rule:business:mode-mismatch @code:1010040
  Scenario: An AXB app may not call the AX bind interface
    Given the AXB app
    When I send POST "/rest/provision/caas/privatenumber/v1.0" with body:
      """
      {"origNum":"<A1>","privateNum":"<AX.X1>"}
      """
    Then the result code is "1010040"

  @code:1010002
  Scenario Outline: AX bind rejects <case>
    When I bind AX with:
      """
      <body>
      """
    Then the result code is "1010002"
    And the result description is "Invalid request. <field>"

    @rule:mandatory:origNum
    Examples: mandatory origNum
      | case            | body                     | field   |
      | missing origNum | {"privateNum":"<X1>"}     | origNum |

    @rule:length:origNum
    Examples: origNum length
      | case             | body                                              | field   |
      | origNum too long | {"origNum":"+86<digits:30>","privateNum":"<X1>"}   | origNum |

    @rule:format:origNum
    Examples: origNum format
      | case                | body                                             | field   |
      | origNum without +   | {"origNum":"13800000000","privateNum":"<X1>"}     | origNum |

    @rule:format:privateNum @contract:1.4/X-numbers-relationNum-privateNum-virtual
    Examples: privateNum format
      | case                     | body                                                | field      |
      | privateNum a fixed line  | {"origNum":"<A1>","privateNum":"+8675528123401"}     | privateNum |

    @rule:enum:privateNumType @decision:D52
    Examples: privateNumType values
      | case                  | body                                                                     | field          |
      | privateNumType fixed  | {"origNum":"<A1>","privateNum":"<X1>","privateNumType":"fixed-virtual"}   | privateNumType |

    @rule:enum:calleeNumDisplay @contract:1.7/String-enums
    Examples: calleeNumDisplay values
      | case               | body                                                              | field            |
      | calleeNumDisplay 2 | {"origNum":"<A1>","privateNum":"<X1>","calleeNumDisplay":"2"}      | calleeNumDisplay |

    @rule:enum:turnFlag @contract:1.7/String-enums
    Examples: turnFlag values
      | case          | body                                                       | field    |
      | turnFlag yes  | {"origNum":"<A1>","privateNum":"<X1>","turnFlag":"yes"}     | turnFlag |

    @rule:range:maxDuration
    Examples: maxDuration range
      | case             | body                                                       | field       |
      | maxDuration 1441 | {"origNum":"<A1>","privateNum":"<X1>","maxDuration":1441}   | maxDuration |

    @rule:type:maxDuration @decision:D20
    Examples: maxDuration JSON type
      | case                  | body                                                        | field       |
      | maxDuration a string  | {"origNum":"<A1>","privateNum":"<X1>","maxDuration":"10"}    | maxDuration |

    @rule:enum:callDirection
    Examples: callDirection values
      | case             | body                                                        | field         |
      | callDirection 5  | {"origNum":"<A1>","privateNum":"<X1>","callDirection":5}     | callDirection |

    @rule:type:preVoice @decision:D20
    Examples: preVoice must be an object
      | case              | body                                                                          | field    |
      | preVoice an array | {"origNum":"<A1>","privateNum":"<X1>","preVoice":["callerHintTone.wav"]}       | preVoice |

    @rule:length:userData
    Examples: userData length
      | case              | body                                                            | field    |
      | userData too long | {"origNum":"<A1>","privateNum":"<X1>","userData":"<str:257>"}    | userData |

  # Strict matching with an areaCode where the app has X numbers chooses an X of that city [V]
  # (§13.5); only the code of the refusal when there is none (1011002) is the emulator's (D49).
  # The city is the first the profile lists for the app's X numbers, so this runs on any target.
  @contract:D49 @contract:13.5/areaCode-areaMatchMode-0-or-absent
  Scenario: Strict matching chooses an X of the requested city (on any platform)
    Given I remember the city codes of the app's X numbers as "AREA1" and "AREA2"
    When I bind AX with:
      """
      {"origNum":"<A1>","areaCode":"<AREA1>","areaMatchMode":"0"}
      """
    Then the result code is "0"
    And the response field "privateNum" is an X number in the remembered area "<AREA1>"
