package conformance

import (
	"github.com/pns-harness/pns-harness/emulator"
	"github.com/pns-harness/pns-harness/pns"
)

// The apps and rules of the issue-22 notification-meaning scenarios
// (notification_meaning.feature), added here rather than in the shared tables so that the
// gap work stays in its own files. Their X numbers start at +8617008100000, away from the
// ranges of emulator.go, which grow one hundred thousand at a time from +8617004100000.

// CallinAppKey is the app to which the runner's own receivers give a separate callin URL, so
// that the routing of callin events (§7.1, D77) can be observed.
const CallinAppKey = "conf-axb-callin"

func init() {
	specialApps = append(specialApps,
		// SMS text only when the app says so (§10.1, D74): this app's notifications carry none.
		specialApp{"AXB-nosmstext", emulator.AppConfig{AppKey: "conf-axb-nosmstext", AppSecret: "conf-axb-nosmstext-secret",
			Mode: pns.ModeAXB, SMSIncludeContent: bp(false)}, "+8617008100000", 20},
		// A separate callin URL (§7.1, D77): the runner's own receivers give this app one
		// (ownPushes.configure); elsewhere it has none and its callin scenario is skipped.
		specialApp{"AXB-callin", emulator.AppConfig{AppKey: CallinAppKey, AppSecret: "conf-axb-callin-secret",
			Mode: pns.ModeAXB}, "+8617008200000", 20},
		// Customers answering particularly (gapwire.go): 204 to first deliveries, and never 200.
		specialApp{"AXB-204", emulator.AppConfig{AppKey: Answer204AppKey, AppSecret: "conf-axb-204-secret", Mode: pns.ModeAXB}, "+8617008300000", 20},
		specialApp{"AXB-down", emulator.AppConfig{AppKey: DownAppKey, AppSecret: "conf-axb-down-secret", Mode: pns.ModeAXB}, "+8617008400000", 20},
	)
	Rules[IfaceCallbacks] = append(Rules[IfaceCallbacks], "delivery:callin-url", "delivery:sms-content",
		"delivery:success-200", "delivery:repush-count", "delivery:created-utc")
}
