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

  # "客户收到通知后返回HTTP状态码为200的空消息即可" [V]; D67: success is exactly 200, so a 204 is a
  # failed delivery, pushed again after a minute (§7.6).
  @global-state @rule:delivery:success-200 @decision:D67
  Scenario: A push answered 204 has failed and is pushed again after a minute
    # The runner's receiver answers the first delivery of every push of this app with 204.
    Given the AXB-204 app
    And an AXB binding of "<A1>" and "<B1>" on "<X1>"
    When "<A1>" calls "<X1>"
    And the emulator clock advances by 600 seconds
    And the emulator clock advances by 2 seconds
    Then every push of the call is first answered with HTTP 204
    When the emulator clock advances by 60 seconds
    Then every push of the call is delivered again with the same body and a fresh signature

  # "平台最多重推6次,分别于1分钟、4分钟、9分钟、106分钟、203分钟和300分钟后重推" [V]: a push that never
  # succeeds is re-pushed 6 times within 300 minutes of its first attempt, 7 deliveries in all.
  @global-state @rule:delivery:repush-count
  Scenario: A push that never succeeds is delivered 7 times: the first attempt and 6 re-pushes
    # The runner's receiver answers every delivery of every push of this app with 503.
    Given the AXB-down app
    And an AXB binding of "<A1>" and "<B1>" on "<X1>"
    When "<A1>" calls "<X1>"
    And the emulator clock advances by 600 seconds
    And the emulator clock advances by 2 seconds
    Then every push of the call is first answered with HTTP 503
    When the emulator clock advances by 18000 seconds
    Then every push of the call is delivered 7 times in all, each answered HTTP 503

  # Pushes are signed "exactly as in §2" (§7.1 [V]), whose Created is standard UTC (§2.1 [V]).
  @global-state @rule:delivery:created-utc
  Scenario: Every push of a call is signed with the current time in UTC
    Given an AXB binding of "<A1>" and "<B1>" on "<X1>"
    When "<A1>" calls "<X1>"
    And the emulator clock advances by 600 seconds
    And the emulator clock advances by 2 seconds
    Then the call's events arrive at the call-status URL in the order "callin, callout, alerting, answer, disconnect"
    And the fee record of the call arrives at the fee URL
    And every push of the call is signed with a Created in UTC
