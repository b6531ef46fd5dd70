Feature: AX and AXE bind without an explicit X or areaCode (reference §4.2, §5.2, §13.5, D51)
  The AX and AXE pages say how an explicit X (privateNum, virtualNum) or an areaCode selects the
  X, and nothing about a bind that sends neither. The emulator then selects by A's area, as the
  AXB page documents for AXB (D51): the bind succeeds with one of the app's X numbers. Another
  platform may refuse such a bind, so these scenarios assert the emulator's decision only.

  @ax.bind @decision:D51
  Scenario: Without privateNum and areaCode the AX bind chooses one of the app's X numbers
    Given the AX app
    When I bind AX with:
      """
      {"origNum":"<A1>"}
      """
    Then the result code is "0"
    And the response field "privateNum" is one of the app's X numbers

  @axe.bind @decision:D51
  Scenario: Without virtualNum and areaCode the AXE bind chooses one of the app's X numbers
    Given the AXE app
    When I bind AXE with:
      """
      {"bindNum":"<A1>"}
      """
    Then the result code is "0"
    And the response field "virtualNum" is one of the app's X numbers
