@ax.query
Feature: AX query — GET /rest/provision/caas/privatenumber/v1.0 (reference §4.5)

  Background:
    Given the AX app
    And an AX binding of "<A1>" on "<X1>"
    And an AX binding of "<A1>" on "<X2>"
    And an AX binding of "<A2>" on "<X3>"

  @rule:business:utc-time
  Scenario: subscribeTime is the binding's time in UTC
    When I query AX with "subscriptionId=<SUB1>"
    Then the result code is "0"
    And the response field "privateNumList.0.subscribeTime" is the request's time in UTC
  @contract:4.5/resultcode @contract:4.5/subscriptionId
  Scenario: Query by subscriptionId
    When I query AX with "subscriptionId=<SUB1>"
    Then the result code is "0"
    And the response list "privateNumList" has 1 entry
    And the response field "privateNumList.0.origNum" is "<A1>"
    And the response field "privateNumList.0.privateNum" is "<X1>"
    And the response field "privateNumList.0.privateNumType" is "mobile-virtual"
  @contract:4.5/origNum
  Scenario: Query all bindings of an A
    When I query AX with "origNum=<A1>"
    Then the result code is "0"
    And the response list "privateNumList" has 2 entries

  # privateNumList is "ordered by creation time" (§4.5): the list is [V], its order [I], the
  # emulator's decision D78; another platform may order otherwise.
  @contract:4.5/privateNumList @decision:D78
  Scenario: The bindings of an A are listed in creation order
    When I query AX with "origNum=<A1>"
    Then the result code is "0"
    And the response list "privateNumList" has 2 entries
    And the response field "privateNumList.0.subscriptionId" is "<SUB1>"
    And the response field "privateNumList.1.subscriptionId" is "<SUB2>"

  @contract:4.5/privateNum
  Scenario: Query the binding of an X
    When I query AX with "privateNum=<X3>"
    Then the result code is "0"
    And the response list "privateNumList" has 1 entry
    And the response field "privateNumList.0.origNum" is "<A2>"

  @rule:precedence:subscriptionId>origNum>privateNum
  @contract:D78
  Scenario Outline: Precedence: <case>
    When I query AX with "<query>"
    Then the result code is "0"
    And the response list "privateNumList" has <entries> entries
    And the response field "privateNumList.0.origNum" is "<orig>"

    Examples:
      | case                      | query                                                  | entries | orig |
      | all three → ID            | subscriptionId=<SUB3>&origNum=<A1>&privateNum=<X1>      | 1       | <A2> |
      | ID and origNum → ID       | subscriptionId=<SUB3>&origNum=<A1>                     | 1       | <A2> |
      | origNum and privateNum → origNum | origNum=<A1>&privateNum=<X3>                    | 2       | <A1> |
      | ID and privateNum → ID    | subscriptionId=<SUB3>&privateNum=<X1>                  | 1       | <A2> |

  @rule:business:unknown-subscription @code:1016001 @decision:D47 @decision:D78
  Scenario: No match
    When I query AX with "subscriptionId=00000000-0000-4000-8000-000000000000"
    Then the result code is "1016001"

  @code:1010002 @contract:4.5/resultcode
  Scenario Outline: AX query rejects <case>
    When I query AX with "<query>"
    Then the result code is "1010002"
    And the result description is "Invalid request. <field>"

    @rule:alternative:subscriptionId|origNum|privateNum
    Examples: one of three
      | case          | query | field          |
      | no parameters |       | subscriptionId |

    @rule:format:origNum
    Examples: origNum format
      | case              | query           | field   |
      | origNum letters   | origNum=abcdef  | origNum |
