@axe.unbind @emulator
Feature: AXE unbind — DELETE /rest/caas/extendnumber/v1.0 (reference §5.3)
  URI and parameters are seen in client code, the method is inferred ([I] in §1.2), so the whole
  feature runs only against the emulator.

  Background:
    Given the AXE app
    And an AXE binding of "<A1>" on "<X1>"

  Scenario: Unbind by subscriptionId
    When I unbind AXE with "subscriptionId=<SUB1>"
    Then the result code is "0"
    And the result description is "Success"
    And the AXE binding "<SUB1>" does not exist

  Scenario: Unbind by virtualNum and extendNum
    When I unbind AXE with "virtualNum=<X1>&extendNum=<EXT1>"
    Then the result code is "0"
    And the AXE binding "<SUB1>" does not exist

  @rule:business:x-not-owned @code:1012001 @decision:D59
  Scenario: virtualNum not owned by the app
    When I unbind AXE with "virtualNum=<NOTX>&extendNum=0001"
    Then the result code is "1012001"

  @rule:business:unknown-subscription @code:1012007 @decision:D59
  Scenario: Unknown subscriptionId
    When I unbind AXE with "subscriptionId=00000000-0000-4000-8000-000000000000"
    Then the result code is "1012007"

  @code:1010002
  Scenario Outline: AXE unbind rejects <case>
    When I unbind AXE with "<query>"
    Then the result code is "1010002"
    And the result description is "Invalid request. <field>"

    @rule:alternative:subscriptionId|virtualNum+extendNum
    Examples: no parameters
      | case          | query | field          |
      | no parameters |       | subscriptionId |

    @rule:pair:virtualNum+extendNum
    Examples: virtualNum and extendNum go together
      | case                        | query              | field      |
      | virtualNum without extendNum | virtualNum=<X1>    | extendNum  |
      | extendNum without virtualNum | extendNum=<EXT1>   | virtualNum |
