package main

import (
	"bytes"
	"context"
	"crypto/tls"
	"crypto/x509"
	"encoding/json"
	"encoding/pem"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/pns-harness/pns-harness/pns"
	"github.com/pns-harness/pns-harness/receiver"
)

func TestReceiveVerifiesAndRecords(t *testing.T) {
	t.Setenv("RCV_TEST_SECRET", "rcv-secret")
	out := t.TempDir()
	ctx, cancel := context.WithCancel(context.Background())
	urls := make(chan string, 1)
	done := make(chan int, 1)
	var stdout, stderr bytes.Buffer
	go func() {
		done <- runReceive(ctx, []string{"--listen", "127.0.0.1:0", "--app", "rcv-app=RCV_TEST_SECRET", "--out", out, "--interval", "1h"},
			&stdout, &stderr, func(u string) { urls <- u })
	}()
	base := <-urls
	body := []byte(`{"eventType":"callin","statusInfo":{"sessionId":"s-1","timestamp":"2026-11-27 04:00:00","caller":"+8613800000001","called":"+8617000000001","subscriptionId":"0167ecc9-bfb6-4eec-b671-a7dab2ba78cf"}}`)
	post := func(secret string) int {
		req, _ := http.NewRequest(http.MethodPost, base, bytes.NewReader(body))
		req.Header.Set("Content-Type", pns.ContentTypeJSON)
		pns.Signer{AppKey: "rcv-app", AppSecret: secret}.Sign(req.Header)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		_, _ = io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		return resp.StatusCode
	}
	if got := post("wrong"); got != http.StatusUnauthorized {
		t.Errorf("badly signed push: status %d, want 401", got)
	}
	if got := post("rcv-secret"); got != http.StatusOK {
		t.Errorf("signed push: status %d, want 200", got)
	}
	cancel()
	if code := <-done; code != exitFailed {
		t.Errorf("exit code %d, want %d (a bad signature was seen)", code, exitFailed)
	}
	b, err := os.ReadFile(filepath.Join(out, "receiver.json"))
	if err != nil {
		t.Fatal(err)
	}
	var rep receiver.Report
	if err := json.Unmarshal(b, &rep); err != nil {
		t.Fatal(err)
	}
	if rep.Counters.Events != 1 || rep.Counters.BadSignature != 1 {
		t.Errorf("events=%d badSignature=%d, want 1 and 1", rep.Counters.Events, rep.Counters.BadSignature)
	}
	if bytes.Contains(b, []byte("rcv-secret")) || bytes.Contains(stdout.Bytes(), []byte("rcv-secret")) {
		t.Error("the app secret leaked into the report or the output")
	}
}

func TestReceiveUsage(t *testing.T) {
	var out bytes.Buffer
	for _, args := range [][]string{{"--app", "nokey"}, {"--app", "k=UNSET_ENV_FOR_TEST"}, {"--fail-first", "2"}, {"extra"}} {
		if code := runReceive(context.Background(), args, &out, &out, nil); code != exitUsage {
			t.Errorf("%v: exit %d, want %d", args, code, exitUsage)
		}
	}
}

// TestReceiveTLS: with --tls-cert and --tls-key the receiver serves HTTPS, for platforms that
// push only to https notification URLs.
func TestReceiveTLS(t *testing.T) {
	cert, _, err := selfSignedCert(time.Now())
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	certFile, keyFile := filepath.Join(dir, "c.pem"), filepath.Join(dir, "k.pem")
	if err := writeCertPEM(certFile, cert); err != nil {
		t.Fatal(err)
	}
	der, err := x509.MarshalPKCS8PrivateKey(cert.PrivateKey)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(keyFile, pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: der}), 0o600); err != nil {
		t.Fatal(err)
	}
	t.Setenv("RCV_TLS_SECRET", "tls-secret")
	ctx, cancel := context.WithCancel(context.Background())
	urls := make(chan string, 1)
	done := make(chan int, 1)
	var stdout, stderr bytes.Buffer
	go func() {
		// One push is no call to judge: only the signature threshold applies.
		done <- runReceive(ctx, []string{"--listen", "127.0.0.1:0", "--app", "tls-app=RCV_TLS_SECRET", "--tls-cert", certFile, "--tls-key", keyFile, "--interval", "1h",
			"--threshold", "callback.badSignature==0"},
			&stdout, &stderr, func(u string) { urls <- u })
	}()
	var base string
	select {
	case base = <-urls:
	case code := <-done:
		cancel()
		t.Fatalf("receive exited %d: %s", code, stderr.String())
	}
	if !strings.HasPrefix(base, "https://127.0.0.1:") {
		t.Fatalf("base %q", base)
	}
	pool := x509.NewCertPool()
	pool.AddCert(cert.Leaf)
	hc := &http.Client{Transport: &http.Transport{TLSClientConfig: &tls.Config{RootCAs: pool, MinVersion: tls.VersionTLS12}}}
	body := []byte(`{"eventType":"callin","statusInfo":{"sessionId":"s-2","timestamp":"2026-11-27 04:00:00","caller":"+8613800000001","called":"+8617000000001","subscriptionId":"0167ecc9-bfb6-4eec-b671-a7dab2ba78cf"}}`)
	req, _ := http.NewRequest(http.MethodPost, base, bytes.NewReader(body))
	req.Header.Set("Content-Type", pns.ContentTypeJSON)
	pns.Signer{AppKey: "tls-app", AppSecret: "tls-secret"}.Sign(req.Header)
	resp, err := hc.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	cancel()
	if code := <-done; code != exitOK || resp.StatusCode != http.StatusOK {
		t.Fatalf("push over TLS: status %d, exit %d: %s", resp.StatusCode, code, stderr.String())
	}
	if !strings.Contains(stdout.String(), "events=1") {
		t.Errorf("the push was not counted:\n%s", stdout.String())
	}
	var errb bytes.Buffer
	if code := runReceive(context.Background(), []string{"--tls-cert", certFile}, io.Discard, &errb, nil); code != exitUsage || !strings.Contains(errb.String(), "--tls-cert and --tls-key go together") {
		t.Errorf("cert without key: exit %d %s", code, errb.String())
	}
}
