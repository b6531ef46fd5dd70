@axyb.query
Feature: AXYB query — GET /rest/omp/xyrelationnumber/v1.0 (reference §6.4)
  By subscriptionId or by X (relationNum); with both, subscriptionId wins.

  Background:
    Given the AXYB app
    And an AXYB relation with:
      """
      {"origNum":"<A1>","areaMatchMode":"1","duration":"86400","ybDuration":3600,"userData":"order-1"}
      """

  @rule:business:utc-time @contract:6.4/resultcode @contract:6.4/app-key
  Scenario: Query by subscriptionId lists the relation's YB
    Given a YB relation of "<B1>" on "<SUB1>"
    When I query AXYB with "app_key=<appKey>&subscriptionId=<SUB1>"
    Then the result code is "0"
    And the response matches its schema
    And the response list "xyRelationNumList" has 1 entry
    And the response field "xyRelationNumList.0.numA" is "<A1>"
    And the response field "xyRelationNumList.0.numX" is "<AXYB_X1>"
    And the response field "xyRelationNumList.0.numY" is "<AXYB_Y1>"
    And the response field "xyRelationNumList.0.numB" is "<B1>"
    And the response field "xyRelationNumList.0.duration" is "86400"
    And the response field "xyRelationNumList.0.userData" is "order-1"
    And the response field "xyRelationNumList.0.subscribeTime" is the request's time in UTC

  @rule:business:by-x
  Scenario: Query by X
    When I query AXYB with "app_key=<appKey>&relationNum=<AXYB_X1>"
    Then the result code is "0"
    And the response field "xyRelationNumList.0.numA" is "<A1>"

  @rule:business:ax-without-yb @emulator @decision:D85
  Scenario: An AX without YB is one entry without numY and numB
    When I query AXYB with "app_key=<appKey>&subscriptionId=<SUB1>"
    Then the response list "xyRelationNumList" has 1 entry
    And the response field "xyRelationNumList.0.bindId" is "<SUB1>"
    And the response field "xyRelationNumList.0.numY" is absent
    And the response field "xyRelationNumList.0.numB" is absent

  @rule:precedence:subscriptionId>relationNum
  Scenario: subscriptionId wins over relationNum
    Given an AXYB relation of "<A2>"
    When I query AXYB with "app_key=<appKey>&subscriptionId=<SUB1>&relationNum=<AXYB_X2>"
    Then the result code is "0"
    And the response field "xyRelationNumList.0.numA" is "<A1>"

  @rule:business:expiry @emulator @decision:D43 @global-state
  Scenario: The AX expires with its YB; a YB expires alone
    Given a YB relation of "<B1>" on "<SUB1>"
    And I bind AXYB with "app_key=<appKey>" and:
      """
      {"subscriptionId":"<SUB1>","origNum":"<B2>","areaMatchMode":"1","ybDuration":60}
      """
    When the emulator clock advances by 60 seconds
    And I query AXYB with "app_key=<appKey>&subscriptionId=<SUB1>"
    Then the response list "xyRelationNumList" has 1 entry
    And the response field "xyRelationNumList.0.numB" is "<B1>"
    When the emulator clock advances by 86340 seconds
    Then the AXYB binding "<SUB1>" does not exist

  @rule:business:unknown-subscription @code:1012007 @emulator @decision:D85
  Scenario: No match
    When I query AXYB with "app_key=<appKey>&subscriptionId=00000000-0000-4000-8000-000000000000"
    Then the result code is "1012007"

  @rule:alternative:relationNum|subscriptionId @code:1010002 @emulator @decision:D85
  Scenario: Neither relationNum nor subscriptionId
    When I query AXYB with "app_key=<appKey>"
    Then the result code is "1010002"
    And the result description is "Invalid request. subscriptionId"

  @rule:business:isolation @code:1012007 @emulator @decision:D85
  Scenario: Another app's X is not found
    When I query AXYB with "app_key=<appKey>&relationNum=<AXB.X1>"
    Then the result code is "1012007"

  @rule:mandatory:app_key @code:1010002 @emulator @decision:D82
  Scenario: No app_key
    When I query AXYB with "subscriptionId=<SUB1>"
    Then the result code is "1010002"
    And the result description is "Invalid request. app_key"

  # When the AX expires, the AX and its YB relations go [V] (§6.1, §13.4). Against another
  # target this waits 70 s of real time (harness conform --slow). How a platform answers the
  # query of a relation that is gone is the emulator's decision (D85), so "finds no binding"
  # accepts a refusal or an empty list: the two queries check the relation kept before its end
  # and gone, YB included, after it. The Background's relation is <SUB1>; this one is <SUB2>.
  # Remembering an entry's bindId asserts that the first answer lists the relation, without
  # asserting the answer's fields, which their own rules check.
  @slow @global-state @refused @direction:held @direction:broken
  @contract:6.1/Expiry-AX-AX-YB-YB-YB-when-the
  Scenario: An AX that expires takes its YB with it (on any platform)
    When I bind AXYB with "app_key=<appKey>" and:
      """
      {"origNum":"<A2>","areaMatchMode":"1","duration":"60"}
      """
    Then the result code is "0"
    Given a YB relation of "<B1>" on "<SUB2>"
    When 50 seconds pass on the platform
    And I query AXYB with "app_key=<appKey>&subscriptionId=<SUB2>"
    Then the result code is "0"
    And I remember the response field "xyRelationNumList.0.bindId" as "KEPT"
    When 20 seconds pass on the platform
    And I query AXYB with "app_key=<appKey>&subscriptionId=<SUB2>"
    Then the query finds no binding

  @refused @contract:6.4/app-key
  Scenario: AXYB query without app_key is refused
    When I query AXYB with "subscriptionId=<SUB1>"
    Then the request is refused

  # "二选一" [V]: one of relationNum and subscriptionId is required.
  @refused @contract:6.4/resultcode @contract:6.4/relationNum @contract:6.4/subscriptionId
  Scenario: AXYB query without relationNum and subscriptionId is refused
    When I query AXYB with "app_key=<appKey>"
    Then the request is refused

  @refused @contract:6.4/subscriptionId
  Scenario: AXYB query by a subscriptionId that is not the app's is refused
    When I query AXYB with "app_key=<appKey>&subscriptionId=00000000-0000-4000-8000-000000000000"
    Then the request is refused

  @refused @contract:6.4/relationNum
  Scenario: AXYB query by a number that is no X of the app is refused
    When I query AXYB with "app_key=<appKey>&relationNum=<NOTX>"
    Then the request is refused
