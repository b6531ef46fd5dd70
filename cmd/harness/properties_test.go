package main

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/pns-harness/pns-harness/conformance"
	"github.com/pns-harness/pns-harness/pns"
)

// propertyPlatform serves the conformance emulator on loopback with its number handling broken
// by wrap (nil: unbroken) and returns its URL.
func propertyPlatform(t *testing.T, wrap func(http.Handler) http.Handler) string {
	t.Helper()
	cfg, err := conformance.ConformanceConfig()
	if err != nil {
		t.Fatal(err)
	}
	url, stop, err := conformance.ServeEmulator(cfg, wrap)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(stop)
	return url
}

// stripDashes is a platform that removes dashes from number members of request bodies instead
// of refusing them.
func stripDashes(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method == http.MethodPost || r.Method == http.MethodPut {
			b, _ := io.ReadAll(r.Body)
			var m map[string]any
			if json.Unmarshal(b, &m) == nil {
				for k, v := range m {
					if s, ok := v.(string); ok && strings.HasPrefix(s, "+") {
						m[k] = strings.ReplaceAll(s, "-", "")
					}
				}
				b, _ = json.Marshal(m)
			}
			r.Body, r.ContentLength = io.NopCloser(bytes.NewReader(b)), int64(len(b))
		}
		h.ServeHTTP(w, r)
	})
}

// otherCode is a platform that refuses malformed numbers with 1010001 instead of the emulator's
// 1010002 naming the field (D16): a difference from a decision, not from the documentation.
func otherCode(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		rec := &codeRewriter{ResponseWriter: w}
		h.ServeHTTP(rec, r)
	})
}

type codeRewriter struct {
	http.ResponseWriter
	status int
}

func (c *codeRewriter) WriteHeader(s int) { c.status = s }

func (c *codeRewriter) Write(b []byte) (int, error) {
	var e pns.Envelope
	if json.Unmarshal(b, &e) == nil && e.ResultCode == string(pns.CodeInvalidRequest) && strings.HasSuffix(e.ResultDesc, "Num") {
		b = []byte(`{"resultcode":"1010001","resultdesc":"Invalid parameter."}`)
		c.ResponseWriter.Header().Set("Content-Length", "")
	}
	if c.status != 0 {
		c.ResponseWriter.WriteHeader(c.status)
		c.status = 0
	}
	return c.ResponseWriter.Write(b)
}

// nonEmulatorProfile is the emulator's demo apps described as a real platform's: the emulator's
// decisions are not part of the verdict.
const nonEmulatorProfile = `
numberBlocks: ["+86138001", "+86139001"]
apps:
  AXB:
    appKey: demo-axb
    appSecret: demo-axb-secret
    xRanges: [{from: "+8617001100000", count: 50, cityCode: "010"}]
  AX:
    appKey: demo-ax
    appSecret: demo-ax-secret
    xRanges: [{from: "+8617002100000", count: 50, cityCode: "010"}]
  AXE:
    appKey: demo-axe
    appSecret: demo-axe-secret
    extensionDigits: 4
    xRanges: [{from: "+8617003100000", count: 50, cityCode: "010"}]
`

var smallestRE = regexp.MustCompile(`smallest failing value "([^"]*)"`)

func TestPropertiesCommand(t *testing.T) {
	dir := t.TempDir()
	prof := filepath.Join(dir, "platform.yaml")
	if err := os.WriteFile(prof, []byte(nonEmulatorProfile), 0o600); err != nil {
		t.Fatal(err)
	}
	t.Run("embedded emulator: every field holds, report written", func(t *testing.T) {
		out := filepath.Join(dir, "out")
		code, stdout, stderr := runHarness(t, nil, "properties", "--checks", "5", "--out", out)
		if code != exitOK || !strings.Contains(stdout, "63 fields, 0 failed") {
			t.Fatalf("exit %d, want 0 with 63 fields checked\n%s%s", code, stdout, stderr)
		}
		var rep conformance.PropertyReport
		b, err := os.ReadFile(filepath.Join(out, "properties.json"))
		if err != nil || json.Unmarshal(b, &rep) != nil || len(rep.Results) != 63 || rep.Requests == 0 {
			t.Fatalf("properties.json: %v %s", err, b)
		}
	})
	t.Run("a platform stripping dashes fails with the shrunk request", func(t *testing.T) {
		url := propertyPlatform(t, stripDashes)
		code, stdout, stderr := runHarness(t, nil, "properties", "--target", url, "--profile", prof, "--checks", "100", "--rate", "0")
		m := smallestRE.FindStringSubmatch(stdout)
		if code != exitFailed || m == nil {
			t.Fatalf("exit %d, want 1 with a smallest failing value\n%s%s", code, stdout, stderr)
		}
		if v := m[1]; strings.Count(v, "-") != 1 || !pns.ValidRealNumber(strings.ReplaceAll(v, "-", "")) {
			t.Errorf("smallest failing value %q: want a valid A/B number with one dash", v)
		}
		if !strings.Contains(stdout, "answer HTTP 200, resultcode 0") || !strings.Contains(stdout, "want refused") {
			t.Errorf("the failure names neither the rule nor the answer:\n%s", stdout)
		}
		checkReproduceLine(t, stdout, prof, m[1], `"resultcode":"0"`)
	})
	t.Run("another refusal code differs from a decision and does not fail", func(t *testing.T) {
		url := propertyPlatform(t, otherCode)
		code, stdout, stderr := runHarness(t, nil, "properties", "--target", url, "--profile", prof, "--checks", "20", "--rate", "0")
		if code != exitOK || !strings.Contains(stdout, "differs from the emulator's decision D16") || strings.Contains(stdout, "FAIL") {
			t.Fatalf("exit %d, want 0 with differences from D16 listed\n%s%s", code, stdout, stderr)
		}
		// The same platform described as the emulator: the decision is part of the verdict.
		code, stdout, stderr = runHarness(t, nil, "properties", "--target", url, "--checks", "20", "--rate", "0")
		if code != exitFailed || !strings.Contains(stdout, "(the emulator's decision D16)") {
			t.Fatalf("exit %d against the emulator's profile, want 1 naming D16\n%s%s", code, stdout, stderr)
		}
	})
	t.Run("bad usage is one line and exit 2", func(t *testing.T) {
		for _, args := range [][]string{{"--checks", "0"}, {"--checks", "10001"}, {"--rate", "-1"}} {
			code, _, stderr := runHarness(t, nil, append([]string{"properties"}, args...)...)
			if code != exitUsage || !strings.Contains(strings.SplitN(stderr, "\n", 2)[0], args[0]) {
				t.Errorf("%v: exit %d, stderr %q; want 2 naming the flag", args, code, stderr)
			}
		}
	})
}

