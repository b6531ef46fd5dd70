@axb.query
Feature: AXB query — GET /rest/caas/relationnumber/partners/v1.0 (reference §3.5)

  Background:
    Given the AXB app
  # Both directions (§1.7): the time must be within 300 s of now in UTC, so China local time fails.
  @rule:business:utc-time @contract:1.7/Times-in-responses-and-notifications @direction:held @direction:broken
  Scenario: subscribeTime is the binding's time in UTC
    Given an AXB binding of "<A1>" and "<B1>" on "<X1>"
    When I query AXB with "subscriptionId=<SUB1>"
    Then the result code is "0"
    And the response field "relationNumList.0.subscribeTime" is the request's time in UTC

  @rule:business:utc-time @emulator @global-state
  Scenario: A modify moves subscribeTime to the modification time in UTC
    Given an AXB binding of "<A1>" and "<B1>" on "<X1>"
    And the emulator clock advances by 7200 seconds
    When I modify AXB with:
      """
      {"subscriptionId":"<SUB1>","maxDuration":30}
      """
    Then the result code is "0"
    When I query AXB with "subscriptionId=<SUB1>"
    Then the response field "relationNumList.0.subscribeTime" is the request's time in UTC
  @contract:3.5/resultcode @contract:12/1012007 @contract:3.5/parameter-combination-or-format-invalid @contract:3.5/no-binding-matches-including-a-relationN @contract:D41
  Scenario: Query one binding by subscriptionId
    Given an AXB binding with:
      """
      {"callerNum":"<A1>","calleeNum":"<B1>","relationNum":"<X1>","duration":86400,"maxDuration":60,"userData":"order-4711"}
      """
    When I query AXB with "subscriptionId=<SUB1>"
    Then the result code is "0"
    And the response list "relationNumList" has 1 entry
    And the response field "relationNumList.0.subscriptionId" is "<SUB1>"
    And the response field "relationNumList.0.relationNum" is "<X1>"
    And the response field "relationNumList.0.callerNum" is "<A1>"
    And the response field "relationNumList.0.calleeNum" is "<B1>"
    And the response field "relationNumList.0.userData" is "order-4711"

  @rule:precedence:subscriptionId @contract:D37
  Scenario: subscriptionId wins over every other parameter
    Given an AXB binding of "<A1>" and "<B1>" on "<X1>"
    And an AXB binding of "<A2>" and "<B2>" on "<X2>"
    When I query AXB with "subscriptionId=<SUB1>&relationNum=<X2>&callerNum=<A2>"
    Then the result code is "0"
    And the response list "relationNumList" has 1 entry
    And the response field "relationNumList.0.subscriptionId" is "<SUB1>"

  @rule:business:role-match @contract:3.5/callerNum @contract:3.5/calleeNum
  Scenario Outline: Query the binding of an X by <case>
    Given an AXB binding of "<A1>" and "<B1>" on "<X1>"
    And an AXB binding of "<C1>" and "<D1>" on "<X1>"
    When I query AXB with "<query>"
    Then the result code is "0"
    And the response list "relationNumList" has 1 entry
    And the response field "relationNumList.0.subscriptionId" is "<SUB2>"

    Examples:
      | case            | query                                         |
      | caller          | relationNum=<X1>&callerNum=<C1>               |
      | callee          | relationNum=<X1>&calleeNum=<D1>               |
      | caller and callee | relationNum=<X1>&callerNum=<C1>&calleeNum=<D1> |

  @rule:business:role-match @code:1012007 @decision:D41
  Scenario: The caller must match in its role
    Given an AXB binding of "<A1>" and "<B1>" on "<X1>"
    When I query AXB with "relationNum=<X1>&callerNum=<B1>"
    Then the result code is "1012007"

  @rule:business:pagination @contract:3.5/relationNum
  Scenario: All bindings of an X with the default page
    Given 3 AXB bindings on "<X1>"
    When I query AXB with "relationNum=<X1>"
    Then the result code is "0"
    And the response list "relationNumList" has 3 entries
    And the response field "totalCount" is 3
    And the response field "pageIndex" is 1
    And the response field "pageSize" is 50

  # The bindings of an X come "ordered by creation time then subscriptionId": the list is [V],
  # its order the emulator's decision D41; another platform may order otherwise.
  @rule:business:pagination @decision:D41
  Scenario: The bindings of an X are listed in creation order
    Given an AXB binding of "<A1>" and "<B1>" on "<X1>"
    And an AXB binding of "<A2>" and "<B2>" on "<X1>"
    And an AXB binding of "<A3>" and "<B3>" on "<X1>"
    When I query AXB with "relationNum=<X1>"
    Then the result code is "0"
    And the response list "relationNumList" has 3 entries
    And the response field "relationNumList.0.subscriptionId" is "<SUB1>"
    And the response field "relationNumList.1.subscriptionId" is "<SUB2>"
    And the response field "relationNumList.2.subscriptionId" is "<SUB3>"

  @rule:business:pagination
  Scenario Outline: Paging with pageIndex <pageIndex> and pageSize <pageSize>
    Given 12 AXB bindings on "<X1>"
    When I query AXB with "relationNum=<X1>&pageIndex=<pageIndex>&pageSize=<pageSize>"
    Then the result code is "0"
    And the response list "relationNumList" has <entries> entries
    And the response field "totalCount" is 12
    And the response field "pageIndex" is <effIndex>
    And the response field "pageSize" is <effSize>

    # pageSize 10-100 and the pages themselves are documented (§13.6): asserted on any target.
    Examples: documented pages
      | pageIndex | pageSize | entries | effIndex | effSize |
      | 1         | 10       | 10      | 1        | 10      |
      | 2         | 10       | 2       | 2        | 10      |

    # A page past the last one, and what an out-of-range or malformed value falls back to, are
    # the emulator's decisions (D41): another platform may answer 1012007 or the last page.
    @decision:D41
    Examples: past the end and fallbacks, as the emulator decided
      | pageIndex | pageSize | entries | effIndex | effSize |
      | 3         | 10       | 0       | 3        | 10      |
      | 1         | 5        | 12      | 1        | 50      |
      | 1         | 101      | 12      | 1        | 50      |
      | 0         | 10       | 10      | 1        | 10      |
      | x         | 10       | 10      | 1        | 10      |

  @rule:business:unknown-subscription @code:1012007 @contract:3.5/resultcode @contract:12/1012007 @contract:1.6/1010029-1010040-all-1011xxx-1012xxx-1016 @contract:D41
  Scenario: Unknown subscriptionId
    When I query AXB with "subscriptionId=00000000-0000-4000-8000-000000000000"
    Then the result code is "1012007"
    And the result description is "The record does not exist."

  @rule:business:isolation @code:1012007
  Scenario: An app does not see another app's bindings
    Given an AXB binding of "<A1>" and "<B1>" on "<X1>"
    And the AXB-2 app
    When I query AXB with "subscriptionId=<SUB1>"
    Then the result code is "1012007"

  @rule:business:expiry @emulator @global-state
  Scenario: An expired binding disappears once its duration has passed
    # The emulator clock also runs in real time: the margins (10 s) keep a slow run deterministic.
    Given an AXB binding with:
      """
      {"callerNum":"<A1>","calleeNum":"<B1>","relationNum":"<X1>","duration":60}
      """
    When the emulator clock advances by 50 seconds
    Then the AXB binding "<SUB1>" exists
    And the emulator clock advances by 20 seconds
    And the AXB binding "<SUB1>" does not exist
    And I bind AXB with:
      """
      {"callerNum":"<B1>","calleeNum":"<A1>","relationNum":"<X1>"}
      """
    And the result code is "0"

  # Against another target this waits 70 s of real time: opt in with harness conform --slow.
  # 60 s is the shortest duration a real platform is likely to honour to the second; the
  # margins keep a slow run deterministic.
  @rule:business:expiry @slow @global-state
  Scenario: A binding with a 60 s duration is gone once it expired
    Given an AXB binding with:
      """
      {"callerNum":"<A1>","calleeNum":"<B1>","relationNum":"<X1>","duration":60}
      """
    When 50 seconds pass on the platform
    Then the AXB binding "<SUB1>" exists
    When 20 seconds pass on the platform
    Then the AXB binding "<SUB1>" does not exist

  @code:1010002
  Scenario Outline: AXB query rejects <case>
    When I query AXB with "<query>"
    Then the result code is "1010002"
    And the result description is "Invalid request. <field>"

    @rule:alternative:relationNum|subscriptionId
    Examples: one of relationNum and subscriptionId
      | case          | query | field          |
      | no parameters |       | subscriptionId |

    @rule:business:requires-relationNum @contract:3.5/callerNum
    Examples: callerNum needs relationNum
      | case                          | query              | field       |
      | callerNum without relationNum | callerNum=<A1>     | relationNum |
