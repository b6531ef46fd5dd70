@authentication
Feature: Authentication — X-AKSK and legacy X-WSSE (reference §2)
  This feature runs last: its negative scenarios (@auth-negative) are deliberate authentication
  failures, which count toward the client-IP lockout (§2.6). Against the emulator the runner
  switches the lockout off for the run and the lockout scenario switches it on for itself;
  against the real platform Profile.authFailurePause paces the negative scenarios.

  Background:
    Given the AXB app
  @rule:business:aksk-ok
  @contract:2.5/1 @contract:2.5/3 @contract:2.5/4 @contract:2.5/5 @contract:2.5/6 @contract:2.5/7 @contract:2.5/8 @contract:2.5/14 @contract:2.5/18 @contract:2.5/The-codes-are-documented @contract:2.4/X-AKSK-X-WSSE-the-token-UsernameToken-wh @contract:1.3/Authorization @contract:1.1/App-mode @contract:D4 @contract:D5 @contract:12/1023006 @contract:12/1023007 @contract:12/1023008 @contract:12/1023009 @contract:12/1023010 @contract:12/1023011 @contract:12/1023012 @contract:12/1023033 @contract:12/1023034 @contract:12/1023035 @contract:12/1023036 @contract:12/1023037 @contract:12/1023038 @contract:12/1010010 @contract:12/1010013 @contract:12/1010003 @contract:1.6/authentication-format-codes-1023006-1023 @contract:1.6/1010010-Invalid-digest-1010013-Time-out @contract:1.6/1010002-1010003-1012001
  @contract:2.1/Created @contract:2.4/Authorization-scheme-token-whitespace-th @contract:2.5/13 @contract:D2 @contract:D9
  Scenario: A correctly signed X-AKSK request is accepted
    Given an AXB binding of "<A1>" and "<B1>" on "<X1>"
    When I query AXB with "subscriptionId=<SUB1>"
    Then the result code is "0"

  @rule:business:separators
  Scenario: Spaces after the commas of the Authorization header are accepted
    Given an AXB binding of "<A1>" and "<B1>" on "<X1>"
    And the next request has header "Authorization" set to 'AKSK realm="SDP", profile="UsernameToken", type="Appkey"'
    When I query AXB with "subscriptionId=<SUB1>"
    Then the result code is "0"

  # Header names are case-insensitive [V] (§1.3, §2.4); the official request example writes
  # content-type, authorization and x-aksk in lower case, on a bind.
  @axb.bind @contract:2.4/Header-names-are-case-insensitive-x-aksk @contract:1.3/HTTP-header-names-are-case-insensitive
  Scenario: Header names in lower case, as in the official examples, are accepted
    Given the next request's header names are written in lower case
    When I bind AXB with:
      """
      {"callerNum":"<A1>","calleeNum":"<B1>","relationNum":"<X1>"}
      """
    Then the result code is "0"
    And the AXB binding "<SUB1>" exists

  # The optional space after a comma holds in X-AKSK too (§2.4 [V]: the docs' template has
  # ", ", the example and the samples have none).
  @rule:business:separators
  Scenario: Spaces after the commas of the X-AKSK header are accepted
    Given an AXB binding of "<A1>" and "<B1>" on "<X1>"
    And the next request's "X-AKSK" header has a space after each comma
    When I query AXB with "subscriptionId=<SUB1>"
    Then the result code is "0"

  # Request validation comes after authentication (§2.5 step 20): a correctly signed request
  # with a malformed field is answered 1010002 [V], not with an authentication code, and the
  # same request with the field right is accepted.
  @axb.bind @code:1010002 @contract:2.5/20
  Scenario: A correctly signed request is validated after authentication
    When I bind AXB with:
      """
      {"callerNum":"12345","calleeNum":"<B1>","relationNum":"<X1>"}
      """
    Then the result code is "1010002"
    And the HTTP status is 403
    When I bind AXB with:
      """
      {"callerNum":"<A1>","calleeNum":"<B1>","relationNum":"<X1>"}
      """
    Then the result code is "0"

  @auth-negative @rule:business:authorization-format @code:1023006
  @contract:1.3/Authorization @contract:2.5/The-codes-are-documented @contract:12/1023006 @contract:1.6/authentication-format-codes-1023006-1023
  Scenario: The Authorization header is missing
    Given the next request has no header "Authorization"
    When I query AXB with "subscriptionId=auth-probe"
    Then the result code is "1023006"
    And the HTTP status is 400
    And the result description is "Authorization not contained in the HTTP header."

  @auth-negative @rule:business:authorization-format
  @contract:2.1/Authorization
  Scenario Outline: Authorization header defect: <case>
    Given the next request has header "Authorization" set to '<value>'
    When I query AXB with "subscriptionId=auth-probe"
    Then the result code is "<code>"
    And the HTTP status is 400
    And the result description is "<desc>"

    @code:1023007 @contract:12/1023007 @contract:1.6/authentication-format-codes-1023006-1023
    Examples: realm missing
      | case          | value                                        | code    | desc                                   |
      | realm missing | AKSK profile="UsernameToken",type="Appkey"   | 1023007 | realm not contained in Authorization.  |

    @code:1023008 @contract:12/1023008 @contract:1.6/authentication-format-codes-1023006-1023
    Examples: profile missing
      | case            | value                          | code    | desc                                     |
      | profile missing | AKSK realm="SDP",type="Appkey" | 1023008 | profile not contained in Authorization.  |

    @code:1023012 @contract:12/1023012 @contract:1.6/authentication-format-codes-1023006-1023
    Examples: type missing
      | case         | value                                      | code    | desc                                  |
      | type missing | AKSK realm="SDP",profile="UsernameToken"   | 1023012 | type not contained in Authorization.  |

    @code:1023009 @contract:12/1023009 @contract:1.6/authentication-format-codes-1023006-1023
    Examples: wrong realm
      | case        | value                                                     | code    | desc                                              |
      | wrong realm | AKSK realm="SDX",profile="UsernameToken",type="Appkey"    | 1023009 | The value of realm in Authorization must be SDP.  |

    @code:1023010 @contract:12/1023010 @contract:1.6/authentication-format-codes-1023006-1023
    Examples: wrong profile
      | case          | value                                            | code    | desc                                                          |
      | wrong profile | AKSK realm="SDP",profile="Token",type="Appkey"   | 1023010 | The value of profile in Authorization must be UsernameToken.  |

    @code:1023011 @contract:12/1023011 @contract:1.6/authentication-format-codes-1023006-1023
    Examples: wrong type
      | case       | value                                                        | code    | desc                                                   |
      | wrong type | AKSK realm="SDP",profile="UsernameToken",type="app_key"      | 1023011 | The value of type in Authorization must be app_key.    |

    # How another scheme is answered is the emulator's decision (reference §2.4, D9): only
    # the emulator is held to it.
    @code:1023007 @decision:D9
    Examples: a Bearer token
      | case         | value      | code    | desc                                   |
      | Bearer token | Bearer abc | 1023007 | realm not contained in Authorization.  |

  @auth-negative @rule:business:x-aksk-format @code:1023033 @contract:1.3/X-AKSK @contract:12/1023033 @contract:1.6/authentication-format-codes-1023006-1023
  Scenario: The X-AKSK header is missing
    Given the next request has no header "X-AKSK"
    When I query AXB with "subscriptionId=auth-probe"
    Then the result code is "1023033"
    And the HTTP status is 400
    And the result description is "HTTP header not found X-AKSK field."

  @auth-negative @rule:business:x-aksk-format
  Scenario Outline: X-AKSK header defect: <case>
    Given the next request has header "X-AKSK" set to '<value>'
    When I query AXB with "subscriptionId=auth-probe"
    Then the result code is "<code>"
    And the HTTP status is 400
    And the result description is "<desc>"

    @code:1023038 @contract:12/1023038 @contract:1.6/authentication-format-codes-1023006-1023
    Examples: UsernameToken missing
      | case                  | value                                                                                       | code    | desc                                    |
      | UsernameToken missing | Token Username="<appKey>",PasswordDigest="x",Nonce="abc",Created="2026-01-01T00:00:00Z"      | 1023038 | UsernameToken not contained in X-AKSK.  |

    @code:1023034 @contract:12/1023034 @contract:1.6/authentication-format-codes-1023006-1023
    Examples: Username missing
      | case             | value                                                                     | code    | desc                               |
      | Username missing | UsernameToken PasswordDigest="x",Nonce="abc",Created="2026-01-01T00:00:00Z" | 1023034 | UserName not contained in X-AKSK.  |

    @code:1023035 @contract:12/1023035 @contract:1.6/authentication-format-codes-1023006-1023
    Examples: Nonce missing
      | case          | value                                                                             | code    | desc                            |
      | Nonce missing | UsernameToken Username="<appKey>",PasswordDigest="x",Created="2026-01-01T00:00:00Z" | 1023035 | Nonce not contained in X-AKSK.  |

    @code:1023036 @contract:12/1023036 @contract:1.6/authentication-format-codes-1023006-1023
    Examples: Created missing
      | case            | value                                                        | code    | desc                              |
      | Created missing | UsernameToken Username="<appKey>",PasswordDigest="x",Nonce="abc" | 1023036 | Created not contained in X-AKSK.  |

    @code:1023037 @contract:12/1023037 @contract:1.6/authentication-format-codes-1023006-1023
    Examples: PasswordDigest missing
      | case                   | value                                                                     | code    | desc                                     |
      | PasswordDigest missing | UsernameToken Username="<appKey>",Nonce="abc",Created="2026-01-01T00:00:00Z" | 1023037 | PasswordDigest not contained in X-AKSK.  |

  # A quoted value followed by anything but spaces or tabs before its comma or the end is not
  # the documented `name="value"` (reference §2.4). That the attribute then counts as missing,
  # with the missing attribute's code, is the emulator's decision (D9): only the emulator is
  # held to it, and another platform's answer is reported as a difference.
  @auth-negative @rule:business:x-aksk-format @decision:D9
  Scenario Outline: A correctly signed header with a character after its last closing quote: <case>
    Given the next request's "<header>" header has "<extra>" appended
    When I query AXB with "subscriptionId=auth-probe"
    Then the result code is "<code>"
    And the HTTP status is 400
    And the result description is "<desc>"

    @code:1023036
    Examples: X-AKSK
      | case             | header | extra | code    | desc                              |
      | x after Created  | X-AKSK | x     | 1023036 | Created not contained in X-AKSK.  |
      | ;x after Created | X-AKSK | ;x    | 1023036 | Created not contained in X-AKSK.  |

    @code:1023012
    Examples: Authorization
      | case          | header        | extra | code    | desc                                  |
      | x after type  | Authorization | x     | 1023012 | type not contained in Authorization.  |

  @auth-negative @rule:business:unknown-app-key @code:1010003 @contract:2.1/Username @contract:12/1010003 @contract:1.6/1010002-1010003-1012001
  Scenario: An unknown APP_Key
    Given the next request uses the app key "no-such-app-key"
    When I query AXB with "subscriptionId=auth-probe"
    Then the result code is "1010003"
    And the HTTP status is 403
    And the result description is "Invalid app_key."

  @auth-negative @rule:business:bad-digest @code:1010010 @contract:12/1010010 @contract:1.6/1010010-Invalid-digest-1010013-Time-out
  Scenario: A digest made with the wrong secret
    Given the next request is signed with the secret "not-the-secret"
    When I query AXB with "subscriptionId=auth-probe"
    Then the result code is "1010010"
    And the HTTP status is 401
    And the result description is "Invalid digest."

  @auth-negative @rule:business:bad-digest @code:1010010
  Scenario Outline: A digest built with a documented client mistake: <mistake>
    Given the next request's digest is made with <mistake>
    When I query AXB with "subscriptionId=auth-probe"
    Then the result code is "1010010"
    And the HTTP status is 401
    And the result description is "Invalid digest."

    Examples:
      | mistake                                          |
      | the message in the wrong order (Created + Nonce) |
      | key and message swapped                          |
      | Base64 of the hex string instead of the raw MAC  |
      | a plus sign between Nonce and Created            |
      | a space between Nonce and Created                |
      | the X-WSSE digest on the X-AKSK header           |

  @auth-negative @rule:business:future-created @code:1010013 @contract:12/1010013 @contract:1.6/1010010-Invalid-digest-1010013-Time-out
  Scenario: A Created one day in the future
    Given the next request's Created is 86400 seconds from now
    When I query AXB with "subscriptionId=auth-probe"
    Then the result code is "1010013"
    And the HTTP status is 401
    And the result description is "Time out limit."

  @auth-negative @rule:business:future-created @code:1010013 @decision:D2
  Scenario: A Created just beyond the 300 s window in the future
    Given the next request's Created is 320 seconds from now
    When I query AXB with "subscriptionId=auth-probe"
    Then the result code is "1010013"

  @rule:business:future-created @decision:D2
  Scenario: A Created just inside the 300 s window in the future
    Given an AXB binding of "<A1>" and "<B1>" on "<X1>"
    And the next request's Created is 280 seconds from now
    When I query AXB with "subscriptionId=<SUB1>"
    Then the result code is "0"

  # Whether the real platform refuses a reused nonce is not documented (a public client reuses
  # one); the emulator does when rejectNonceReplay is on, as in the conformance configuration.
  @auth-negative @rule:business:nonce-replay @code:1010010 @emulator
  Scenario: A nonce accepted once is refused when sent again
    Given an AXB binding of "<A1>" and "<B1>" on "<X1>"
    When I query AXB with "subscriptionId=<SUB1>"
    Then the result code is "0"
    Given the next request reuses the previous request's Nonce
    When I query AXB with "subscriptionId=<SUB1>"
    Then the result code is "1010010"
    And the result description is "Invalid digest."

  @auth-negative @rule:business:stale-created @code:1010013 @contract:12/1010013 @contract:1.6/1010010-Invalid-digest-1010013-Time-out
  Scenario: A Created one day old
    Given the next request's Created is -86400 seconds from now
    When I query AXB with "subscriptionId=auth-probe"
    Then the result code is "1010013"
    And the HTTP status is 401
    And the result description is "Time out limit."

  @auth-negative @rule:business:stale-created @code:1010013 @decision:D2
  Scenario: A Created just outside the 300 s window
    Given the next request's Created is -320 seconds from now
    When I query AXB with "subscriptionId=auth-probe"
    Then the result code is "1010013"

  @rule:business:stale-created @decision:D2
  Scenario: A Created just inside the 300 s window
    Given an AXB binding of "<A1>" and "<B1>" on "<X1>"
    And the next request's Created is -280 seconds from now
    When I query AXB with "subscriptionId=<SUB1>"
    Then the result code is "0"

  @rule:business:local-time-tolerance @decision:D2
  Scenario: China local time sent as UTC is tolerated
    Given an AXB binding of "<A1>" and "<B1>" on "<X1>"
    And the next request's Created is 28800 seconds from now
    When I query AXB with "subscriptionId=<SUB1>"
    Then the result code is "0"

  @auth-negative @rule:business:malformed-created @code:1010013 @decision:D3
  Scenario: A malformed Created
    Given the next request's Created is "2026-01-01 00:00:00"
    When I query AXB with "subscriptionId=auth-probe"
    Then the result code is "1010013"

  @auth-negative @rule:business:nonce-length @code:1010010 @decision:D7
  Scenario: A nonce longer than 128 characters
    Given the next request's Nonce is "<str:129>"
    When I query AXB with "subscriptionId=auth-probe"
    Then the result code is "1010010"

  @rule:business:wsse @decision:D1 @contract:12/1023026 @contract:12/1023027 @contract:12/1023028 @contract:12/1023029 @contract:12/1023030 @contract:12/1023031 @contract:1.6/legacy-X-WSSE-format-codes-1023026-10230
  Scenario: Legacy X-WSSE is accepted
    Given an AXB binding of "<A1>" and "<B1>" on "<X1>"
    And the next request is signed with X-WSSE
    When I query AXB with "subscriptionId=<SUB1>"
    Then the result code is "0"

  @auth-negative @rule:business:wsse @code:1023033 @emulator
  Scenario: X-WSSE is refused when the app's legacyWSSE is off
    Given the AXB-nowsse app
    And the next request is signed with X-WSSE
    When I query AXB with "subscriptionId=auth-probe"
    Then the result code is "1023033"

  @auth-negative @rule:business:wsse @code:1023026 @decision:D1 @contract:12/1023026 @contract:1.6/legacy-X-WSSE-format-codes-1023026-10230
  Scenario: The X-WSSE header is missing
    Given the next request is signed with X-WSSE
    And the next request has no header "X-WSSE"
    When I query AXB with "subscriptionId=auth-probe"
    Then the result code is "1023026"
    And the HTTP status is 400

  @auth-negative @rule:business:wsse @decision:D1
  Scenario Outline: X-WSSE header defect: <case>
    Given the next request is signed with X-WSSE
    And the next request has header "X-WSSE" set to '<value>'
    When I query AXB with "subscriptionId=auth-probe"
    Then the result code is "<code>"
    And the HTTP status is 400

    @code:1023027 @contract:12/1023027 @contract:1.6/legacy-X-WSSE-format-codes-1023026-10230
    Examples: Username missing
      | case             | value                                                                     | code    |
      | Username missing | UsernameToken PasswordDigest="x",Nonce="abc",Created="2026-01-01T00:00:00Z" | 1023027 |

    @code:1023028 @contract:12/1023028 @contract:1.6/legacy-X-WSSE-format-codes-1023026-10230
    Examples: Nonce missing
      | case          | value                                                                             | code    |
      | Nonce missing | UsernameToken Username="<appKey>",PasswordDigest="x",Created="2026-01-01T00:00:00Z" | 1023028 |

    @code:1023029 @contract:12/1023029 @contract:1.6/legacy-X-WSSE-format-codes-1023026-10230
    Examples: Created missing
      | case            | value                                                        | code    |
      | Created missing | UsernameToken Username="<appKey>",PasswordDigest="x",Nonce="abc" | 1023029 |

    @code:1023030 @contract:12/1023030 @contract:1.6/legacy-X-WSSE-format-codes-1023026-10230
    Examples: PasswordDigest missing
      | case                   | value                                                                     | code    |
      | PasswordDigest missing | UsernameToken Username="<appKey>",Nonce="abc",Created="2026-01-01T00:00:00Z" | 1023030 |

  @auth-negative @rule:business:wsse @code:1023031 @decision:D1 @decision:D3 @contract:12/1023031 @contract:1.6/legacy-X-WSSE-format-codes-1023026-10230
  Scenario: A malformed Created on the X-WSSE path
    Given the next request is signed with X-WSSE
    And the next request's Created is "2026-01-01 00:00:00"
    When I query AXB with "subscriptionId=auth-probe"
    Then the result code is "1023031"
    And the HTTP status is 400

  @rule:business:frozen @code:1010029 @emulator @contract:12/1010029 @contract:1.6/1010029-1010040-all-1011xxx-1012xxx-1016
  Scenario: Every provisioning call of a frozen account fails
    Given the AXB-frozen app
    When I bind AXB with:
      """
      {"callerNum":"<A1>","calleeNum":"<B1>","relationNum":"<X1>"}
      """
    Then the result code is "1010029"
    And the result description is "The subscriber status is frozen"

  @rule:business:allow-list @code:1020166 @emulator @contract:12/1020166 @contract:1.6/1010029-1010040-all-1011xxx-1012xxx-1016
  Scenario: A client IP outside the app's allow-list is refused
    Given the AXB-allowlist app
    When I query AXB with "subscriptionId=auth-probe"
    Then the result code is "1020166"
    And the result description is "The app client ip is not in ip white list."

  @auth-negative @rule:business:lockout @code:1010010 @code:1020176 @emulator @global-state @contract:12/1020176 @contract:1.6/1010029-1010040-all-1011xxx-1012xxx-1016
  Scenario: Repeated authentication failures lock the client IP out
    Given the emulator lockout is on
    When I send 10 AXB queries signed with the secret "not-the-secret"
    And I query AXB with "subscriptionId=auth-probe"
    Then the result code is "1020176"
    And the HTTP status is 403
    And the result description is "Authentication failed, try again later"

  # The stop call's own authentication failure lives here, not in stop_call.feature: a
  # deliberate failure that runs on any target must sort after every other scenario, or a
  # platform's lockout (§2.6) would fail the scenarios after it.
  @call.stop @auth-negative @rule:business:auth @code:1010010
  Scenario: A stop call signed with the wrong secret is refused as any interface
    Given the next request is signed with the secret "not-the-secret"
    When I stop the call "s-1"
    Then the result code is "1010010"
    And the HTTP status is 401
