@inside
Feature: Validation from the inside — precedence, inclusive maxima, exact number lengths, no trimming (reference §1.4, §3.5, §4.3)

  # pageSize is Integer(10~100) [V]: 100 is inside the range and is applied as sent.
  @axb.query @rule:business:pagination
  Scenario: pageSize 100, the inclusive maximum, is applied
    Given 12 AXB bindings on "<X1>"
    When I query AXB with "relationNum=<X1>&pageSize=100"
    Then the result code is "0"
    And the response list "relationNumList" has 12 entries
    And the response field "pageSize" is 100

  # A fixed line is +86, the area code without its 0 (2-3 digits) and a 7- or 8-digit local
  # number (§1.4 [V]); the exact lengths accepted and refused are D16.
  @axb.bind @rule:format:calleeNum @decision:D16
  Scenario Outline: A fixed-line B of <digits> digits after +86 is accepted
    When I bind AXB with:
      """
      {"callerNum":"<A1>","calleeNum":"<number>","relationNum":"<X1>"}
      """
    Then the result code is "0"

    Examples:
      | digits | number         |
      | 9      | +86101234567   |
      | 11     | +8675512345678 |

  @axb.bind @rule:format:calleeNum @code:1010002 @decision:D16
  Scenario: A fixed-line B of 12 digits after +86 is refused
    When I bind AXB with:
      """
      {"callerNum":"<A1>","calleeNum":"+86755123456789","relationNum":"<X1>"}
      """
    Then the result code is "1010002"

  # Numbers are "+" and digits only, no blanks around them (§1.4, D16): a platform that trims
  # before validating binds a number the client never wrote.
  @axb.bind @rule:format:callerNum @code:1010002 @decision:D16
  Scenario: A number with a leading blank is refused, not trimmed
    When I bind AXB with:
      """
      {"callerNum":" <A1>","calleeNum":"<B1>","relationNum":"<X1>"}
      """
    Then the result code is "1010002"

  @axb.bind @rule:format:callerNum @code:1010002 @decision:D16
  Scenario: A number with a trailing blank is refused, not trimmed
    When I bind AXB with:
      """
      {"callerNum":"<A1> ","calleeNum":"<B1>","relationNum":"<X1>"}
      """
    Then the result code is "1010002"

  # AX unbind: "当都传入时,优先选用subscriptionId" [V]. Newer samples unbind by privateNum alone,
  # so a platform may try that form first: with an ID and another binding's X, the ID still wins.
  @ax.unbind @rule:precedence:subscriptionId
  Scenario: AX unbind by subscriptionId wins over a privateNum sent alone
    Given an AX binding of "<A1>" on "<X1>"
    And an AX binding of "<A2>" on "<X2>"
    When I unbind AX with "subscriptionId=<SUB1>&privateNum=<X2>"
    Then the result code is "0"
    And the AX binding "<SUB1>" does not exist
    And the AX binding "<SUB2>" exists
