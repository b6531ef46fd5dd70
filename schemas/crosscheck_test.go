package schemas_test

import (
	"strings"
	"testing"

	"github.com/pns-harness/pns-harness/pns"
	"github.com/pns-harness/pns-harness/schemas"
)

// TestFormatsAgreeWithPNS cross-checks the schema formats against the pns package's number
// and time rules (the emulator validates with pns, the suite with these schemas), on every
// string built from a small alphabet of prefixes and lengths. Only the test imports pns; the
// schemas package itself stays independent of it.
func TestFormatsAgreeWithPNS(t *testing.T) {
	prefixes := []string{"", "+", "+1", "+49", "+86", "+861", "+8610", "+8613", "+8620", "+86400", "+8695", "+86955", "+860", "86", "+86 1"}
	var inputs []string
	for _, p := range prefixes {
		for n := 0; n <= 16; n++ {
			inputs = append(inputs, p+strings.Repeat("5", n), p+strings.Repeat("0", n))
		}
	}
	for _, s := range inputs {
		checks := []struct {
			name     string
			got, pns bool
		}{
			{"global", schemas.IsGlobalNumber(s), pns.IsGlobalNumber(s)},
			{"x", schemas.IsXNumber(s), pns.ValidXNumber(s)},
			{"ab", schemas.IsABNumber(s), pns.ValidRealNumber(s)},
			{"callee", schemas.IsCalleeNumber(s), pns.ValidCalleeNumber(s)},
		}
		for _, c := range checks {
			if c.got != c.pns {
				t.Errorf("%s(%q): schemas %v, pns %v", c.name, s, c.got, c.pns)
			}
		}
	}
	times := []string{
		"2019-01-24 07:03:28", "2018-2-24 15:15:15", "2018-2-4 5:5:5", "2024-02-29 23:59:59",
		"2023-02-29 00:00:00", "2019-13-01 00:00:00", "2019-01-24 24:00:00", "2019-01-24 23:59:60",
		"2019-01-24T07:03:28Z", "2019-01-24 07:03:28Z", "19-01-24 07:03:28", "2019-01-24 007:03:28",
		"2019-01-24 07:03", "", "0000-01-01 00:00:00", "2019-1-1 0:0:0",
	}
	for _, s := range times {
		_, err := pns.ParseUTC(s)
		if got := schemas.IsUTCTime(s); got != (err == nil) {
			t.Errorf("IsUTCTime(%q) = %v, pns.ParseUTC err = %v", s, got, err)
		}
		_, err = pns.ParseCreated(s)
		if got := schemas.IsCreated(s); got != (err == nil) {
			t.Errorf("IsCreated(%q) = %v, pns.ParseCreated err = %v", s, got, err)
		}
	}
}

// TestEveryPNSInterfaceHasSchemas: each provisioning interface the pns package knows has a
// request and a response schema under the same ID.
func TestEveryPNSInterfaceHasSchemas(t *testing.T) {
	v, err := schemas.New()
	if err != nil {
		t.Fatal(err)
	}
	for _, iface := range pns.Interfaces {
		for _, d := range []schemas.Direction{schemas.Request, schemas.Response} {
			name, err := schemas.SchemaFor(iface.ID, d)
			if err != nil {
				t.Errorf("%s %s: %v", iface.ID, d, err)
				continue
			}
			if _, err := v.Validate(name, []byte(`{}`)); err != nil {
				t.Errorf("%s %s: schema %s: %v", iface.ID, d, name, err)
			}
		}
	}
}

// TestEveryPNSNotificationHasSchema: each notification kind of pns.Notifications has a
// request schema under its row's Interface, the ID ValidateCallback derives from the kind.
func TestEveryPNSNotificationHasSchema(t *testing.T) {
	v, err := schemas.New()
	if err != nil {
		t.Fatal(err)
	}
	for _, n := range pns.Notifications {
		if n.Interface != "callback."+n.Kind {
			t.Errorf("%s: Interface %q, want %q (ValidateCallback's name)", n.Kind, n.Interface, "callback."+n.Kind)
		}
		name, err := schemas.SchemaFor(n.Interface, schemas.Request)
		if err != nil {
			t.Errorf("%s: %v", n.Kind, err)
			continue
		}
		if _, err := v.Validate(name, []byte(`{}`)); err != nil {
			t.Errorf("%s: schema %s: %v", n.Kind, name, err)
		}
	}
}
