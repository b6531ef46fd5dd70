@inside
Feature: Documented halves — the rule checked on every target where only the exact answer is a decision (reference §1.4, §3.5, §4.5, §4.6)
  Each scenario here has a twin tagged @decision:Dn that asserts the emulator's exact code or
  description. That twin cannot fail another platform, which may answer differently within the
  contract; these scenarios check what the contract does say on every target: the request is
  refused, or the lookup finds nothing, whatever code says so.

  # "origNum和calleeNum不能相同" [V]: the temporary callee must differ from the binding's A.
  # The code and description are D56 (twin in ax_set_callee.feature).
  @ax.callee @rule:distinct:calleeNum,origNum @refused
  Scenario: A temporary callee equal to the binding's A is refused (on any platform)
    Given the AX app
    And an AX binding of "<A1>" on "<X1>"
    When I set the AX temporary callee with:
      """
      {"subscriptionId":"<SUB1>","calleeNum":"<A1>"}
      """
    Then the request is refused

  # relationNum + callerNum finds "the binding on X whose A (callerNum role) is that number"
  # [V]: B of a binding is not its A. Whether no match is 1012007 or "0" with an empty list is
  # D41 (twin in axb_query.feature).
  @axb.query @rule:business:role-match @refused @contract:3.5/callerNum
  Scenario: A query by relationNum and callerNum does not find a binding whose B is that number (on any platform)
    Given the AXB app
    And an AXB binding of "<A1>" and "<B1>" on "<X1>"
    When I query AXB with "relationNum=<X1>&callerNum=<B1>"
    Then the query finds no binding

  @axb.query @rule:business:role-match @refused @contract:3.5/calleeNum
  Scenario: A query by relationNum and calleeNum does not find a binding whose A is that number (on any platform)
    Given the AXB app
    And an AXB binding of "<A1>" and "<B1>" on "<X1>"
    When I query AXB with "relationNum=<X1>&calleeNum=<A1>"
    Then the query finds no binding

  # areaCode with areaMatchMode "0" (strict) selects an X of that city [V] (§3.2, §13.5). The
  # cities are the first and the last the profile lists for the app's X numbers, so the check
  # runs on any target (its twin in axb_bind.feature asks for the emulator's 0755), and a
  # platform that ignores areaCode cannot land in both by chance.
  @axb.bind @rule:business:area-selection @contract:3.2/With-areaCode-candidates-in-that @contract:13.5/areaCode-areaMatchMode-0-or-absent @contract:D31 @contract:1.4/areaCode-is-different-a-city @contract:1.7/String-enums
  Scenario: Strict matching chooses an X of the requested city (on any platform)
    Given the AXB app
    And I remember the city codes of the app's X numbers as "AREA1" and "AREA2"
    When I bind AXB with:
      """
      {"callerNum":"<A1>","calleeNum":"<B1>","areaCode":"<AREA1>","areaMatchMode":"0"}
      """
    Then the result code is "0"
    And the response field "relationNum" is an X number in the remembered area "<AREA1>"
    When I bind AXB with:
      """
      {"callerNum":"<A2>","calleeNum":"<B2>","areaCode":"<AREA2>","areaMatchMode":"0"}
      """
    Then the result code is "0"
    And the response field "relationNum" is an X number in the remembered area "<AREA2>"

  # An AX query by an A without binding finds nothing [V]; the answer (1016001, or "0" with an
  # empty list) is D78 (twin in ax_query.feature).
  @ax.query @rule:business:unknown-subscription @refused
  Scenario: An AX query by an origNum without binding finds nothing (on any platform)
    Given the AX app
    And an AX binding of "<A1>" on "<X1>"
    When I query AX with "origNum=<A2>"
    Then the query finds no binding

  # A fixed line is +86, the area code without its 0 and 7 or 8 local digits (§1.4 [V]): at
  # most 11 digits after +86. The code is D16 (twin in validation_inside.feature).
  @axb.bind @rule:format:calleeNum @refused @contract:1.4/Fixed-line-country-code
  Scenario: A fixed-line B of 12 digits after +86 is refused (on any platform)
    Given the AXB app
    When I bind AXB with:
      """
      {"callerNum":"<A1>","calleeNum":"+86755123456789","relationNum":"<X1>"}
      """
    Then the request is refused

  # The same rule from the other side: a real fixed-line number (the profile's fixed-line block,
  # e.g. +86755 and 8 local digits) is a valid B [V], whatever lengths a platform allows beyond.
  @axb.bind @rule:format:calleeNum @contract:1.4/Fixed-line-country-code @contract:1.4/A-and-B-numbers-must
  Scenario: A fixed-line B of the profile's fixed-line block is accepted (on any platform)
    Given the AXB app
    When I bind AXB with:
      """
      {"callerNum":"<A1>","calleeNum":"<FIX1>","relationNum":"<X1>"}
      """
    Then the result code is "0"

  # The global format is "+" and digits [V]; a blank is not part of a number, and a platform
  # that trims binds a number the client never wrote. The code is D16.
  @axb.bind @rule:format:callerNum @refused
  Scenario: A number with a leading blank is refused, not trimmed (on any platform)
    Given the AXB app
    When I bind AXB with:
      """
      {"callerNum":" <A1>","calleeNum":"<B1>","relationNum":"<X1>"}
      """
    Then the request is refused

  @axb.bind @rule:format:callerNum @refused
  Scenario: A number with a trailing blank is refused, not trimmed (on any platform)
    Given the AXB app
    When I bind AXB with:
      """
      {"callerNum":"<A1> ","calleeNum":"<B1>","relationNum":"<X1>"}
      """
    Then the request is refused

  # AX unbind by origNum + privateNum names one binding, A's on X [V]: when X is bound to
  # another A, nothing is removed. The code is D47 (twin in ax_unbind.feature).
  @ax.unbind @rule:business:a-mismatch @refused
  Scenario: AX unbind by an origNum that is not X's A is refused and removes nothing (on any platform)
    Given the AX app
    And an AX binding of "<A1>" on "<X1>"
    When I unbind AX with "origNum=<A2>&privateNum=<X1>"
    Then the request is refused
    And the AX binding "<SUB1>" exists
