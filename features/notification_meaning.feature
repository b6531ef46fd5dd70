@inside @callbacks @emulator
Feature: Notification meaning, continued — where callin events go and when an SMS carries its text (reference §7.1, §10.1)
  notifications.feature checks what a fee record says about its call. These scenarios check two
  app settings that change what arrives: a separate callin URL and the "carry SMS content"
  option. Calls and SMS are simulated (emulator control, @emulator); the URL a push arrived at
  is known only to the runner's own receivers.

  # "如果需要单独接收呼入事件(callin),需联系客服" [V]: an app may have a separate URL for callin
  # events alone. The emulator's per-app callinUrl is D77; every other event still goes to the
  # call-status URL.
  @global-state @rule:delivery:callin-url @decision:D77
  Scenario: An app with a callin URL gets callin there and every other event at its call-status URL
    Given the AXB-callin app
    And an AXB binding of "<A1>" and "<B1>" on "<X1>"
    When "<A1>" calls "<X1>"
    And the emulator clock advances by 600 seconds
    Then the call's "callin" event arrives at the callin URL
    And the call's "callout" event arrives at the call-status URL
    And the call's "answer" event arrives at the call-status URL
    And the call's "disconnect" event arrives at the call-status URL

  # An app without a callin URL gets callin at its call-status URL, with the others.
  @global-state @rule:delivery:callin-url
  Scenario: An app without a callin URL gets callin at its call-status URL
    Given an AXB binding of "<A1>" and "<B1>" on "<X1>"
    When "<A1>" calls "<X1>"
    And the emulator clock advances by 600 seconds
    Then the call's "callin" event arrives at the call-status URL

  # "短信通知携带短信内容" must be enabled by Huawei support for the text to be included [V];
  # the emulator's smsIncludeContent (D74) is on by default and off for this app.
  @rule:delivery:sms-content
  Scenario: An app without "carry SMS content" gets SMS notifications without the text
    Given the AXB-nosmstext app
    And an AXB binding of "<A1>" and "<B1>" on "<X1>"
    When "<A1>" sends the SMS "hello" to "<X1>"
    Then the SMS notification arrives at the SMS notification URL
    And the response field "smsEvent.smsContent" is absent
    And the response field "smsEvent.calling" is "<A1>"
    And the response field "smsEvent.called" is "<B1>"

  @rule:delivery:sms-content
  Scenario: An app with "carry SMS content" gets the text in its SMS notifications
    Given an AXB binding of "<A1>" and "<B1>" on "<X1>"
    When "<A1>" sends the SMS "hello" to "<X1>"
    Then the SMS notification arrives at the SMS notification URL
    And the response field "smsEvent.smsContent" is "hello"
