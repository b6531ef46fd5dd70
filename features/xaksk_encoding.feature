@authentication @inside
Feature: Authentication from the inside — the exact encodings of X-AKSK (reference §2.1, §2.4, §2.6)
  authentication.feature checks that each documented defect is refused. These scenarios check
  what a platform gets subtly wrong while doing so: a digest compared without its case or its
  padding, a Created parsed leniently, a skew window that tolerates any offset instead of exactly
  China local time, the nonce's inclusive maximum, and attribute names matched without case.
  Exact answers that the docs leave open are the emulator's decisions (@decision:Dn); the
  refusal or acceptance itself is documented and checked on every target where it is tagged
  so.

  Background:
    Given the AXB app

  # Base64 is case-sensitive: a lower- or upper-cased digest is another digest (§2.1), so this
  # is a plain digest mismatch, 1010010 [V], on every target.
  @auth-negative @rule:business:bad-digest @code:1010010
  Scenario Outline: The correct digest <variant> is refused
    Given the next request's digest is the correct one <variant>
    When I query AXB with "subscriptionId=auth-probe"
    Then the result code is "1010010"
    And the HTTP status is 401

    Examples:
      | variant       |
      | in lower case |
      | in upper case |

  # The digest is standard Base64 with its "=" padding (§2.1) and values are taken verbatim
  # (§2.4, D9): a platform that decodes before comparing would accept it.
  @auth-negative @rule:business:digest-encoding @code:1010010 @decision:D9
  Scenario: The correct digest without its padding is refused
    Given the next request's digest is the correct one without its padding
    When I query AXB with "subscriptionId=auth-probe"
    Then the result code is "1010010"

  # Created is exactly yyyy-MM-ddTHH:mm:ssZ (§2.1, [V]); how another form is answered is D3.
  # The time is the present, so only the form is wrong and a lenient parser accepts it.
  @auth-negative @rule:business:malformed-created @code:1010013 @decision:D3
  Scenario Outline: A current Created written as <form> is refused
    Given the next request's Created is the current UTC time written as "<layout>"
    When I query AXB with "subscriptionId=auth-probe"
    Then the result code is "1010013"

    Examples:
      | form                       | layout                        |
      | milliseconds               | 2006-01-02T15:04:05.000Z      |
      | no Z                       | 2006-01-02T15:04:05           |
      | a numeric zone             | 2006-01-02T15:04:05+00:00     |
      | a space instead of the T   | 2006-01-02 15:04:05Z          |

  # China local time labelled Z is tolerated (D2), but exactly +8 h within the skew window,
  # not any offset up to 8 hours and not 8 hours behind.
  @auth-negative @rule:business:local-time-tolerance @code:1010013 @decision:D2
  Scenario Outline: A Created <offset> seconds from now is not the tolerated local time
    Given the next request's Created is <offset> seconds from now
    When I query AXB with "subscriptionId=auth-probe"
    Then the result code is "1010013"

    Examples:
      | offset |
      | 14400  |
      | 27000  |
      | 30600  |
      | -28800 |

  # The Nonce is 1-128 letters and digits [V]: both ends are accepted on every target.
  @rule:business:nonce-length
  Scenario Outline: A nonce of <n> characters is accepted
    Given an AXB binding of "<A1>" and "<B1>" on "<X1>"
    And the next request's Nonce is <n> random letters and digits
    When I query AXB with "subscriptionId=<SUB1>"
    Then the result code is "0"

    Examples:
      | n   |
      | 128 |
      | 1   |

  # Scheme token and attribute names (§2.4, D9): the scheme token is not case-sensitive for
  # the AKSK path; attribute names are matched exactly, so a differently cased name is missing.
  @rule:business:scheme-case @decision:D9
  Scenario: The scheme token in lower case selects X-AKSK
    Given an AXB binding of "<A1>" and "<B1>" on "<X1>"
    And the next request has header "Authorization" set to 'aksk realm="SDP",profile="UsernameToken",type="Appkey"'
    When I query AXB with "subscriptionId=<SUB1>"
    Then the result code is "0"

  @auth-negative @rule:business:attribute-case @code:1023007 @decision:D9
  Scenario: An Authorization attribute name in another case counts as missing
    Given the next request has header "Authorization" set to 'AKSK Realm="SDP",profile="UsernameToken",type="Appkey"'
    When I query AXB with "subscriptionId=auth-probe"
    Then the result code is "1023007"

  @auth-negative @rule:business:attribute-case @decision:D9
  Scenario Outline: An X-AKSK attribute name in another case counts as missing: <as>
    Given the next request's X-AKSK attribute "<name>" is written "<as>"
    When I query AXB with "subscriptionId=auth-probe"
    Then the result code is "<code>"

    @code:1023034
    Examples: Username
      | name     | as       | code    |
      | Username | username | 1023034 |

    @code:1023035
    Examples: Nonce
      | name  | as    | code    |
      | Nonce | NONCE | 1023035 |
