package main

import (
	"bytes"
	"context"
	"crypto/tls"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"reflect"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/pns-harness/pns-harness/emulator"
	"github.com/pns-harness/pns-harness/pns"
)

// syncBuffer is a goroutine-safe buffer for the server's log output.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// startEmulate runs `harness emulate` in-process on a free loopback port.
func startEmulate(t *testing.T, args ...string) (addr string, stderr *syncBuffer, stop func() int) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	stderr = &syncBuffer{}
	ready := make(chan string, 1)
	done := make(chan int, 1)
	go func() {
		done <- runEmulate(ctx, append([]string{"--listen", "127.0.0.1:0"}, args...), io.Discard, stderr, func(a string) { ready <- a })
	}()
	select {
	case addr = <-ready:
	case code := <-done:
		cancel()
		t.Fatalf("emulate exited with %d: %s", code, stderr.String())
	}
	return addr, stderr, func() int { cancel(); return <-done }
}

func TestEmulateServesAndShutsDown(t *testing.T) {
	addr, stderr, stop := startEmulate(t, "--debug", "--time-scale", "2")
	c := pns.Client{BaseURL: "http://" + addr, Signer: pns.Signer{AppKey: "demo-axb", AppSecret: "demo-axb-secret"}}
	out, resp, err := c.AXBBind(context.Background(), pns.AXBBindRequest{CallerNum: "+8613800100001", CalleeNum: "+8613800100002"})
	if err != nil || !resp.OK() || out.SubscriptionID == "" {
		t.Fatalf("bind: %v %+v", err, resp)
	}
	r, err := http.Get("http://" + addr + "/emulator/v1/clock")
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(r.Body)
	r.Body.Close()
	if !strings.Contains(string(body), `"scale": 2`) {
		t.Errorf("clock %s", body)
	}
	// The call simulator is wired in: a call through the new binding is answered.
	call := `{"caller":"+8613800100001","called":"` + out.RelationNum + `","outcome":"answered"}`
	r, err = http.Post("http://"+addr+"/emulator/v1/calls", "application/json", strings.NewReader(call))
	if err != nil {
		t.Fatal(err)
	}
	body, _ = io.ReadAll(r.Body)
	r.Body.Close()
	if r.StatusCode != http.StatusOK || !strings.Contains(string(body), `"sessionId"`) {
		t.Errorf("simulated call: %d %s", r.StatusCode, body)
	}
	if code := stop(); code != exitOK {
		t.Fatalf("exit %d", code)
	}
	logs := stderr.String()
	for _, want := range []string{"PNS emulator listening", "interface=axb.bind", "resultcode=0", "appKey=demo-axe", "shutting down"} {
		if !strings.Contains(logs, want) {
			t.Errorf("log lacks %q:\n%s", want, logs)
		}
	}
	if strings.Contains(logs, "secret") {
		t.Error("secret in logs")
	}
}

func TestEmulateTLSAndShortConnections(t *testing.T) {
	cfg := filepath.Join(t.TempDir(), "c.yaml")
	yaml := "shortConnections: true\napps: [{appKey: k, appSecret: s, mode: AXB}]\npool: [{number: '+8617000000001', app: k, cityCode: '010', province: Beijing}]\n"
	if err := os.WriteFile(cfg, []byte(yaml), 0o600); err != nil {
		t.Fatal(err)
	}
	addr, stderr, stop := startEmulate(t, "--tls", "--config", cfg)
	defer stop()
	if !strings.Contains(stderr.String(), "sha256=") {
		t.Errorf("no certificate fingerprint logged")
	}
	hc := &http.Client{Timeout: 10 * time.Second, Transport: &http.Transport{TLSClientConfig: &tls.Config{InsecureSkipVerify: true}}}
	c := pns.Client{BaseURL: "https://" + addr, HTTP: hc, Signer: pns.Signer{AppKey: "k", AppSecret: "s"}}
	_, resp, err := c.AXBBind(context.Background(), pns.AXBBindRequest{CallerNum: "+8613800100001", CalleeNum: "+8613800100002", RelationNum: "+8617000000001"})
	if err != nil || !resp.OK() {
		t.Fatalf("bind over TLS: %v %+v", err, resp)
	}
	if resp.Header.Get("Content-Type") != "application/json;charset=utf-8" {
		t.Errorf("content type %q", resp.Header.Get("Content-Type"))
	}
	r, err := hc.Get("https://" + addr + "/emulator/v1/health")
	if err != nil {
		t.Fatal(err)
	}
	r.Body.Close()
	if !r.Close {
		t.Error("shortConnections: connection kept alive")
	}
	if r.TLS == nil || len(r.TLS.PeerCertificates) == 0 || r.TLS.PeerCertificates[0].DNSNames[0] != "localhost" {
		t.Error("certificate not for localhost")
	}
}

