package profile

import (
	"testing"

	"github.com/pns-harness/pns-harness/pns"
)

// TestEveryPNSKindIsAProfileKind: a profile may declare each kind of pns.Notifications under
// capabilities.notifications, and a platform declaring only that kind pushes it and no other.
func TestEveryPNSKindIsAProfileKind(t *testing.T) {
	for _, n := range pns.Notifications {
		p, err := Parse([]byte("capabilities: {notifications: [" + n.Kind + "]}\n"))
		if err != nil {
			t.Errorf("%s: %v", n.Kind, err)
			continue
		}
		for _, other := range pns.Notifications {
			if got := p.Capabilities.Pushes(other.Kind); got != (other.Kind == n.Kind) {
				t.Errorf("notifications [%s]: Pushes(%s) = %v", n.Kind, other.Kind, got)
			}
		}
	}
	if _, err := Parse([]byte("capabilities: {notifications: [ringing]}\n")); err == nil {
		t.Error("an unknown kind was accepted")
	}
}
