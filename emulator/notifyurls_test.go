package emulator

import (
	"reflect"
	"strings"
	"testing"

	"github.com/pns-harness/pns-harness/pns"
)

// TestEveryPNSKindHasAnAppURL: the notification URL key of each kind of pns.Notifications is
// a key of an app in the emulator's configuration, so that a kind of the table can be pushed.
func TestEveryPNSKindHasAnAppURL(t *testing.T) {
	keys := map[string]bool{}
	ty := reflect.TypeOf(AppConfig{})
	for i := 0; i < ty.NumField(); i++ {
		name, _, _ := strings.Cut(ty.Field(i).Tag.Get("yaml"), ",")
		keys[name] = true
	}
	for _, n := range pns.Notifications {
		if !keys[n.URLKey] {
			t.Errorf("%s: URL key %q is not a key of an emulator app", n.Kind, n.URLKey)
		}
	}
}
