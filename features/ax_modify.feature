@ax.modify
Feature: AX modify — PUT /rest/provision/caas/privatenumber/v1.0 (reference §4.4)

  Background:
    Given the AX app
    And an AX binding of "<A1>" on "<X1>"

  @contract:4.4/subscriptionId-privateNum-subscriptionId @contract:4.4/subscriptionId @contract:4.4/origNum
  Scenario: Change the A number by subscriptionId
    When I modify AX with:
      """
      {"subscriptionId":"<SUB1>","origNum":"<A2>"}
      """
    Then the result code is "0"
    And I query AX with "subscriptionId=<SUB1>"
    And the response field "privateNumList.0.origNum" is "<A2>"

  @contract:4.4/subscriptionId-privateNum-subscriptionId @contract:4.4/privateNum
  Scenario: Identify the binding by privateNum
    When I modify AX with:
      """
      {"privateNum":"<X1>","turnFlag":"off","maxDuration":10,"privateSms":"false"}
      """
    Then the result code is "0"

  @emulator
  Scenario: Modified fields are visible in the query
    When I modify AX with:
      """
      {"privateNum":"<X1>","turnFlag":"off","maxDuration":10,"privateSms":"false"}
      """
    Then the result code is "0"
    And I query AX with "subscriptionId=<SUB1>"
    And the response field "privateNumList.0.turnFlag" is "off"
    And the response field "privateNumList.0.maxDuration" is 10

  @rule:business:ax-5x-limit @refused
  Scenario: The new A already holds 5 X numbers (refused on any platform)
    Given "<A2>" holds 5 AX bindings
    When I modify AX with:
      """
      {"subscriptionId":"<SUB1>","origNum":"<A2>"}
      """
    Then the request is refused

  @rule:business:ax-5x-limit @code:1011003 @decision:D46
  Scenario: The new A already holds 5 X numbers: the emulator's code
    Given "<A2>" holds 5 AX bindings
    When I modify AX with:
      """
      {"subscriptionId":"<SUB1>","origNum":"<A2>"}
      """
    Then the result code is "1011003"

  @rule:business:x-not-owned @refused
  Scenario: privateNum not owned by the app (refused on any platform)
    When I modify AX with:
      """
      {"privateNum":"<NOTX>","maxDuration":10}
      """
    Then the request is refused

  @rule:business:x-not-owned @code:1011004 @decision:D48
  Scenario: privateNum not owned by the app: the emulator's code
    When I modify AX with:
      """
      {"privateNum":"<NOTX>","maxDuration":10}
      """
    Then the result code is "1011004"

  @rule:business:unknown-subscription @refused
  Scenario: Unknown subscriptionId (refused on any platform)
    When I modify AX with:
      """
      {"subscriptionId":"00000000-0000-4000-8000-000000000000","maxDuration":10}
      """
    Then the request is refused

  @rule:business:unknown-subscription @code:1016001 @decision:D47 @contract:12/1016001
  Scenario: Unknown subscriptionId: the emulator's code
    When I modify AX with:
      """
      {"subscriptionId":"00000000-0000-4000-8000-000000000000","maxDuration":10}
      """
    Then the result code is "1016001"

  @rule:business:recording-disabled @code:1012012
  Scenario: Switching recording on for an app without the recording option
    Given the AX-norec app
    And an AX binding of "<A2>" on "<X2>"
    When I modify AX with:
      """
      {"subscriptionId":"<SUB2>","recordFlag":"true","recordHintTone":"hint.wav"}
      """
    Then the result code is "1012012"

  @code:1010002
  Scenario Outline: AX modify rejects <case>
    When I modify AX with:
      """
      <body>
      """
    Then the result code is "1010002"
    And the result description is "Invalid request. <field>"

    @rule:alternative:subscriptionId|privateNum
    Examples: subscriptionId or privateNum
      | case                       | body                  | field      |
      | neither ID nor privateNum  | {"maxDuration":10}     | privateNum |

    @rule:format:origNum
    Examples: origNum format
      | case             | body                                            | field   |
      | origNum letters  | {"subscriptionId":"<SUB1>","origNum":"+86abc"}   | origNum |

    @rule:range:maxDuration
    Examples: maxDuration range
      | case             | body                                             | field       |
      | maxDuration 1441 | {"subscriptionId":"<SUB1>","maxDuration":1441}    | maxDuration |

    @rule:enum:turnFlag
    Examples: turnFlag values
      | case             | body                                               | field    |
      | turnFlag ON      | {"subscriptionId":"<SUB1>","turnFlag":"ON"}          | turnFlag |
