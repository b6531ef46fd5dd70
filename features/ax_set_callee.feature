@ax.callee
Feature: AX set temporary callee — PUT /rest/caas/privatenumber/calleenumber/v1.0 (reference §4.6)

  Background:
    Given the AX app
    And an AX binding of "<A1>" on "<X1>"

  @contract:1.2/AXB-has-no-set-temporary @contract:4.6/Sets-the-real-callee-for @contract:4.6/subscriptionId @contract:4.6/calleeNum
  Scenario: Set the temporary callee by subscriptionId
    When I set the AX temporary callee with:
      """
      {"subscriptionId":"<SUB1>","calleeNum":"<B1>","duration":120}
      """
    Then the result code is "0"
    And the result description is "Success"
  @contract:4.6/privateNum
  Scenario: Set the temporary callee by privateNum with the default duration
    When I set the AX temporary callee with:
      """
      {"origNum":"<A1>","privateNum":"<X1>","calleeNum":"<B1>"}
      """
    Then the result code is "0"

  @rule:format:calleeNum @decision:D56
  Scenario Outline: A temporary callee may be a <case>
    When I set the AX temporary callee with:
      """
      {"subscriptionId":"<SUB1>","calleeNum":"<callee>"}
      """
    Then the result code is "0"

    Examples:
      | case              | callee          |
      | 400 number        | +864001234567   |
      | 95 number         | +8695555        |
      | fixed-line number | <FIX1>          |

  @rule:business:x-not-owned @refused
  Scenario: privateNum not owned by the app (refused on any platform)
    When I set the AX temporary callee with:
      """
      {"privateNum":"<NOTX>","calleeNum":"<B1>"}
      """
    Then the request is refused

  @rule:business:x-not-owned @code:1011004 @decision:D48
  Scenario: privateNum not owned by the app: the emulator's code
    When I set the AX temporary callee with:
      """
      {"privateNum":"<NOTX>","calleeNum":"<B1>"}
      """
    Then the result code is "1011004"

  @rule:business:unknown-subscription @refused
  Scenario: Unknown subscriptionId (refused on any platform)
    When I set the AX temporary callee with:
      """
      {"subscriptionId":"00000000-0000-4000-8000-000000000000","calleeNum":"<B1>"}
      """
    Then the request is refused

  @rule:business:unknown-subscription @code:1016001 @decision:D47
  Scenario: Unknown subscriptionId: the emulator's code
    When I set the AX temporary callee with:
      """
      {"subscriptionId":"00000000-0000-4000-8000-000000000000","calleeNum":"<B1>"}
      """
    Then the result code is "1016001"

  @rule:business:unknown-subscription @refused
  @contract:4.6/Sets-the-real-callee-for
  Scenario: An X without binding (refused on any platform)
    When I set the AX temporary callee with:
      """
      {"privateNum":"<X2>","calleeNum":"<B1>"}
      """
    Then the request is refused

  @rule:business:unknown-subscription @code:1016001 @decision:D47
  Scenario: An X without binding: the emulator's code
    When I set the AX temporary callee with:
      """
      {"privateNum":"<X2>","calleeNum":"<B1>"}
      """
    Then the result code is "1016001"

  @rule:distinct:calleeNum,origNum @code:1010002 @schema-valid @decision:D56
  Scenario: The temporary callee must differ from the binding's A
    When I set the AX temporary callee with:
      """
      {"subscriptionId":"<SUB1>","calleeNum":"<A1>"}
      """
    Then the result code is "1010002"
    And the result description is "Invalid request. calleeNum"

  @code:1010002
  Scenario Outline: AX set temporary callee rejects <case>
    When I set the AX temporary callee with:
      """
      <body>
      """
    Then the result code is "1010002"
    And the result description is "Invalid request. <field>"

    @rule:mandatory:calleeNum
    Examples: mandatory calleeNum
      | case              | body                          | field     |
      | missing calleeNum | {"subscriptionId":"<SUB1>"}    | calleeNum |

    @rule:alternative:subscriptionId|privateNum
    Examples: subscriptionId or privateNum
      | case                      | body                                         | field      |
      | neither ID nor privateNum | {"origNum":"<A1>","calleeNum":"<B1>"}         | privateNum |

    @rule:range:duration @contract:13.6/AX-temporary-callee-duration
    Examples: duration range
      | case             | body                                                          | field    |
      | duration 0       | {"subscriptionId":"<SUB1>","calleeNum":"<B1>","duration":0}     | duration |
      | duration 259201  | {"subscriptionId":"<SUB1>","calleeNum":"<B1>","duration":259201} | duration |

    @rule:format:calleeNum
    Examples: calleeNum format
      | case               | body                                                    | field     |
      | calleeNum letters  | {"subscriptionId":"<SUB1>","calleeNum":"+86abcdefgh"}     | calleeNum |

    @rule:length:userData
    Examples: userData length
      | case              | body                                                                 | field    |
      | userData too long | {"subscriptionId":"<SUB1>","calleeNum":"<B1>","userData":"<str:257>"} | userData |

  # AXB has no temporary-callee interface [V] (§1.2): it exists only for AX, so an AXB app that
  # calls it is refused as on any interface of another mode (1010040 [V], §2.5 step 18).
  @code:1010040 @contract:1.2/AXB-has-no-set-temporary
  Scenario: An AXB app may not set a temporary callee
    Given the AXB app
    When I send PUT "/rest/caas/privatenumber/calleenumber/v1.0" with body:
      """
      {"origNum":"<A2>","privateNum":"<AXB.X1>","calleeNum":"<B1>"}
      """
    Then the result code is "1010040"
