package main

import (
	"net/http"
	"net/http/httptest"
	"net/url"
	"path/filepath"
	"regexp"
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

// relayProxy is an HTTPS front of our own, with a certificate that outlives the platform
// behind it: the platform-only emulator makes a new self-signed certificate at each start, so
// a client that trusted the first one could not talk to its restart. A request the platform
// does not answer (it is dead) has its connection cut, as a real platform's death does to
// requests in flight.
type relayProxy struct {
	srv      *httptest.Server
	CertFile string
	upstream atomic.Pointer[http.Client]
	// upURL is where the platform listens now: a restart takes any free port, since taking
	// the old one again can fail when another process got it in between.
	upURL atomic.Pointer[url.URL]
	cut   atomic.Int64
}

func startRelayProxy(t *testing.T, p *platform) *relayProxy {
	t.Helper()
	rp := &relayProxy{}
	rp.restarted(t, p)
	rp.srv, rp.CertFile = startTLSFront(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		resp, answer, err := forward(rp.upstream.Load(), rp.upURL.Load(), r)
		if err != nil {
			rp.cut.Add(1)
			cutConn(w)
			return
		}
		relayAnswer(w, resp, answer)
	}))
	return rp
}

// restarted points the relay at platform p (its first start or a restart).
func (rp *relayProxy) restarted(t *testing.T, p *platform) {
	t.Helper()
	rp.upURL.Store(upstreamOf(t, p))
	rp.upstream.Store(p.client(t))
}

// TestPlatformKilledAndRestarted: the platform (`harness emulate --platform-only`, a child
// process) is killed with SIGKILL in the middle of a load and restarted behind the same
// address (the relay the load talks to; the platform itself takes a new port). The
// emulator keeps no state across a restart, so the bindings made before the kill are gone
// with it: the restarted-empty platform. The load's requests during the outage fail; its
// unbinds of the lost bindings find nothing; binds whose answer died with the platform are
// looked up after the restart. Afterwards the platform holds no binding, what it made after
// the restart was all unbound, and the verdict is not PASS: it counts the failed requests.
func TestPlatformKilledAndRestarted(t *testing.T) {
	p1 := startPlatform(t)
	proxy := startRelayProxy(t, p1)
	dir := filepath.Join(t.TempDir(), "load")
	cmd := harnessCmd(t, "load", "--out", dir, "--target", proxy.srv.URL, "--ca-file", proxy.CertFile, "--profile", platformProfile(t, ""),
		"--rate", "20", "--duration", "8s", "--hold", "300ms", "--json", "--generator-lag", "0", "--unreachable-after", "0",
		"--progress", "-1", "--cleanup-timeout", "1m")
	cmd.Env = append(cmd.Env, platformEnv...)
	var stdout, stderr syncBuffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	exited := make(chan struct{})
	go func() {
		_ = cmd.Wait()
		close(exited)
	}()
	// Mid-load: once the platform has made bindings, kill it.
	for p1.succeeded(t, "axb.bind") < 10 {
		select {
		case <-exited:
			t.Fatalf("the load ended before the platform was killed:\n%s\n%s", stdout.String(), stderr.String())
		case <-time.After(20 * time.Millisecond):
		}
	}
	if err := p1.cmd.Process.Kill(); err != nil {
		t.Fatal(err)
	}
	_ = p1.cmd.Wait()
	// Down until the load has seen requests fail: the relay cut at least a few.
	for proxy.cut.Load() < 5 {
		select {
		case <-exited:
			t.Fatalf("the load ended while the platform was down:\n%s\n%s", stdout.String(), stderr.String())
		case <-time.After(20 * time.Millisecond):
		}
	}
	p2 := startPlatform(t)
	proxy.restarted(t, p2)
	<-exited
	code := cmd.ProcessState.ExitCode()
	out := stdout.String()
	if code == exitOK {
		t.Errorf("the load passed although requests failed while the platform was down:\n%.3000s", out)
	}
	if code != exitFailed {
		t.Errorf("exit %d, want %d (requests failed)\n%.3000s\n%s", code, exitFailed, out, stderr.String())
	}
	r := parseLoadJSON(t, out)
	if n := p2.bindings(t); n != 0 {
		t.Fatalf("the restarted platform holds %d bindings\n%.3000s", n, out)
	}
	c := r.Cleanup
	if c.Leaked != 0 || c.Unknown != 0 {
		t.Errorf("the run says %d leaked, %d unknown (%v), the platform holds none", c.Leaked, c.Unknown, c.LeakedIDs)
	}
	if c.Bound != c.Unbound+c.Retried {
		t.Errorf("bound %d != unbound %d + removed by cleanup %d", c.Bound, c.Unbound, c.Retried)
	}
	// What the restarted platform made, it also unbound: nothing expired, nothing is left.
	if made, unbound := p2.succeeded(t, "axb.bind"), p2.succeeded(t, "axb.unbind"); made == 0 || made != unbound {
		t.Errorf("the restarted platform made %d bindings and unbound %d", made, unbound)
	}
	if !strings.Contains(out, `"transport"`) {
		t.Errorf("the result does not count the transport failures of the outage:\n%.3000s", out)
	}
	if !regexp.MustCompile(`FAIL: \d+ of \d+ requests got no answer`).MatchString(stderr.String()) {
		t.Errorf("the verdict does not say that requests got no answer:\n%s", stderr.String())
	}
	// Rebuilt from the saved result, the verdict is the same.
	code, rout, rerr := runHarness(t, nil, "report", "--out", t.TempDir(), dir)
	if code != exitFailed || !strings.Contains(rout, "requests got no answer") {
		t.Errorf("report of the load: exit %d, want %d naming the unanswered requests\n%s\n%s", code, exitFailed, rout, rerr)
	}
	t.Logf("relay cut %d requests; bindings: %d bound, %d unbound, %d removed by cleanup", proxy.cut.Load(), c.Bound, c.Unbound, c.Retried)
}
