@axyb.bind
Feature: AXYB bind — POST /rest/omp/xyrelationnumber/v1.0?app_key=… (reference §6.1, §6.2, §13.7)
  An AX bind (A and an X the platform chooses) and YB binds (B and a Y, attached to the AX by
  its subscriptionId) on one URI. One A per X, at most 5 X per A; a Y carries an AX once and
  at most 1000 AX.

  Background:
    Given the AXYB app

  @rule:business:yb-returns-ax-id @contract:6.1/A-relation-is-set-up @contract:6.2/resultcode
  Scenario: AX bind, then a YB bind on the same relation
    When I bind AXYB with "app_key=<appKey>" and:
      """
      {"origNum":"<A1>","areaMatchMode":"1","duration":"86400","ybDuration":3600}
      """
    Then the result code is "0"
    And the result description is "Success"
    And the response field "subscriptionId" is present
    And the response field "relationNumber" is one of the app's X numbers
    And the AXYB binding "<SUB>" exists
    When I bind AXYB with "app_key=<appKey>" and:
      """
      {"subscriptionId":"<SUB1>","origNum":"<B1>","areaMatchMode":"1"}
      """
    Then the result code is "0"
    And the response field "subscriptionId" is "<SUB1>"
    And the response field "relationNumber" is one of the app's X numbers
    And the response field "relationNumber" is not "<AXYB_X1>"

  @rule:default:duration @rule:default:ybDuration
  Scenario: Without duration the AX lives 7200 s and its YB go with it
    Given an AXYB relation of "<A1>"
    When I query AXYB with "app_key=<appKey>&subscriptionId=<SUB1>"
    Then the result code is "0"
    And the response field "xyRelationNumList.0.duration" is "7200"
    And the response field "xyRelationNumList.0.ybDuration" is "0"

  @rule:business:yb-capped-by-duration
  Scenario: A ybDuration above duration is replaced by duration
    Given an AXYB relation with:
      """
      {"origNum":"<A1>","areaMatchMode":"1","duration":600,"ybDuration":900}
      """
    When I query AXYB with "app_key=<appKey>&subscriptionId=<SUB1>"
    Then the response field "xyRelationNumList.0.ybDuration" is "600"

  @rule:type:duration @emulator @decision:D83
  Scenario: duration and ybDuration are accepted as JSON numbers and as decimal strings
    Given an AXYB relation with:
      """
      {"origNum":"<A1>","areaMatchMode":"1","duration":86400,"ybDuration":"3600"}
      """
    When I query AXYB with "app_key=<appKey>&subscriptionId=<SUB1>"
    Then the response field "xyRelationNumList.0.duration" is "86400"
    And the response field "xyRelationNumList.0.ybDuration" is "3600"

  @rule:business:ax-one-a-per-x
  Scenario: An X holds one A: a second A gets another X
    Given an AXYB relation of "<A1>"
    When I bind AXYB with "app_key=<appKey>" and:
      """
      {"origNum":"<A2>","areaMatchMode":"1"}
      """
    Then the result code is "0"
    And the response field "relationNumber" is not "<AXYB_X1>"

  @rule:business:y-not-repeated
  Scenario: A Y never carries the same AX twice
    Given an AXYB relation of "<A1>"
    And a YB relation of "<B1>" on "<SUB1>"
    When I bind AXYB with "app_key=<appKey>" and:
      """
      {"subscriptionId":"<SUB1>","origNum":"<B2>","areaMatchMode":"1"}
      """
    Then the result code is "0"
    And the response field "relationNumber" is not "<AXYB_Y1>"

  @rule:business:y-not-x
  Scenario: An X is never given as a Y
    Given an AXYB relation of "<A1>"
    And an AXYB relation of "<A2>"
    When I bind AXYB with "app_key=<appKey>" and:
      """
      {"subscriptionId":"<SUB1>","origNum":"<B1>","areaMatchMode":"1"}
      """
    Then the result code is "0"
    And the response field "relationNumber" is not "<AXYB_X1>"
    And the response field "relationNumber" is not "<AXYB_X2>"

  @rule:business:axyb-5x-limit @refused
  @direction:held @direction:broken @contract:13.7/A-holds-5-X
  Scenario: A sixth X for one A is refused
    Given "<A1>" holds 5 AXYB relations
    When I bind AXYB with "app_key=<appKey>" and:
      """
      {"origNum":"<A1>","areaMatchMode":"1"}
      """
    Then the request is refused

  @rule:business:axyb-5x-limit @code:1011003 @emulator @decision:D84
  Scenario: A sixth X for one A is 1011003
    Given "<A1>" holds 5 AXYB relations
    When I bind AXYB with "app_key=<appKey>" and:
      """
      {"origNum":"<A1>","areaMatchMode":"1"}
      """
    Then the result code is "1011003"

  @rule:business:same-b-twice @code:1012010 @emulator @decision:D84
  Scenario: B cannot hold two YB on one AX
    Given an AXYB relation of "<A1>"
    And a YB relation of "<B1>" on "<SUB1>"
    When I bind AXYB with "app_key=<appKey>" and:
      """
      {"subscriptionId":"<SUB1>","origNum":"<B1>","areaMatchMode":"1"}
      """
    Then the result code is "1012010"

  @rule:business:unknown-subscription @code:1012007 @emulator @decision:D84
  Scenario: A YB bind on an unknown relation
    When I bind AXYB with "app_key=<appKey>" and:
      """
      {"subscriptionId":"00000000-0000-4000-8000-000000000000","origNum":"<B1>"}
      """
    Then the result code is "1012007"

  @rule:distinct:A,B @code:1010002 @emulator @decision:D84 @schema-valid
  Scenario: B equal to the AX's A is refused
    Given an AXYB relation of "<A1>"
    When I bind AXYB with "app_key=<appKey>" and:
      """
      {"subscriptionId":"<SUB1>","origNum":"<A1>"}
      """
    Then the result code is "1010002"
    And the result description is "Invalid request. origNum"

  @rule:business:y-shared @rule:business:y-capacity @rule:business:no-eligible-x @code:1012008 @emulator @decision:D84 @global-state
  Scenario: On a pool with one Y left, two AX share it up to its capacity, and nothing is left after
    # AXYB-small: 7 numbers, 2 relations per Y. Six AX take six X; the seventh number is the only Y.
    Given the AXYB-small app
    And an AXYB relation of "<A1>"
    And an AXYB relation of "<A2>"
    And an AXYB relation of "<A3>"
    And an AXYB relation of "<A4>"
    And an AXYB relation of "<A5>"
    And an AXYB relation of "<A6>"
    And a YB relation of "<B1>" on "<SUB1>"
    When I bind AXYB with "app_key=<appKey>" and:
      """
      {"subscriptionId":"<SUB2>","origNum":"<B2>","areaMatchMode":"1"}
      """
    Then the result code is "0"
    And the response field "relationNumber" is "<AXYB_Y1>"
    When I bind AXYB with "app_key=<appKey>" and:
      """
      {"subscriptionId":"<SUB3>","origNum":"<B3>","areaMatchMode":"1"}
      """
    Then the result code is "1012008"
    When I bind AXYB with "app_key=<appKey>" and:
      """
      {"origNum":"<A7>","areaMatchMode":"1"}
      """
    Then the result code is "1012008"

  @rule:business:y-not-repeated @code:1012008 @emulator @decision:D84 @global-state
  Scenario: The only Y already carries the AX: a second B of that AX finds no Y
    Given the AXYB-small app
    And an AXYB relation of "<A1>"
    And an AXYB relation of "<A2>"
    And an AXYB relation of "<A3>"
    And an AXYB relation of "<A4>"
    And an AXYB relation of "<A5>"
    And an AXYB relation of "<A6>"
    And a YB relation of "<B1>" on "<SUB1>"
    When I bind AXYB with "app_key=<appKey>" and:
      """
      {"subscriptionId":"<SUB1>","origNum":"<B2>","areaMatchMode":"1"}
      """
    Then the result code is "1012008"

  @rule:business:recording-disabled @code:1012012 @emulator @decision:D84
  Scenario: Recording requested by an app without the recording option
    Given the AXYB-norec app
    When I bind AXYB with "app_key=<appKey>" and:
      """
      {"origNum":"<A1>","areaMatchMode":"1","recordFlag":"true","recordHintTone":"hint.wav"}
      """
    Then the result code is "1012012"

  @rule:mandatory:app_key @code:1010002 @emulator @decision:D82 @schema-valid
  Scenario: A bind without app_key
    When I bind AXYB with:
      """
      {"origNum":"<A1>","areaMatchMode":"1"}
      """
    Then the result code is "1010002"
    And the result description is "Invalid request. app_key"

  @rule:business:app-key-mismatch @code:1010003 @emulator @decision:D82
  Scenario: app_key of another app
    When I bind AXYB with "app_key=<AXB.appKey>" and:
      """
      {"origNum":"<A1>","areaMatchMode":"1"}
      """
    Then the result code is "1010003"

  @rule:business:mode-mismatch @code:1010040 @contract:6.2/resultcode
  Scenario: An AXB app may not call the AXYB bind interface
    Given the AXB app
    When I send POST "/rest/omp/xyrelationnumber/v1.0?app_key=<appKey>" with body:
      """
      {"origNum":"<A1>"}
      """
    Then the result code is "1010040"

  @code:1010002 @emulator @decision:D83
  Scenario Outline: AXYB bind rejects <case>
    When I bind AXYB with "app_key=<appKey>" and:
      """
      <body>
      """
    Then the result code is "1010002"
    And the result description is "Invalid request. <field>"

    @rule:mandatory:origNum
    Examples: origNum is mandatory
      | case       | body                   | field   |
      | no origNum | {"areaMatchMode":"1"} | origNum |

    @rule:format:origNum
    Examples: origNum in global format
      | case             | body                            | field   |
      | origNum without + | {"origNum":"8613800000001"}    | origNum |

    @rule:range:duration
    Examples: duration is 0 or 60-7776000
      | case          | body                                     | field    |
      | duration 59    | {"origNum":"<A1>","duration":59}      | duration |
      | duration 90d+1 | {"origNum":"<A1>","duration":7776001} | duration |
      | duration -1    | {"origNum":"<A1>","duration":-1}      | duration |

    @rule:range:duration @schema-valid
    Examples: a decimal-string duration has the same range (the schema checks only its digits)
      | case                  | body                                    | field    |
      | duration "7776001"    | {"origNum":"<A1>","duration":"7776001"} | duration |
      | duration "59"         | {"origNum":"<A1>","duration":"59"}      | duration |

    @rule:range:ybDuration
    Examples: ybDuration is 0 or 60-7776000
      | case            | body                                     | field      |
      | ybDuration 1    | {"origNum":"<A1>","ybDuration":1}        | ybDuration |
      | ybDuration 1.5  | {"origNum":"<A1>","ybDuration":1.5}      | ybDuration |

    @rule:enum:callDirection
    Examples: callDirection 0, 1 or 2
      | case            | body                                 | field         |
      | callDirection 3 | {"origNum":"<A1>","callDirection":3} | callDirection |

    @rule:enum:areaMatchMode
    Examples: areaMatchMode "0" or "1"
      | case            | body                                   | field         |
      | areaMatchMode 2 | {"origNum":"<A1>","areaMatchMode":"2"} | areaMatchMode |

    @rule:enum:recordFlag
    Examples: recordFlag true or false
      | case            | body                                 | field      |
      | recordFlag yes  | {"origNum":"<A1>","recordFlag":"yes"} | recordFlag |

    @rule:length:userData
    Examples: userData 1-256 without braces
      | case           | body                                   | field    |
      | userData brace | {"origNum":"<A1>","userData":"{x}"}    | userData |

  # A body with a subscriptionId is a YB bind (§6.2): one naming no relation of the app is
  # refused, not taken for a new AX. The code (1012007) is the emulator's (D84).
  @refused @contract:6.2/Headers-as-1.3.-The-body
  @contract:6.1/A-relation-is-set-up
  Scenario: A YB bind on an unknown relation is refused (on any platform)
    When I bind AXYB with "app_key=<appKey>" and:
      """
      {"subscriptionId":"00000000-0000-4000-8000-000000000000","origNum":"<B1>","areaMatchMode":"1"}
      """
    Then the request is refused

  # Recording needs the app's recording option and recordFlag "true" [V] (§6.1): an app without
  # the option binds without recording and is refused recording. The code (1012012) is the
  # emulator's (D84). No recordHintTone is sent, so the refusal cannot be about a tone file.
  @refused @contract:6.1/Recording-needs-the-app-s-recording
  Scenario: An app without the recording option binds, but not with recording (on any platform)
    Given the AXYB-norec app
    When I bind AXYB with "app_key=<appKey>" and:
      """
      {"origNum":"<A1>","areaMatchMode":"1","recordFlag":"false"}
      """
    Then the result code is "0"
    When I bind AXYB with "app_key=<appKey>" and:
      """
      {"origNum":"<A2>","areaMatchMode":"1","recordFlag":"true"}
      """
    Then the request is refused

  # AXYB (§6.2-§6.4, §13.6). The ranges and formats are documented; the codes that refuse them
  # are D82-D85, so only the refusal is asserted. areaMatchMode "1" keeps X selection out of
  # the way.
  @contract:6.2/app-key @contract:6.2/origNum @contract:6.2/subscriptionId @contract:6.2/origNum~2 @contract:6.2/areaMatchMode @contract:6.2/ybDuration~2 @contract:6.2/areaMatchMode~2 @contract:6.2/recordFlag @contract:6.2/userData @contract:6.2/callDirection
  Scenario: An AXYB relation and its YB with the documented fields are bound
    When I bind AXYB with "app_key=<appKey>" and:
      """
      {"origNum":"<A1>","areaMatchMode":"1","callDirection":0,"duration":"86400","ybDuration":3600,"recordFlag":"false","userData":"order-4711"}
      """
    Then the result code is "0"
    When I bind AXYB with "app_key=<appKey>" and:
      """
      {"subscriptionId":"<SUB1>","origNum":"<B1>","areaMatchMode":"1","ybDuration":600}
      """
    Then the result code is "0"
    When I query AXYB with "app_key=<appKey>&subscriptionId=<SUB1>"
    Then the result code is "0"
    And the response field "xyRelationNumList.0.numB" is "<B1>"

  @contract:13.6/AXYB-duration @contract:6.2/duration
  Scenario Outline: An AXYB relation with duration <duration> is bound
    When I bind AXYB with "app_key=<appKey>" and:
      """
      {"origNum":"<A1>","areaMatchMode":"1","duration":"<duration>"}
      """
    Then the result code is "0"

    Examples:
      | duration |
      | 0        |
      | 60       |
      | 7776000  |

  @refused
  Scenario Outline: AXYB bind refuses <case>
    When I bind AXYB with "app_key=<appKey>" and:
      """
      <body>
      """
    Then the request is refused

    @contract:6.2/origNum
    Examples: origNum in the global format
      | case              | body                                              |
      | origNum without + | {"origNum":"8613800000001","areaMatchMode":"1"}   |

    @contract:13.6/AXYB-duration @contract:6.2/duration
    Examples: duration 0 or 60-7776000
      | case             | body                                                   |
      | duration 59      | {"origNum":"<A1>","areaMatchMode":"1","duration":"59"}      |
      | duration 7776001 | {"origNum":"<A1>","areaMatchMode":"1","duration":"7776001"} |

    @contract:13.6/AXYB-ybDuration @contract:6.2/ybDuration
    Examples: ybDuration 0 or 60-7776000
      | case          | body                                                  |
      | ybDuration 59 | {"origNum":"<A1>","areaMatchMode":"1","ybDuration":59} |

    @contract:6.2/callDirection
    Examples: callDirection 0, 1 or 2
      | case            | body                                                  |
      | callDirection 3 | {"origNum":"<A1>","areaMatchMode":"1","callDirection":3} |

    @contract:6.2/recordFlag
    Examples: recordFlag "true" or "false"
      | case           | body                                                     |
      | recordFlag yes | {"origNum":"<A1>","areaMatchMode":"1","recordFlag":"yes"} |

    @contract:6.2/userData
    Examples: userData without braces
      | case           | body                                                     |
      | userData brace | {"origNum":"<A1>","areaMatchMode":"1","userData":"{x}"}   |

  @refused @contract:6.2/ybDuration~2
  Scenario: A YB bind refuses a ybDuration of 59 s
    Given an AXYB relation of "<A1>"
    When I bind AXYB with "app_key=<appKey>" and:
      """
      {"subscriptionId":"<SUB1>","origNum":"<B1>","areaMatchMode":"1","ybDuration":59}
      """
    Then the request is refused

  @refused @contract:6.2/subscriptionId
  Scenario: A YB bind on a subscriptionId that is not the app's is refused
    When I bind AXYB with "app_key=<appKey>" and:
      """
      {"subscriptionId":"00000000-0000-4000-8000-000000000000","origNum":"<B1>","areaMatchMode":"1"}
      """
    Then the request is refused

  # app_key is a mandatory URL parameter of every AXYB request [V] (§6.2-§6.4).
  @refused @contract:6.2/app-key @schema-valid
  Scenario: AXYB bind without app_key is refused
    When I bind AXYB with:
      """
      {"origNum":"<A1>","areaMatchMode":"1"}
      """
    Then the request is refused

  # The YB bind's origNum is B, a number in the global format [V] (§6.2).
  @refused @contract:6.2/origNum~2
  Scenario: A YB bind refuses a B without its country code
    Given an AXYB relation of "<A1>"
    When I bind AXYB with "app_key=<appKey>" and:
      """
      {"subscriptionId":"<SUB1>","origNum":"13800000001","areaMatchMode":"1"}
      """
    Then the request is refused

  # The AX bind's areaCode is a city code with its 0; the platform chooses X in that city [V]
  # (§6.2), strictly by default; a code without its 0 names no city.
  @contract:6.2/areaCode
  Scenario: AXYB bind by areaCode chooses an X of that city
    Given I remember the city codes of the app's X numbers as "AREA1" and "AREA2"
    When I bind AXYB with "app_key=<appKey>" and:
      """
      {"origNum":"<A1>","areaCode":"<AREA1>","areaMatchMode":"0"}
      """
    Then the result code is "0"
    And the response field "relationNumber" is an X number in the remembered area "<AREA1>"

  @refused @contract:6.2/areaCode
  Scenario: AXYB bind refuses an areaCode without its leading 0
    When I bind AXYB with "app_key=<appKey>" and:
      """
      {"origNum":"<A1>","areaCode":"755","areaMatchMode":"0"}
      """
    Then the request is refused

  # The YB bind's areaCode is the city code for choosing Y [C] (§6.2), with its leading 0.
  @contract:6.2/areaCode~2
  Scenario: A YB bind by areaCode chooses a Y of that city
    Given I remember the city codes of the app's X numbers as "AREA1" and "AREA2"
    And an AXYB relation of "<A1>"
    When I bind AXYB with "app_key=<appKey>" and:
      """
      {"subscriptionId":"<SUB1>","origNum":"<B1>","areaCode":"<AREA2>","areaMatchMode":"0"}
      """
    Then the result code is "0"
    And the response field "relationNumber" is an X number in the remembered area "<AREA2>"

  @refused @contract:6.2/areaCode~2
  Scenario: A YB bind refuses an areaCode without its leading 0
    Given an AXYB relation of "<A1>"
    When I bind AXYB with "app_key=<appKey>" and:
      """
      {"subscriptionId":"<SUB1>","origNum":"<B1>","areaCode":"755","areaMatchMode":"0"}
      """
    Then the request is refused
