package main

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"net/http"
	"os"
	"strings"
	"testing"

	"github.com/pns-harness/pns-harness/pns"
)

// TestEmulatePlatformOnly runs `harness emulate --platform-only` as a process and checks what a
// client of the real platform sees: HTTPS with a certificate trusted through --cert-out, no
// admin API and no metrics on that port, flow control answered as 1010010 with its own
// resultdesc, and the client-IP lockout.
func TestEmulatePlatformOnly(t *testing.T) {
	t.Parallel()
	p := startPlatform(t, "--flow-control", "0.001/3")
	if !strings.HasPrefix(p.URL, "https://127.0.0.1:") {
		t.Fatalf("platform URL %q is not https on loopback", p.URL)
	}
	hc := p.client(t)

	// Only /rest: the admin API and metrics are 404 on the platform port, served on the admin port.
	for _, path := range []string{"/emulator/v1/health", "/emulator/v1/bindings", "/metrics"} {
		resp, err := hc.Get(p.URL + path)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusNotFound {
			t.Errorf("GET %s on the platform port: %d, want 404", path, resp.StatusCode)
		}
	}
	resp, err := http.Get(p.AdminURL + "health")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Errorf("admin port health: %d", resp.StatusCode)
	}

	// A client without the certificate refuses the platform.
	if _, err := http.Get(p.URL + "/rest/caas/relationnumber/partners/v1.0"); err == nil {
		t.Error("the self-signed certificate was trusted without --cert-out's file")
	} else if ue := (x509.UnknownAuthorityError{}); !errors.As(err, &ue) {
		t.Errorf("want an unknown-authority error, got %v", err)
	}

	// Flow control: a bucket of 3 refilled once per 1000 s lets exactly three requests through.
	c := pns.Client{BaseURL: p.URL, HTTP: hc, Signer: pns.Signer{AppKey: "demo-axb", AppSecret: "demo-axb-secret"}}
	var codes, descs []string
	for i := range 4 {
		_, r, err := c.AXBBind(context.Background(), pns.AXBBindRequest{CallerNum: "+861380010010" + string(rune('0'+i)), CalleeNum: "+861390010010" + string(rune('0'+i))})
		if err != nil {
			t.Fatal(err)
		}
		codes, descs = append(codes, r.Envelope.ResultCode), append(descs, r.Envelope.ResultDesc)
	}
	if strings.Join(codes[:3], ",") != "0,0,0" || codes[3] != "1010010" || descs[3] != pns.DescFlowControl {
		t.Errorf("flow control: codes %v, last desc %q", codes, descs[3])
	}
	if n := p.bindings(t); n != 3 {
		t.Errorf("admin port sees %d bindings, want 3", n)
	}

	// Lockout: 10 authentication failures lock the client IP out (1020176), for every app.
	bad := pns.Client{BaseURL: p.URL, HTTP: hc, Signer: pns.Signer{AppKey: "demo-ax", AppSecret: "wrong"}}
	for range 10 {
		if _, r, err := bad.AXBind(context.Background(), pns.AXBindRequest{OrigNum: "+8613800100200"}); err != nil || r.Envelope.ResultCode != "1010010" {
			t.Fatalf("bad secret: %v %+v", err, r)
		}
	}
	good := pns.Client{BaseURL: p.URL, HTTP: hc, Signer: pns.Signer{AppKey: "demo-axe", AppSecret: "demo-axe-secret"}}
	if _, r, err := good.AXEBind(context.Background(), pns.AXEBindRequest{BindNum: "+8613800100300"}); err != nil || r.Envelope.ResultCode != string(pns.CodeLockedOut) {
		t.Errorf("after 10 failures: %v %+v, want 1020176", err, r)
	}
}

func TestEmulatePlatformFlagErrors(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		args []string
		want string
	}{
		{[]string{"emulate", "--cert-out", "x.pem"}, "harness emulate: --cert-out needs --tls or --platform-only"},
		{[]string{"emulate", "--admin-listen", "127.0.0.1:0"}, "harness emulate: --admin-listen needs --platform-only"},
		{[]string{"emulate", "--platform-only", "--flow-control", "fast"}, `harness emulate: --flow-control: flow control "fast": want RATE/BURST, e.g. 1000/1000`},
		{[]string{"emulate", "--platform-only", "--flow-control", "10/0"}, `flow control "10/0": burst must be at least 1`},
		{[]string{"emulate", "--platform-only", "--listen", "127.0.0.1:0", "--admin-listen", "0.0.0.0:0"}, `--admin-listen: "0.0.0.0:0": want a loopback address`},
	} {
		code, _, stderr := runHarness(t, nil, tt.args...)
		if code != exitUsage || !strings.Contains(stderr, tt.want) {
			t.Errorf("%v: exit %d, stderr %q; want 2 and %q", tt.args, code, stderr, tt.want)
		}
	}
}

// TestEmulateCertOut checks that --tls --cert-out writes a PEM certificate valid for 127.0.0.1.
func TestEmulateCertOut(t *testing.T) {
	t.Parallel()
	p := startPlatform(t)
	data, err := os.ReadFile(p.CertFile)
	if err != nil || !strings.HasPrefix(string(data), "-----BEGIN CERTIFICATE-----") || strings.Contains(string(data), "PRIVATE KEY") {
		t.Fatalf("cert file: %v\n%s", err, data)
	}
	resp, err := p.client(t).Get(p.URL + "/rest/nope")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.TLS == nil || resp.TLS.Version < tls.VersionTLS12 {
		t.Error("not TLS 1.2+")
	}
}
