Feature: Request fields and answers checked both ways on every target (reference §1.4-§1.7, §3-§5, §12, §13.6)
  The interface features test most rules in one direction: the refusals of a field without a
  request that keeps it at its edge, or an accepted value without the refusal of a broken one.
  Each scenario here adds the missing direction from the contract: the inclusive ends of a
  documented range accepted, a value outside a documented format refused, an answer without
  the fields of a success when the request failed, a parameter that must not be read ignored.
  Only documented behaviour is asserted, so every scenario runs on every target; where only
  the refusal is documented (its code is an emulator decision) the scenario asserts only that
  (@refused).

  # "API-specific fields … Present on success only" [V] (§1.5): a refused bind carries no
  # subscriptionId or relationNum, a successful one both.
  @axb.bind @contract:1.5/API-specific-fields
  Scenario: A successful AXB bind answers with the fields of its interface
    Given the AXB app
    When I bind AXB with:
      """
      {"callerNum":"<A1>","calleeNum":"<B1>","relationNum":"<X1>"}
      """
    Then the result code is "0"
    And the response field "subscriptionId" is present
    And the response field "relationNum" is "<X1>"

  @axb.bind @code:1010002 @contract:1.5/API-specific-fields
  Scenario: A refused AXB bind answers with the envelope only
    Given the AXB app
    When I bind AXB with:
      """
      {"callerNum":"13800000000","calleeNum":"<B1>","relationNum":"<X1>"}
      """
    Then the result code is "1010002"
    And the response field "subscriptionId" is absent
    And the response field "relationNum" is absent

  # The inclusive ends of the documented ranges (§3.2, §13.6): the interface feature refuses
  # the first value outside each; here the last value inside is accepted.
  @axb.bind
  Scenario Outline: AXB bind accepts <case>
    Given the AXB app
    When I bind AXB with:
      """
      {"callerNum":"<A1>","calleeNum":"<B1>","relationNum":"<X1>",<field>}
      """
    Then the result code is "0"

    @contract:D29 @contract:13.6/AXB-duration
    Examples: duration, 0-7776000 s
      | case                       | field              |
      | duration 0 (never expires) | "duration":0       |
      | duration 7776000 (90 days) | "duration":7776000 |

    @contract:13.6/maxDuration
    Examples: maxDuration, 0-1440 minutes
      | case             | field              |
      | maxDuration 0    | "maxDuration":0    |
      | maxDuration 1440 | "maxDuration":1440 |

    @contract:13.6/userData @contract:D24
    Examples: userData, 1-256 characters without braces
      | case                         | field                               |
      | userData of 256 characters   | "userData":"<str:256>"              |
      | userData of 1 character      | "userData":"x"                      |
      | userData with ASCII symbols  | "userData":"order-4711/a_b:c;d=e,f" |

  # pageSize is Integer(10~100), default 50: "如果不携带pageSize或pageSize不在有效范围内,系统默认该
  # 参数为50" [V] (§3.5, §13.6). 9 and 101 are outside and page by 50 (100 inside is applied:
  # validation_inside.feature). Which page index a malformed pageIndex falls back to, and a page
  # past the end, are D41: not here.
  @axb.query @contract:3.5/pageSize @contract:13.6/AXB-query-pageSize @direction:broken
  Scenario Outline: AXB query with pageSize <pageSize> pages by <effSize>
    Given the AXB app
    And 12 AXB bindings on "<X1>"
    When I query AXB with "relationNum=<X1>&pageSize=<pageSize>"
    Then the result code is "0"
    And the response list "relationNumList" has 12 entries
    And the response field "totalCount" is 12
    And the response field "pageSize" is <effSize>

    Examples: outside 10-100
      | pageSize | effSize |
      | 9        | 50      |
      | 101      | 50      |

  # "subscriptionId (others ignored)" [V] (§3.5): an unknown subscriptionId finds nothing
  # (1012007 [V]) even when the relationNum sent with it carries a binding.
  @axb.query @code:1012007 @contract:3.5/subscriptionId-others-ignored @contract:3.5/subscriptionId
  Scenario: An unknown subscriptionId is not replaced by the relationNum sent with it
    Given the AXB app
    And an AXB binding of "<A1>" and "<B1>" on "<X1>"
    When I query AXB with "subscriptionId=00000000-0000-4000-8000-000000000000&relationNum=<X1>"
    Then the result code is "1012007"

  # relationNum alone lists the bindings on that X of this app; an X of another app is "no
  # binding matches" (1012007 [V], "请检查携带的relationNum或subscriptionId参数是否属于该应用").
  @axb.query @code:1012007 @contract:3.5/relationNum-only @contract:3.5/relationNum
  Scenario: relationNum alone finds nothing on another app's X
    Given the AXB app
    And an AXB binding of "<A1>" and "<B1>" on "<X1>"
    And the AXB-2 app
    When I query AXB with "relationNum=<X1>"
    Then the result code is "1012007"

  # AXB modify: callerNum is a new A in the global number format (§3.4, §1.4).
  @axb.modify @contract:3.4/callerNum
  Scenario: AXB modify replaces the caller
    Given the AXB app
    And an AXB binding of "<A1>" and "<B1>" on "<X1>"
    When I modify AXB with:
      """
      {"subscriptionId":"<SUB1>","callerNum":"<C1>"}
      """
    Then the result code is "0"
    When I query AXB with "subscriptionId=<SUB1>"
    Then the result code is "0"
    And the response field "relationNumList.0.callerNum" is "<C1>"
    And the response field "relationNumList.0.calleeNum" is "<B1>"

  @axb.modify @code:1010002 @contract:3.4/callerNum
  Scenario: AXB modify refuses a caller that is not a number
    Given the AXB app
    And an AXB binding of "<A1>" and "<B1>" on "<X1>"
    When I modify AXB with:
      """
      {"subscriptionId":"<SUB1>","callerNum":"+86abc"}
      """
    Then the result code is "1010002"

  # AX query by privateNum: an X in the global mobile format (§4.5, §1.4).
  @ax.query @code:1010002 @contract:4.5/privateNum
  Scenario: AX query refuses a privateNum that is not a number
    Given the AX app
    When I query AX with "privateNum=abcdef"
    Then the result code is "1010002"

  # "系统不会解析该参数,可不携带" [V] (§4.6): the platform does not read origNum, so an origNum
  # that is not the binding's A changes nothing.
  @ax.callee @contract:4.6/origNum
  Scenario: The temporary callee is set whatever origNum says
    Given the AX app
    And an AX binding of "<A1>" on "<X1>"
    When I set the AX temporary callee with:
      """
      {"subscriptionId":"<SUB1>","origNum":"<C1>","calleeNum":"<B1>"}
      """
    Then the result code is "0"

  # areaCode is a city code with its leading 0 [V] (§1.4): the cities the profile lists for the
  # app's X numbers choose an X there (AX, AXE; AXB in documented_halves.feature), and a code
  # without its 0 names no city: under the default strict matching [V] nothing is bound.
  @ax.bind @contract:4.2/areaCode @contract:1.4/areaCode-is-different-a-city
  Scenario: AX bind by areaCode chooses an X of that city
    Given the AX app
    And I remember the city codes of the app's X numbers as "AREA1" and "AREA2"
    When I bind AX with:
      """
      {"origNum":"<A1>","areaCode":"<AREA1>"}
      """
    Then the result code is "0"
    And the response field "privateNum" is an X number in the remembered area "<AREA1>"

  @axe.bind @contract:5.2/areaCode
  Scenario: AXE bind by areaCode chooses an X of that city
    Given the AXE app
    And I remember the city codes of the app's X numbers as "AREA1" and "AREA2"
    When I bind AXE with:
      """
      {"bindNum":"<A1>","areaCode":"<AREA1>"}
      """
    Then the result code is "0"
    When I query AXE with "subscriptionId=<SUB1>"
    Then the result code is "0"
    And the response field "virtualNum" is an X number in the remembered area "<AREA1>"

  @refused @contract:1.4/areaCode-is-different-a-city
  Scenario Outline: <iface> bind refuses an areaCode without its leading 0
    Given the <app> app
    When I bind <iface> with:
      """
      <body>
      """
    Then the request is refused

    @axb.bind @contract:3.2/areaCode
    Examples: AXB
      | iface | app | body                                                    |
      | AXB   | AXB | {"callerNum":"<A1>","calleeNum":"<B1>","areaCode":"755"} |

    @ax.bind @contract:4.2/areaCode
    Examples: AX
      | iface | app | body                                  |
      | AX    | AX  | {"origNum":"<A1>","areaCode":"755"}    |

    @axe.bind @contract:5.2/areaCode
    Examples: AXE
      | iface | app | body                                  |
      | AXE   | AXE | {"bindNum":"<A1>","areaCode":"755"}    |

  # A and B must be real operator numbers; "400 and 95 numbers are not supported for binding"
  # [V] (§1.4). The code (1010002 naming the field) is D44: only the refusal is asserted here.
  @axb.bind @rule:format:callerNum @refused @contract:1.4/A-and-B-numbers-must
  Scenario Outline: AXB bind refuses <case> as A
    Given the AXB app
    When I bind AXB with:
      """
      {"callerNum":"<number>","calleeNum":"<B1>","relationNum":"<X1>"}
      """
    Then the request is refused

    Examples:
      | case        | number        |
      | a 400 number | +864001234567 |
      | a 95 number  | +8695588      |

  # Fixed line: "+86" then the area code without its leading 0 [V] (§1.4): a number that keeps
  # the 0 after the country code is not in the global format.
  @axb.bind @rule:format:calleeNum @refused @contract:1.4/Fixed-line-country-code
  Scenario: A fixed-line B that keeps its area code's 0 after +86 is refused
    Given the AXB app
    When I bind AXB with:
      """
      {"callerNum":"<A1>","calleeNum":"+86075528123401","relationNum":"<X1>"}
      """
    Then the request is refused

  # An AX query by a subscriptionId that is not a binding of the app finds nothing [V]; whether
  # it answers 1016001 or "0" with an empty list is D78 (twin in ax_query.feature).
  @ax.query @refused @contract:4.5/subscriptionId
  Scenario: AX query by an unknown subscriptionId finds nothing
    Given the AX app
    And an AX binding of "<A1>" on "<X1>"
    When I query AX with "subscriptionId=00000000-0000-4000-8000-000000000000"
    Then the query finds no binding

  # The temporary callee's duration is 1-259200 s [V] (§4.6, §13.6): both ends are accepted
  # (0 and 259201 are refused in ax_set_callee.feature).
  @ax.callee @contract:13.6/AX-temporary-callee-duration
  Scenario Outline: The temporary callee accepts a duration of <duration> s
    Given the AX app
    And an AX binding of "<A1>" on "<X1>"
    When I set the AX temporary callee with:
      """
      {"subscriptionId":"<SUB1>","calleeNum":"<B1>","duration":<duration>}
      """
    Then the result code is "0"

    Examples:
      | duration |
      | 1        |
      | 259200   |

  # callbackNum: the forward target when A calls X without a callback record, a number in the
  # global format [V] (§5.2); with callbackTone it is refused (axe_bind.feature).
  @axe.bind @contract:5.2/callbackNum
  Scenario: AXE bind accepts a callbackNum in the global format
    Given the AXE app
    When I bind AXE with:
      """
      {"bindNum":"<A1>","virtualNum":"<X1>","callbackNum":"<C1>"}
      """
    Then the result code is "0"

  # "HTTP 404 from the platform means a wrong base URL or URI" [V] (§12): a URI that is no
  # interface is not answered as one. (The body binds nothing even where the URI exists.)
  @axb.bind @contract:12/Codes-in-the-1012xxx-range @direction:broken
  Scenario: A URI that is no interface is answered HTTP 404
    Given the AXB app
    When I send POST "/rest/caas/relationnumber/partners/v9.9" with body:
      """
      {}
      """
    Then the HTTP status is 404
