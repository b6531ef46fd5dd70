package main

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/pns-harness/pns-harness/pns"
)

// axybPropertiesProfile is nonEmulatorProfile with the emulator's AXYB app, so that the AXYB
// fields are checked as on a real platform.
const axybPropertiesProfile = nonEmulatorProfile + `  AXYB:
    appKey: demo-axyb
    appSecret: demo-axyb-secret
    xRanges: [{from: "+8617006100000", count: 50, cityCode: "010"}]
`

// clampAXYBDirection is a platform that clamps an AXYB bind's callDirection into 0-2 instead of
// refusing a value outside the list.
func clampAXYBDirection(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method == http.MethodPost && r.URL.Path == pns.PathAXYB {
			b, _ := io.ReadAll(r.Body)
			var m map[string]any
			if json.Unmarshal(b, &m) == nil {
				if d, ok := m["callDirection"].(float64); ok && d == float64(int(d)) {
					m["callDirection"] = min(max(int(d), 0), 2)
					b, _ = json.Marshal(m)
				}
			}
			r.Body, r.ContentLength = io.NopCloser(bytes.NewReader(b)), int64(len(b))
		}
		h.ServeHTTP(w, r)
	})
}

// stripAXYBDashes is a platform that removes dashes from the A of an AXYB bind instead of
// refusing it.
func stripAXYBDashes(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method == http.MethodPost && r.URL.Path == pns.PathAXYB {
			b, _ := io.ReadAll(r.Body)
			var m map[string]any
			if json.Unmarshal(b, &m) == nil {
				if s, ok := m["origNum"].(string); ok && strings.HasPrefix(s, "+") {
					m["origNum"] = strings.ReplaceAll(s, "-", "")
					b, _ = json.Marshal(m)
				}
			}
			r.Body, r.ContentLength = io.NopCloser(bytes.NewReader(b)), int64(len(b))
		}
		h.ServeHTTP(w, r)
	})
}

// TestPropertiesAXYB runs the property checks of the AXYB fields from the binary: the number
// and enumerated fields of the AXYB bind, unbind and query are checked on the embedded
// emulator; a platform that clamps callDirection or strips dashes from A fails exactly that
// AXYB field with the shrunk value; and `harness emulate --platform-only` described as a real
// platform passes with no relation left.
func TestPropertiesAXYB(t *testing.T) {
	prof := filepath.Join(t.TempDir(), "platform.yaml")
	if err := os.WriteFile(prof, []byte(axybPropertiesProfile), 0o600); err != nil {
		t.Fatal(err)
	}
	fields := []string{"axyb.bind   origNum", "axyb.unbind bNum", "axyb.unbind yNum", "axyb.query  relationNum",
		"axyb.bind   areaMatchMode", "axyb.bind   callDirection", "axyb.bind   recordFlag"}
	t.Run("embedded emulator: every AXYB field is checked and holds", func(t *testing.T) {
		code, stdout, stderr := runHarness(t, nil, "properties", "--checks", "20")
		if code != exitOK {
			t.Fatalf("exit %d\n%s%s", code, stdout, stderr)
		}
		for _, f := range fields {
			if !regexp.MustCompile(`(?m)^ok +` + regexp.QuoteMeta(f) + ` +[1-9][0-9]* requests`).MatchString(stdout) {
				t.Errorf("no passed check of %q with requests in\n%s", f, stdout)
			}
		}
	})
	t.Run("a platform clamping the AXYB callDirection fails that field", func(t *testing.T) {
		url := propertyPlatform(t, clampAXYBDirection)
		code, stdout, stderr := runHarness(t, nil, "properties", "--target", url, "--profile", prof, "--checks", "100", "--rate", "0")
		m := regexp.MustCompile(`FAIL axyb.bind +callDirection .*\n +smallest failing value (\S+): want refused`).FindStringSubmatch(stdout)
		if code != exitFailed || m == nil {
			t.Fatalf("exit %d, want 1 with a smallest failing callDirection on axyb.bind\n%s%s", code, stdout, stderr)
		}
		if strings.Count(stdout, "FAIL") != 1 {
			t.Errorf("want only axyb.bind callDirection failed:\n%s", stdout)
		}
		if n, err := strconv.Atoi(m[1]); err != nil || (n >= 0 && n <= 2) {
			t.Errorf("smallest failing value %q: want an integer outside 0-2", m[1])
		}
	})
	t.Run("a platform stripping dashes from the AXYB A fails origNum", func(t *testing.T) {
		url := propertyPlatform(t, stripAXYBDashes)
		code, stdout, stderr := runHarness(t, nil, "properties", "--target", url, "--profile", prof, "--checks", "100", "--rate", "0")
		m := regexp.MustCompile(`FAIL axyb.bind +origNum .*\n +smallest failing value "([^"]*)": want refused`).FindStringSubmatch(stdout)
		if code != exitFailed || m == nil {
			t.Fatalf("exit %d, want 1 with a smallest failing origNum on axyb.bind\n%s%s", code, stdout, stderr)
		}
		if v := m[1]; strings.Count(v, "-") != 1 || !pns.ValidRealNumber(strings.ReplaceAll(v, "-", "")) {
			t.Errorf("smallest failing value %q: want a valid A/B number with one dash", v)
		}
	})
	t.Run("emulate --platform-only as a real platform passes and keeps nothing", func(t *testing.T) {
		p := startPlatform(t)
		code, stdout, stderr := runHarness(t, axybEnv, "properties", "--target", p.URL, "--profile", platformProfile(t, axybProfileApp),
			"--ca-file", p.CertFile, "--checks", "20", "--rate", "0")
		if code != exitOK || !strings.Contains(stdout, "63 fields, 0 failed") {
			t.Fatalf("exit %d, want 0 with 63 fields and none failed\n%s%s", code, stdout, stderr)
		}
		if !strings.Contains(stdout, "beside the X number or subscriptionId it looks up is D16") {
			t.Errorf("the AXYB unbind's narrowing numbers are not reported as not checked:\n%s", stdout)
		}
		if n := p.bindings(t); n != 0 {
			t.Errorf("the platform holds %d bindings after the run", n)
		}
	})
}
