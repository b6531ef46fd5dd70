package reports

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func TestIsSecretKey(t *testing.T) {
	tests := []struct {
		key  string
		want bool
	}{
		{"appSecret", true}, {"APP_SECRET", true}, {"app-secret", true}, {"secretKey", true},
		{"password", true}, {"proxy.pass", false}, {"db.Passwd", true}, {"pwd", true},
		{"token", true}, {"X-Api-Token", true}, {"accessToken", true}, {"credentials", true},
		{"privateKey", true}, {"private_key_file", true}, {"api_key", true}, {"APIKey", true},
		{"Authorization", true}, {"cookie", true},
		{"appKey", false}, {"baseURL", false}, {"profile", false}, {"seed", false}, {"signing", false},
		{"privateNum", true}, // deliberately over-eager: a false positive only hides a value
	}
	for _, tt := range tests {
		if got := IsSecretKey(tt.key); got != tt.want {
			t.Errorf("IsSecretKey(%q) = %v, want %v", tt.key, got, tt.want)
		}
	}
}

func TestRedactURL(t *testing.T) {
	tests := []struct{ in, want string }{
		{"", ""},
		{"http://127.0.0.1:18443", "http://127.0.0.1:18443"},
		{"https://rtcpns.cn-north-1.myhuaweicloud.com:443/rest", "https://rtcpns.cn-north-1.myhuaweicloud.com:443/rest"},
		{"https://user:pw@host/x", "https://user:redacted@host/x"},
		{"https://user@host/x", "https://user@host/x"},
		{"http://h/?token=abc&mode=1", "http://h/?mode=1&token=redacted"},
		{"http://h/?mode=1", "http://h/?mode=1"},
		{"http://[::1]:%zz/", Redacted + " (unparseable URL)"},
	}
	for _, tt := range tests {
		if got := RedactURL(tt.in); got != tt.want {
			t.Errorf("RedactURL(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestRedactFlattensProfile(t *testing.T) {
	got := map[string]string{}
	for _, s := range Redact(newFixtureProfile()) {
		got[s.Key] = s.Value
	}
	want := map[string]string{
		"name":                "emulator-smoke",
		"baseURL":             "https://user:redacted@127.0.0.1:18443/?access_token=redacted",
		"appKey":              "app-0001",
		"appSecretValue":      Redacted,
		"signing":             "X-AKSK",
		"timeout":             "5s",
		"proxy.user":          "proxy",
		"proxy.pass":          Redacted,
		"headers.X-Api-Token": Redacted,
		"headers.X-Trace":     "on",
		"scenarios":           "axb-steady,ax-step",
	}
	if len(got) != len(want) {
		t.Errorf("got %d settings, want %d: %v", len(got), len(want), got)
	}
	for k, v := range want {
		if got[k] != v {
			t.Errorf("setting %s = %q, want %q", k, got[k], v)
		}
	}

	type tagged struct {
		Label string `secret:"true"`
		Skip  string `report:"-"`
		Empty string `yaml:"clientSecret"`
		When  time.Time
		Ptr   *struct{ Token string }
	}
	got = map[string]string{}
	for _, s := range Redact(&tagged{Label: "x", Skip: "y", When: NormalTime, Ptr: &struct{ Token string }{"t"}}) {
		got[s.Key] = s.Value
	}
	if got["Label"] != Redacted || got["clientSecret"] != "" || got["When"] != "2000-01-01T00:00:00Z" || got["Ptr.Token"] != Redacted {
		t.Errorf("tagged struct: %v", got)
	}
	if _, ok := got["Skip"]; ok {
		t.Errorf("report:\"-\" field present: %v", got)
	}
}

// TestSecretsDoNotLeak writes every report format for a summary whose profile carries secret
// values (an explicitly tagged field, a field named like a password, a token in a map and in
// the target URL, and a setting injected without Redact) and checks none of them appears.
func TestSecretsDoNotLeak(t *testing.T) {
	s := fixtureSummary(t)
	s.Manifest.Settings = append(s.Manifest.Settings,
		Setting{Key: "emulator.app_secret", Value: fixtureAppSecret},
		Setting{Key: "callbackURL", Value: "http://127.0.0.1:9000/cb?sig_token=" + fixtureToken})
	// A response echoing the secret, which only ScrubSecrets can catch.
	s.Conformance.Scenarios[1].Response += "\nX-Debug-Secret: " + fixtureAppSecret
	s.Errors = []string{"login failed for password " + fixturePassword}

	read := func(dir string) string {
		var all strings.Builder
		for _, f := range []string{HTMLFile, JUnitFile, JSONFile} {
			b, err := os.ReadFile(filepath.Join(dir, f))
			if err != nil {
				t.Fatal(err)
			}
			all.Write(b)
		}
		return all.String()
	}

	// Without scrubbing, the echoed values leak: proves the check below can fail.
	dir := t.TempDir()
	if _, err := WriteAll(dir, s); err != nil {
		t.Fatal(err)
	}
	if out := read(dir); !strings.Contains(out, fixtureAppSecret) {
		t.Fatal("echoed secret absent before ScrubSecrets; the test cannot detect leaks")
	}

	ScrubSecrets(s, fixtureAppSecret, fixturePassword, fixtureToken, "ab")
	dir = t.TempDir()
	if _, err := WriteAll(dir, s); err != nil {
		t.Fatal(err)
	}
	out := read(dir)
	for _, secret := range []string{fixtureAppSecret, fixturePassword, fixtureToken} {
		if strings.Contains(out, secret) {
			t.Errorf("secret %q leaked into a report", secret)
		}
	}
	if !strings.Contains(out, Redacted) {
		t.Error("no redaction marker in reports")
	}
	if !strings.Contains(out, "app-0001") {
		t.Error("non-secret appKey was removed")
	}
}

// TestWritersRedactWithoutRedact checks the writers' own guard: a secret setting put into the
// manifest directly (no Redact, no ScrubSecrets) never reaches any format.
func TestWritersRedactWithoutRedact(t *testing.T) {
	s := &Summary{Manifest: Manifest{
		TargetURL: "https://u:" + fixturePassword + "@127.0.0.1/",
		Settings:  []Setting{{Key: "appSecret", Value: fixtureAppSecret}, {Key: "api.token", Value: fixtureToken}},
	}}
	dir := t.TempDir()
	if _, err := WriteAll(dir, s); err != nil {
		t.Fatal(err)
	}
	for _, f := range []string{HTMLFile, JUnitFile, JSONFile} {
		b, err := os.ReadFile(filepath.Join(dir, f))
		if err != nil {
			t.Fatal(err)
		}
		for _, secret := range []string{fixtureAppSecret, fixturePassword, fixtureToken} {
			if strings.Contains(string(b), secret) {
				t.Errorf("%s contains %q", f, secret)
			}
		}
	}
	if s.Manifest.Settings[0].Value != fixtureAppSecret {
		t.Error("writers modified the caller's summary")
	}
}
