@axe.modify @emulator
Feature: AXE modify — PUT /rest/caas/extendnumber/v1.0 (reference §5.4)
  The method of AXE modify is inferred by analogy with AXB ([I] in §1.2), so the whole feature
  runs only against the emulator.

  Background:
    Given the AXE app
    And an AXE binding with:
      """
      {"bindNum":"<A1>","virtualNum":"<X1>","timeUnit":"0","bindExpiredTime":24}
      """

  Scenario: Modify by subscriptionId
    When I modify AXE with:
      """
      {"subscriptionId":"<SUB1>","callbackNum":"<B1>","userData":"changed"}
      """
    Then the result code is "0"
    And I query AXE with "subscriptionId=<SUB1>"
    And the response field "callbackNum" is "<B1>"
    And the response field "userData" is "changed"

  Scenario: Modify by virtualNum and extendNum
    When I modify AXE with:
      """
      {"virtualNum":"<X1>","extendNum":"<EXT1>","callbackTone":"tone.wav"}
      """
    Then the result code is "0"
    And I query AXE with "subscriptionId=<SUB1>"
    And the response field "callbackTone" is "tone.wav"

  @rule:business:lifetime-not-applied @decision:D62
  Scenario: timeUnit and bindExpiredTime are accepted but not applied
    When I modify AXE with:
      """
      {"subscriptionId":"<SUB1>","timeUnit":"1","bindExpiredTime":5}
      """
    Then the result code is "0"
    And I query AXE with "subscriptionId=<SUB1>"
    And the response field "timeUnit" is "0"
    And the response field "bindExpiredTime" is 24

  @rule:business:unknown-subscription @code:1012007
  Scenario: Unknown subscriptionId
    When I modify AXE with:
      """
      {"subscriptionId":"00000000-0000-4000-8000-000000000000","userData":"x"}
      """
    Then the result code is "1012007"

  @rule:business:x-not-owned @code:1012001
  Scenario: virtualNum not owned by the app
    When I modify AXE with:
      """
      {"virtualNum":"<NOTX>","extendNum":"0001","userData":"x"}
      """
    Then the result code is "1012001"

  @rule:business:recording-disabled @code:1012012
  Scenario: Switching recording on for an app without the recording option
    Given the AXE-norec app
    And an AXE binding of "<A2>" on "<X2>"
    When I modify AXE with:
      """
      {"subscriptionId":"<SUB2>","recordFlag":"true","recordHintTone":"hint.wav"}
      """
    Then the result code is "1012012"

  @code:1010002
  Scenario Outline: AXE modify rejects <case>
    When I modify AXE with:
      """
      <body>
      """
    Then the result code is "1010002"
    And the result description is "Invalid request. <field>"

    @rule:alternative:subscriptionId|virtualNum+extendNum
    Examples: identification
      | case                 | body                    | field          |
      | no identification    | {"userData":"x"}         | subscriptionId |

    @rule:exclusive:callbackTone,callbackNum
    Examples: callbackTone and callbackNum are exclusive
      | case                         | body                                                                   | field       |
      | callbackTone and callbackNum | {"subscriptionId":"<SUB1>","callbackTone":"t.wav","callbackNum":"<B1>"}  | callbackNum |
