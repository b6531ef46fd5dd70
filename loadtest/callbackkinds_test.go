package loadtest

import (
	"testing"

	"github.com/pns-harness/pns-harness/pns"
)

// TestEveryPNSTypeHasCallbackThresholds: each notification type of pns.Notifications (the
// report's rows) may be named by a callback threshold, and a type it does not list may not.
func TestEveryPNSTypeHasCallbackThresholds(t *testing.T) {
	for _, typ := range pns.NotificationTypes() {
		th, err := ParseCallbackThreshold("callback." + typ + ".p99<2s")
		if err != nil || th.Event != typ || !th.Delay {
			t.Errorf("%s: %+v %v", typ, th, err)
		}
	}
	if _, err := ParseCallbackThreshold("callback.ringing.p99<2s"); err == nil {
		t.Error("callback.ringing.p99 was accepted")
	}
}
