package conformance

import (
	"testing"
	"time"

	"github.com/pns-harness/pns-harness/pns"
)

// TestWithLifetime: a lifetime field is added as text to a bind body that has none, in the
// contract's unit per mode (AXB seconds, AXE minutes rounded up), capped at 90 days; a body
// with a lifetime field of its own, one that is not a JSON object, and AX binds go out as
// written.
func TestWithLifetime(t *testing.T) {
	for _, tt := range []struct {
		name     string
		mode     pns.Mode
		body     string
		lifetime time.Duration
		want     string
	}{
		{"axb", pns.ModeAXB, `{"callerNum":"+1","relationNum":"+2"}`, 90*time.Second + time.Millisecond, `{"duration":91,"callerNum":"+1","relationNum":"+2"}`},
		{"axb empty object", pns.ModeAXB, ` { } `, time.Minute, `{"duration":60}`},
		{"axb keeps its own", pns.ModeAXB, `{"duration":0}`, time.Minute, `{"duration":0}`},
		{"axb keeps null", pns.ModeAXB, `{"duration":null}`, time.Minute, `{"duration":null}`},
		{"axb duplicate keys untouched", pns.ModeAXB, `{"a":1,"a":2}`, time.Minute, `{"duration":60,"a":1,"a":2}`},
		{"axb capped", pns.ModeAXB, `{}`, 100 * 24 * time.Hour, `{"duration":7776000}`},
		{"axe minutes", pns.ModeAXE, `{"bindNum":"+1"}`, 61 * time.Second, `{"timeUnit":"1","bindExpiredTime":2,"bindNum":"+1"}`},
		{"axe keeps timeUnit", pns.ModeAXE, `{"timeUnit":"2"}`, time.Minute, `{"timeUnit":"2"}`},
		{"axe keeps bindExpiredTime", pns.ModeAXE, `{"bindExpiredTime":24}`, time.Minute, `{"bindExpiredTime":24}`},
		{"axe callbackExpiredTime's unit untouched", pns.ModeAXE, `{"callbackExpiredTime":2161}`, time.Minute, `{"callbackExpiredTime":2161}`},
		{"ax has none", pns.ModeAX, `{"origNum":"+1"}`, time.Minute, `{"origNum":"+1"}`},
		{"not an object", pns.ModeAXB, `[1]`, time.Minute, `[1]`},
		{"not JSON", pns.ModeAXB, `{"callerNum":`, time.Minute, `{"callerNum":`},
		{"no lifetime", pns.ModeAXB, `{}`, 0, `{}`},
	} {
		if got := string(withLifetime(tt.mode, []byte(tt.body), tt.lifetime)); got != tt.want {
			t.Errorf("%s: got %s, want %s", tt.name, got, tt.want)
		}
	}
}

// TestLifetimeExempt: scenarios whose rule is about a lifetime field or about the defaults of
// absent fields bind as written; others get the lifetime.
func TestLifetimeExempt(t *testing.T) {
	for tags, want := range map[string]bool{
		"@rule:range:duration":          true,
		"@rule:type:duration":           true,
		"@rule:range:bindExpiredTime":   true,
		"@rule:enum:timeUnit":           true,
		"@rule:default:callDirection":   true,
		"@rule:business:null-is-absent": false,
		"@rule:range:maxDuration":       false,
		"@axb.bind":                     false,
	} {
		if got := lifetimeExempt(map[string]bool{tags: true, "@axb.bind": true}); got != want {
			t.Errorf("%s: exempt %v, want %v", tags, got, want)
		}
	}
}

// TestSuiteLifetime: the default lifetime is the selected scenarios' allowance plus the sweep
// and the margin, plus the emulator clock advances on the emulator only.
func TestSuiteLifetime(t *testing.T) {
	sel := []Pickle{
		{Steps: []string{"the emulator clock advances by 600 seconds", "the emulator clock advances by 2 seconds"}},
		{Steps: []string{"I query AXB with \"subscriptionId=<SUB1>\""}},
	}
	base := 2*ScenarioAllowance + time.Minute + BindingMargin
	if got := SuiteLifetime(sel, false); got != base {
		t.Errorf("platform: %s, want %s", got, base)
	}
	if got := SuiteLifetime(sel, true); got != base+602*time.Second {
		t.Errorf("emulator: %s, want %s", got, base+602*time.Second)
	}
}

// TestWithLifetimeAXYB: an AXYB AX bind gets a duration of at least 60 s; a YB bind and a body
// that sets duration or ybDuration go as written.
func TestWithLifetimeAXYB(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{`{"origNum":"+8613800000001"}`, `{"duration":660,"origNum":"+8613800000001"}`},
		{`{"subscriptionId":"s","origNum":"+8613800000001"}`, `{"subscriptionId":"s","origNum":"+8613800000001"}`},
		{`{"origNum":"+8613800000001","ybDuration":3600}`, `{"origNum":"+8613800000001","ybDuration":3600}`},
		{`{"origNum":"+8613800000001","duration":"0"}`, `{"origNum":"+8613800000001","duration":"0"}`},
	} {
		if got := string(withLifetime(pns.ModeAXYB, []byte(tc.in), 11*time.Minute)); got != tc.want {
			t.Errorf("%s: got %s, want %s", tc.in, got, tc.want)
		}
	}
	if got := string(withLifetime(pns.ModeAXYB, []byte(`{"origNum":"+8613800000001"}`), 5*time.Second)); got != `{"duration":60,"origNum":"+8613800000001"}` {
		t.Errorf("5s lifetime: got %s, want the 60 s minimum", got)
	}
}