// caseFoldTurnFlag is a platform that lower-cases turnFlag before reading it: "On" and "OFF"
// are accepted instead of refused.
func caseFoldTurnFlag(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method == http.MethodPost || r.Method == http.MethodPut {
			b, _ := io.ReadAll(r.Body)
			var m map[string]any
			if json.Unmarshal(b, &m) == nil {
				if s, ok := m["turnFlag"].(string); ok {
					m["turnFlag"] = strings.ToLower(s)
					b, _ = json.Marshal(m)
				}
			}
			r.Body, r.ContentLength = io.NopCloser(bytes.NewReader(b)), int64(len(b))
		}
		h.ServeHTTP(w, r)
	})
}

// TestPropertiesEnums runs the enum checks from the binary: a platform that folds the case of
// turnFlag fails with the shrunk value, and `harness emulate --platform-only` with either
// decision set (TLS, lockout on; the alternative set answers D15, D23, D53 and the other
// decisions differently) passes when described as a real platform, with the decided parts
// named as not checked.
func TestPropertiesEnums(t *testing.T) {
	prof := filepath.Join(t.TempDir(), "platform.yaml")
	if err := os.WriteFile(prof, []byte(nonEmulatorProfile), 0o600); err != nil {
		t.Fatal(err)
	}
	t.Run("a platform folding the case of turnFlag fails with the shrunk value", func(t *testing.T) {
		url := propertyPlatform(t, caseFoldTurnFlag)
		code, stdout, stderr := runHarness(t, nil, "properties", "--target", url, "--profile", prof, "--checks", "200", "--rate", "0")
		m := regexp.MustCompile(`FAIL ax.bind +turnFlag .*\n +smallest failing value "([^"]*)": want refused`).FindStringSubmatch(stdout)
		if code != exitFailed || m == nil {
			t.Fatalf("exit %d, want 1 with a smallest failing turnFlag on ax.bind\n%s%s", code, stdout, stderr)
		}
		if strings.Count(stdout, "FAIL") != 2 || !strings.Contains(stdout, "FAIL ax.modify   turnFlag") { // ax.bind and ax.modify
			t.Errorf("want exactly the two turnFlag fields failed:\n%s", stdout)
		}
		if v := m[1]; !(strings.EqualFold(v, "on") || strings.EqualFold(v, "off")) || v == "on" || v == "off" {
			t.Errorf("smallest failing value %q: want on or off in another case", v)
		}
	})
	for _, decisions := range []string{"default", "alternative"} {
		t.Run("emulate --platform-only --decisions "+decisions+" passes", func(t *testing.T) {
			p := startPlatform(t, "--decisions", decisions)
			code, stdout, stderr := runHarness(t, platformEnv, "properties", "--target", p.URL, "--profile", platformProfile(t, ""),
				"--ca-file", p.CertFile, "--checks", "30", "--rate", "0")
			if code != exitOK || !strings.Contains(stdout, "56 fields, 0 failed") {
				t.Fatalf("exit %d, want 0 with 56 fields and none failed\n%s%s", code, stdout, stderr)
			}
			want := []string{"not checked: the exact answer to an unlisted value", "not checked: the whole rule at ax.modify: it rests on D55"}
			if decisions == "alternative" { // another description of 1010002 (D15): listed, not failed
				want = append(want, "differs from the emulator's decision D15")
			}
			for _, w := range want {
				if !strings.Contains(stdout, w) {
					t.Errorf("output lacks %q\n%s", w, stdout)
				}
			}
			if ids := p.bindingIDs(t); len(ids) != 0 {
				t.Errorf("the platform holds %d bindings after the run", len(ids))
			}
		})
	}
}
