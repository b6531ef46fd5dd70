@axe.query
Feature: AXE query — GET /rest/caas/extendnumber/v1.0 (reference §5.5)

  Background:
    Given the AXE app
    And an AXE binding with:
      """
      {"bindNum":"<A1>","virtualNum":"<X1>","displayNumMode":"0","timeUnit":"1","bindExpiredTime":600,"callbackExpiredTime":30,"userData":"axe-1"}
      """

  Scenario: Query by subscriptionId
    When I query AXE with "subscriptionId=<SUB1>"
    Then the result code is "0"
    And the response field "subscriptionId" is "<SUB1>"
    And the response field "virtualNum" is "<X1>"
    And the response field "bindNum" is "<A1>"
    And the response field "extendNum" is "<EXT1>"
    And the response field "timeUnit" is "1"
    And the response field "bindExpiredTime" is 600
    And the response field "callbackExpiredTime" is 30
    And the response field "userData" is "axe-1"

  @contract:D65 @contract:5.5/virtualNum @contract:5.5/extendNum
  Scenario: Query by virtualNum and extendNum
    When I query AXE with "virtualNum=<X1>&extendNum=<EXT1>"
    Then the result code is "0"
    And the response field "subscriptionId" is "<SUB1>"

  @rule:precedence:subscriptionId
  @contract:D65
  Scenario: subscriptionId wins over virtualNum and extendNum
    Given an AXE binding of "<A2>" on "<X2>"
    When I query AXE with "subscriptionId=<SUB1>&virtualNum=<X2>&extendNum=<EXT2>"
    Then the result code is "0"
    And the response field "subscriptionId" is "<SUB1>"

  @rule:business:unknown-subscription @code:1012007 @decision:D59
  Scenario: No match
    When I query AXE with "subscriptionId=00000000-0000-4000-8000-000000000000"
    Then the result code is "1012007"
    And the result description is "The record does not exist."

  @code:1010002
  Scenario Outline: AXE query rejects <case>
    When I query AXE with "<query>"
    Then the result code is "1010002"
    And the result description is "Invalid request. <field>"

    @rule:alternative:subscriptionId|virtualNum+extendNum
    Examples: no parameters
      | case          | query | field          |
      | no parameters |       | subscriptionId |

    @rule:pair:virtualNum+extendNum @contract:5.5/extendNum
    Examples: virtualNum and extendNum go together
      | case                         | query            | field      |
      | virtualNum without extendNum | virtualNum=<X1>  | extendNum  |
