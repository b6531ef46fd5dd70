@callbacks @emulator
Feature: SMS control address: the Block reply steers the message (reference §10.1, §10.3)
  A text that needs the customer's decision (in AX mode A's text without a valid @number
  suffix, in X mode every text) is first POSTed in Block mode to the app's SMS control URL.
  The reply's first action decides: vNumberRoute forwards the text from X to message.called
  and a Notify follows, carrying the reply's userData; DiscardMessage drops it; an invalid
  reply drops it too (D89), and neither is followed by a Notify. The runner's own receiver
  answers what the scenario sets; against another push source the scenarios skip.

  @rule:sms:block-route @decision:D89
  @contract:10.3/The-reply-to-a-Block @contract:10.3/actions @contract:10.3/actions-.message @contract:10.3/actions-.message.called @contract:10.3/actions-.message.calling @contract:10.3/actions-.userData @contract:10.1/AX-B-X
  Scenario: AX: vNumberRoute forwards A's text to message.called and a Notify follows
    Given the AX app
    And an AX binding of "<A1>" on "<X1>"
    And the customer's server answers the Block SMS to "<X1>" with:
      """
      {"actions":[{"operation":"vNumberRoute","message":{"called":"<D1>","calling":"<A1>"},"userData":"sms-7"}]}
      """
    When "<A1>" sends the SMS "no suffix here" to "<X1>"
    Then the response field "block.body.smsEvent.notificationMode" is "Block"
    And the response field "block.body.smsEvent.calling" is "<A1>"
    And the response field "block.body.smsEvent.called" is absent
    And the response field "blockOperation" is "vNumberRoute"
    And the response field "forwarded" is true
    And the response field "forwardTo" is "<D1>"
    And the response field "forwardText" is "no suffix here"
    And the response field "notify.body.smsEvent.notificationMode" is "Notify"
    And the response field "notify.body.smsEvent.called" is "<D1>"
    And the response field "notify.body.smsEvent.userData" is "sms-7"
    And the response field "notify.body.smsEvent.sendResult" is 0

  @rule:sms:block-discard @contract:10.3/actions
  Scenario: AX: DiscardMessage drops the text without a Notify
    Given the AX app
    And an AX binding of "<A1>" on "<X1>"
    And the customer's server answers the Block SMS to "<X1>" with:
      """
      {"actions":[{"operation":"DiscardMessage"}]}
      """
    When "<A1>" sends the SMS "no suffix here" to "<X1>"
    Then the response field "blockOperation" is "DiscardMessage"
    And the response field "forwarded" is false
    And the response field "notify" is absent

  # Each row breaks a rule of the reply (§10.3 [V]): message with vNumberRoute, calling equal to
  # the request's, called in global format, operation vNumberRoute or DiscardMessage, an action.
  @rule:sms:block-invalid @decision:D89 @direction:broken
  @contract:10.3/The-reply-to-a-Block @contract:10.3/actions @contract:10.3/actions-.operation @contract:10.3/actions-.message @contract:10.3/actions-.message.called @contract:10.3/actions-.message.calling
  Scenario Outline: AX: an invalid Block reply drops the text without a Notify (<case>)
    Given the AX app
    And an AX binding of "<A1>" on "<X1>"
    And the customer's server answers the Block SMS to "<X1>" with:
      """
      <reply>
      """
    When "<A1>" sends the SMS "no suffix here" to "<X1>"
    Then the response field "forwarded" is false
    And the response field "notify" is absent
    And the response field "blockError" is present

    Examples:
      | case                               | reply                                                                                   |
      | vNumberRoute without message       | {"actions":[{"operation":"vNumberRoute"}]}                                              |
      | message.calling is not the sender  | {"actions":[{"operation":"vNumberRoute","message":{"called":"<D1>","calling":"<C1>"}}]} |
      | message.called not in global form  | {"actions":[{"operation":"vNumberRoute","message":{"called":"13800000000","calling":"<A1>"}}]} |
      | an unknown operation               | {"actions":[{"operation":"Forward"}]}                                                   |
      | no actions                         | {"actions":[]}                                                                          |

  @rule:sms:x-block @contract:10.1/X-mode-every-A
  Scenario: X: every text asks the SMS control URL first and is forwarded on vNumberRoute
    Given the X app
    And the customer's server answers the Block SMS to "<X1>" with:
      """
      {"actions":[{"operation":"vNumberRoute","message":{"called":"<B1>","calling":"<A1>"}}]}
      """
    When "<A1>" sends the SMS "hello" to "<X1>"
    Then the response field "block.body.smsEvent.notificationMode" is "Block"
    And the response field "block.body.smsEvent.subscriptionId" is absent
    And the response field "forwarded" is true
    And the response field "forwardTo" is "<B1>"
    And the response field "notify.body.smsEvent.called" is "<B1>"

  @rule:sms:x-block
  Scenario: X: DiscardMessage drops the text
    Given the X app
    And the customer's server answers the Block SMS to "<X1>" with:
      """
      {"actions":[{"operation":"DiscardMessage"}]}
      """
    When "<A1>" sends the SMS "hello" to "<X1>"
    Then the response field "forwarded" is false
    And the response field "notify" is absent

  # AX routing (§10.1 [V]): B's text to X goes to A, from X, with "[From<number of B>]" in front;
  # A's text ending "@<number of B>" goes to that number with the suffix removed. Neither needs
  # the customer's decision, so no Block request is sent, and a Notify follows each.
  @contract:10.1/AX-B-X @contract:10.1/Notify-mode-pushed-to-the
  Scenario: AX: B's text reaches A with its sender in front, A's text with an @number reaches that number
    Given the AX app
    And an AX binding of "<A1>" on "<X1>"
    When "<B1>" sends the SMS "hello" to "<X1>"
    Then the response field "forwarded" is true
    And the response field "forwardTo" is "<A1>"
    And the response field "forwardText" is not "hello"
    And the response field "block" is absent
    And the response field "notify.body.smsEvent.notificationMode" is "Notify"
    And the response field "notify.body.smsEvent.calling" is "<B1>"
    And the response field "notify.body.smsEvent.called" is "<A1>"
    When "<A1>" sends the SMS "see you at 8@<D1>" to "<X1>"
    Then the response field "forwarded" is true
    And the response field "forwardTo" is "<D1>"
    And the response field "forwardText" is "see you at 8"
    And the response field "block" is absent
    And the response field "notify.body.smsEvent.called" is "<D1>"
