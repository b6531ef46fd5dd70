package main

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/pns-harness/pns-harness/emulator/calls"
	"github.com/pns-harness/pns-harness/pns"
)

// TestEmulatePlatformOnlyRecording downloads a recording from `harness emulate --platform-only`
// as a client of the real platform would: the call is simulated on the admin port, the download
// URL is asked for on the platform port under a host name the emulator was not started with
// (localhost), and the Location it answers is followed on that same port and name. With
// publicBaseURL in the configuration the Location names that base instead. Both decision sets
// are exercised (D75: 301 by default, 302 in the alternative set).
func TestEmulatePlatformOnlyRecording(t *testing.T) {
	t.Parallel()
	const public = "https://pns.example.test:8443"
	cfgFile := filepath.Join(t.TempDir(), "emulator.yaml")
	demo, err := os.ReadFile(filepath.Join("..", "..", "emulator", "default.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(cfgFile, append(demo, []byte("\npublicBaseURL: "+public+"/\n")...), 0o600); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name   string
		args   []string
		status int
		base   string // the Location's scheme and host; "" = the host the client used
	}{
		{"default decisions", nil, http.StatusMovedPermanently, ""},
		{"alternative decisions", []string{"--decisions", "alternative"}, http.StatusFound, ""},
		{"publicBaseURL", []string{"--config", cfgFile}, http.StatusMovedPermanently, public},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p := startPlatform(t, tc.args...)
			u, err := url.Parse(p.URL)
			if err != nil {
				t.Fatal(err)
			}
			// The client names the platform "localhost" (in the certificate) while the emulator
			// listens on 127.0.0.1: every connection goes to the platform port.
			hc := p.client(t)
			tr := hc.Transport.(*http.Transport)
			tr.DialContext = func(ctx context.Context, network, _ string) (net.Conn, error) {
				return (&net.Dialer{}).DialContext(ctx, network, u.Host)
			}
			hc.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
			clientBase := "https://localhost:" + u.Port()
			c := pns.Client{BaseURL: clientBase, HTTP: hc, Signer: pns.Signer{AppKey: "demo-axb", AppSecret: "demo-axb-secret"}}
			ctx := context.Background()

			bind, r, err := c.AXBBind(ctx, pns.AXBBindRequest{CallerNum: "+8613800100501", CalleeNum: "+8613900100501", RecordFlag: "true", RecordHintTone: "hint.wav"})
			if err != nil || !r.OK() {
				t.Fatalf("bind: %v %s", err, r.Body)
			}
			var call calls.CallResult
			p.adminPost(t, "calls", calls.CallRequest{Caller: "+8613800100501", Called: bind.RelationNum, RingSeconds: 2, TalkSeconds: 10}, &call)
			if call.Fee.RecordObjectName == "" || call.Fee.RecordDomain == "" {
				t.Fatalf("the call was not recorded: %+v", call.Fee)
			}
			p.adminPost(t, "clock/advance", map[string]int{"seconds": 600}, nil)

			r, err = c.RecordingURL(ctx, pns.RecordParams{FileName: call.Fee.RecordObjectName, RecordDomain: call.Fee.RecordDomain})
			if err != nil || r.Status != tc.status {
				t.Fatalf("recording URL: %v, HTTP %d %s; want %d", err, r.Status, r.Body, tc.status)
			}
			loc := r.Header.Get("Location")
			base := tc.base
			if base == "" {
				base = clientBase
			}
			if !strings.HasPrefix(loc, base+calls.RecordingPath) {
				t.Fatalf("Location %q: want it under %s%s", loc, base, calls.RecordingPath)
			}
			// Follow it on the platform port, with the Host the Location names (a public base
			// is a proxy's name: the test plays the proxy and sends its path to the port).
			target := loc
			if tc.base != "" {
				target = clientBase + strings.TrimPrefix(loc, tc.base)
			}
			resp, err := hc.Get(target)
			if err != nil {
				t.Fatal(err)
			}
			data, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			if resp.StatusCode != http.StatusOK || resp.Header.Get("Content-Type") != "audio/wav" || len(data) < 44 || !bytes.HasPrefix(data, []byte("RIFF")) || !bytes.Equal(data[8:12], []byte("WAVE")) {
				t.Fatalf("GET %s: HTTP %d %s, %d bytes", target, resp.StatusCode, resp.Header.Get("Content-Type"), len(data))
			}

			// One 404 shape on the platform port: an admin path, /metrics, an unknown URI and
			// a recording that does not exist all answer an empty 404.
			for _, path := range []string{"/emulator/v1/health", "/metrics", "/rest/nope", calls.RecordingPath + "a/b.wav"} {
				resp, err := hc.Get(clientBase + path)
				if err != nil {
					t.Fatal(err)
				}
				body, _ := io.ReadAll(resp.Body)
				resp.Body.Close()
				if resp.StatusCode != http.StatusNotFound || len(body) != 0 {
					t.Errorf("GET %s on the platform port: HTTP %d %q, want an empty 404", path, resp.StatusCode, body)
				}
			}
			// The admin port does not serve recordings.
			resp, err = http.Get(strings.TrimSuffix(p.AdminURL, "/emulator/v1/") + calls.RecordingPath + "x.wav")
			if err != nil {
				t.Fatal(err)
			}
			resp.Body.Close()
			if resp.StatusCode != http.StatusNotFound {
				t.Errorf("recording on the admin port: HTTP %d, want 404", resp.StatusCode)
			}
		})
	}
}

// adminPost posts v as JSON to path on the platform's admin API and decodes the answer into
// out (when not nil); anything but 200 fails the test.
func (p *platform) adminPost(t *testing.T, path string, v, out any) {
	t.Helper()
	b, _ := json.Marshal(v)
	hc := &http.Client{Timeout: time.Minute}
	resp, err := hc.Post(p.AdminURL+path, "application/json", bytes.NewReader(b))
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	data, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("POST %s: HTTP %d %s", path, resp.StatusCode, data)
	}
	if out != nil {
		if err := json.Unmarshal(data, out); err != nil {
			t.Fatalf("POST %s: %v in %s", path, err, data)
		}
	}
}