func TestEmulateFlags(t *testing.T) {
	var out, errb bytes.Buffer
	if code := runEmulate(context.Background(), []string{"--print-config"}, &out, &errb, nil); code != exitOK {
		t.Fatalf("print-config: %d %s", code, errb.String())
	}
	if !strings.Contains(out.String(), "appSecret: demo-axb-secret") || !strings.Contains(out.String(), "poolRanges:") {
		t.Errorf("print-config output:\n%.400s", out.String())
	}
	out.Reset()
	if code := runEmulate(context.Background(), []string{"--print-config", "--time-scale", "60", "--tls"}, &out, &errb, nil); code != exitOK ||
		!strings.Contains(out.String(), "clockScale: 60") || !strings.Contains(out.String(), "tls: true") {
		t.Errorf("overrides not in effective config: %d\n%.600s", code, out.String())
	}
	bad := filepath.Join(t.TempDir(), "bad.yaml")
	if err := os.WriteFile(bad, []byte("apps: [{appKey: k, appSecret: s, mode: XY}]\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	for _, args := range [][]string{{"--nope"}, {"extra"}, {"--config", bad}, {"--config", "/nonexistent.yaml"}, {"--time-scale", "-1"}} {
		errb.Reset()
		if code := runEmulate(context.Background(), args, io.Discard, &errb, nil); code != exitUsage {
			t.Errorf("%v: exit %d", args, code)
		}
	}
	errb.Reset()
	runEmulate(context.Background(), []string{"--config", bad}, io.Discard, &errb, nil)
	if !strings.Contains(errb.String(), "apps[0].mode: must be AXB, AX, AXE, AXYB or X") {
		t.Errorf("config error message: %s", errb.String())
	}
	// An address the host cannot listen on is a configuration error (exit 2), as a port in use.
	if code := runEmulate(context.Background(), []string{"--listen", "256.0.0.1:1"}, io.Discard, io.Discard, nil); code != exitUsage {
		t.Errorf("bad listen address: %d", code)
	}
}

// --print-config prints a complete template: every key of every configuration type, empty
// ones included, and the strict loader accepts it back unchanged.
func TestEmulatePrintConfigIsACompleteTemplate(t *testing.T) {
	t.Parallel()
	code, out, stderr := runHarness(t, nil, "emulate", "--print-config")
	if code != exitOK {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	var missing []string
	var walk func(path string, typ reflect.Type)
	walk = func(path string, typ reflect.Type) {
		for f := range typ.Fields() {
			key, _, _ := strings.Cut(f.Tag.Get("yaml"), ",")
			if key == "" || key == "-" {
				continue
			}
			if !regexp.MustCompile(`(?m)^[ -]*` + regexp.QuoteMeta(key) + `:`).MatchString(out) {
				missing = append(missing, path+key)
			}
			ft := f.Type
			if ft.Kind() == reflect.Slice && ft.Elem().Kind() == reflect.Struct && key != "pool" {
				walk(path+key+"[].", ft.Elem())
			}
		}
	}
	walk("", reflect.TypeFor[emulator.Config]())
	if len(missing) > 0 {
		t.Errorf("keys missing from --print-config: %v", missing)
	}
	for _, k := range []string{"callStatusUrl: \"\"", "feeUrl: \"\"", "# pool entries (one X number each) have the keys: number, app, cityCode"} {
		if !strings.Contains(out, k) {
			t.Errorf("--print-config lacks %q", k)
		}
	}
	path := filepath.Join(t.TempDir(), "template.yaml")
	if err := os.WriteFile(path, []byte(out), 0o600); err != nil {
		t.Fatal(err)
	}
	loaded, err := emulator.LoadConfig(path)
	if err != nil {
		t.Fatalf("the strict loader refuses the template: %v", err)
	}
	def, _ := emulator.DefaultConfig()
	if a, b := mustYAML(t, loaded), mustYAML(t, def); a != b {
		t.Error("the template does not load back as the configuration it printed")
	}
	// The template with a callback URL filled in is what the walkthrough loads.
	code, again, stderr := runHarness(t, nil, "emulate", "--config", path, "--print-config")
	if code != exitOK || again != out {
		t.Errorf("printing the loaded template differs (exit %d): %s", code, stderr)
	}
}

func mustYAML(t *testing.T, c *emulator.Config) string {
	t.Helper()
	y, err := c.YAML()
	if err != nil {
		t.Fatal(err)
	}
	return string(y)
}
