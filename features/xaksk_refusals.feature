@authentication @inside
Feature: Authentication refusals on every target — the documented half of the X-AKSK encoding rules (reference §2.1)
  xaksk_encoding.feature asserts the emulator's exact codes for a malformed Created and an
  over-long nonce (D3, D7), which no other platform is held to. The formats themselves are
  documented [V]: Created is exactly yyyy-MM-ddTHH:mm:ssZ and a nonce has 1 to 128 characters.
  These scenarios check on every target that a request breaking them is refused. The request
  queries a binding that exists, so a platform that accepts the token answers "0" and fails;
  an unknown subscriptionId would be refused whatever the token. The file sorts after every
  non-authentication feature (TestAuthFailuresRunLate).

  Background:
    Given the AXB app
    And an AXB binding of "<A1>" and "<B1>" on "<X1>"

  @auth-negative @rule:business:malformed-created @refused
  Scenario Outline: A current Created written as <form> is refused (on any platform)
    Given the next request's Created is the current UTC time written as "<layout>"
    When I query AXB with "subscriptionId=<SUB1>"
    Then the request is refused

    Examples:
      | form                     | layout                    |
      | milliseconds             | 2006-01-02T15:04:05.000Z  |
      | no Z                     | 2006-01-02T15:04:05       |
      | a numeric zone           | 2006-01-02T15:04:05+00:00 |
      | a space instead of the T | 2006-01-02 15:04:05Z      |

  @auth-negative @rule:business:nonce-length @refused
  Scenario: A nonce of 129 characters is refused (on any platform)
    Given the next request's Nonce is "<str:129>"
    When I query AXB with "subscriptionId=<SUB1>"
    Then the request is refused
