package main

import (
	"encoding/json"
	"math"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/pns-harness/pns-harness/conformance"
	"github.com/pns-harness/pns-harness/features"
	"github.com/pns-harness/pns-harness/loadtest"
	"github.com/pns-harness/pns-harness/pns"
)

// answerDropProxy relays every request to the platform, except that it drops the answer of
// every second AXB and AX bind after the platform acted (connection closed): the suite never
// learns those bindings' IDs.
type answerDropProxy struct {
	srv      *httptest.Server
	CertFile string
	binds    atomic.Int64
	dropped  atomic.Int64
}

func startAnswerDropProxy(t *testing.T, p *platform) *answerDropProxy {
	t.Helper()
	up, client := upstreamOf(t, p), p.client(t)
	dp := &answerDropProxy{}
	dp.srv, dp.CertFile = startTLSFront(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		resp, answer, err := forward(client, up, r)
		if err != nil {
			cutConn(w)
			return
		}
		if iface, ok, _ := pns.Route(r.Method, r.URL.Path); ok && (iface.ID == pns.IfaceAXBBind || iface.ID == pns.IfaceAXBind) {
			if dp.binds.Add(1)%2 == 0 {
				dp.dropped.Add(1)
				cutConn(w)
				return
			}
		}
		relayAnswer(w, resp, answer)
	}))
	return dp
}

// TestConformLeavesNothing: a conformance run against a platform that refuses every unbind,
// through a proxy that loses the answer of every second AXB and AX bind, leaves bindings it
// knows (leaked, named) and bindings it cannot know (answer lost). Every AXB and AXE binding
// left carries the suite's lifetime (its expected length plus the margin), so it expires by
// itself; the journal in --out lets `harness cleanup DIR` remove all of them: the bound ones
// by ID, the lost ones by asking the platform, after which the platform holds none.
func TestConformLeavesNothing(t *testing.T) {
	t.Parallel()
	p := startPlatform(t)
	p.setFaults(t, `{"faults":[{"interface":"axb.unbind","errorRate":1,"resultcode":"1010002"},{"interface":"ax.unbind","errorRate":1,"resultcode":"1010002"},{"interface":"axe.unbind","errorRate":1,"resultcode":"1010002"}]}`)
	proxy := startAnswerDropProxy(t, p)
	const tags = "@axb.query,@ax.query,@rule:business:same-bindnum"
	selected, err := conformance.Select(features.FS, tags)
	if err != nil {
		t.Fatal(err)
	}
	want := conformance.SuiteLifetime(selected, false)
	prof := platformProfile(t, "")
	dir := filepath.Join(t.TempDir(), "conformance")
	code, stdout, stderr := runHarness(t, platformEnv, "conform", "--target", proxy.srv.URL, "--ca-file", proxy.CertFile, "--profile", prof,
		"--tags", tags, "--out", dir, "--coverage=false")
	if code != exitFailed {
		t.Fatalf("conform: exit %d, want %d (bindings left)\n%.3000s\n%s", code, exitFailed, stdout, stderr)
	}
	if proxy.dropped.Load() == 0 {
		t.Fatal("no bind answer was dropped: the test does not test lost answers")
	}
	var res struct {
		LifetimeSeconds int64 `json:"lifetimeSeconds"`
	}
	b, err := os.ReadFile(filepath.Join(dir, "conformance.json"))
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(b, &res); err != nil {
		t.Fatal(err)
	}
	if res.LifetimeSeconds != int64(want.Seconds()) {
		t.Errorf("conformance.json lifetimeSeconds %d, want %d (%d scenarios)", res.LifetimeSeconds, int64(want.Seconds()), len(selected))
	}
	d := p.dump(t)
	if len(d.AXB) == 0 || len(d.AX) == 0 || len(d.AXE) == 0 {
		t.Fatalf("left on the platform: %d AXB, %d AX, %d AXE; want some of each\n%.3000s", len(d.AXB), len(d.AX), len(d.AXE), stdout)
	}
	// Every binding left expires: with the suite's lifetime, or the one its scenario's body
	// gave (axb.query binds one with "duration":86400 on purpose).
	suite := 0
	for _, b := range d.AXB {
		if b.Duration <= 0 || b.ExpiresAt == "" {
			t.Errorf("AXB binding %s never expires: duration %d", b.SubscriptionID, b.Duration)
		}
		if b.Duration == int(want.Seconds()) {
			suite++
		}
	}
	if suite == 0 {
		t.Errorf("no AXB binding carries the suite's lifetime of %d s", int(want.Seconds()))
	}
	for _, b := range d.AXE {
		if b.TimeUnit != "1" || b.BindExpiredTime != int(math.Ceil(want.Minutes())) || b.ExpiresAt == "" {
			t.Errorf("AXE binding %s: timeUnit %q, bindExpiredTime %d; want %d minutes", b.SubscriptionID, b.TimeUnit, b.BindExpiredTime, int(math.Ceil(want.Minutes())))
		}
	}
	left := len(d.AXB) + len(d.AX) + len(d.AXE)

	// Another run into the same directory would lose the journal: refused before any request.
	code, _, stderr = runHarness(t, platformEnv, "conform", "--target", p.URL, "--ca-file", p.CertFile, "--profile", prof,
		"--tags", tags, "--out", dir, "--coverage=false")
	if code != exitUsage || !strings.Contains(stderr, "may still be on the platform") || !strings.Contains(stderr, "run `harness cleanup "+dir+"` first") {
		t.Fatalf("a second run into %s: exit %d, want %d naming the leftovers\n%s", dir, code, exitUsage, stderr)
	}
	if n := p.bindings(t); n != left {
		t.Fatalf("the refused run changed the platform: %d bindings, were %d", n, left)
	}

	// The platform accepts unbinds again; cleanup goes to it directly (the journal names the
	// proxy, which would drop answers).
	p.setFaults(t, `{"faults":[]}`)
	code, stdout, stderr = runHarness(t, platformEnv, "cleanup", "--target", p.URL, "--ca-file", p.CertFile, "--profile", prof, dir)
	if code != exitOK {
		t.Fatalf("cleanup: exit %d\n%s\n%s", code, stdout, stderr)
	}
	m := regexp.MustCompile(`(\d+) bound and not removed, (\d+) without an answer; removed (\d+) \((\d+) of them found by query\), 0 leaked, 0 unknown`).FindStringSubmatch(stdout)
	if m == nil {
		t.Fatalf("cleanup output:\n%s", stdout)
	}
	if atoi(m[1]) == 0 || atoi(m[2]) == 0 || atoi(m[4]) == 0 {
		t.Errorf("cleanup removed no bound binding, or looked up no lost one: %s", m[0])
	}
	if atoi(m[3]) != left {
		t.Errorf("cleanup removed %s, the platform held %d", m[3], left)
	}
	if ids := p.bindingIDs(t); len(ids) != 0 {
		t.Errorf("left on the platform after cleanup: %v\n%s", ids, stdout)
	}
	if !strings.Contains(stdout, dir) {
		t.Errorf("cleanup does not name the directory:\n%s", stdout)
	}
}

// TestRunTakesOverJournal: `harness run` into an --out directory whose earlier journals (a
// load's under load/, the conformance suite's under conformance/) say bindings may still be on
// the platform is refused before any request (their IDs would be removed with the directory);
// with --cleanup-first it removes them first (the bound one by ID, the one whose answer was
// lost by query) and runs. A journal of a run on its own embedded emulator leaves nothing to
// remove and is no reason to refuse.
func TestRunTakesOverJournal(t *testing.T) {
	t.Parallel()
	p := startPlatform(t)
	ctx := t.Context()
	c := &pns.Client{BaseURL: p.URL, HTTP: p.client(t), Signer: pns.Signer{AppKey: "demo-axb", AppSecret: "demo-axb-secret", Scheme: pns.SchemeAKSK}}
	bound, resp, err := c.AXBBind(ctx, pns.AXBBindRequest{CallerNum: "+8613900000011", CalleeNum: "+8613900000012", RelationNum: "+8617001100011"})
	if err != nil || !resp.OK() {
		t.Fatalf("bind: %v %+v", err, resp)
	}
	if _, resp, err = c.AXBBind(ctx, pns.AXBBindRequest{CallerNum: "+8613900000021", CalleeNum: "+8613900000022", RelationNum: "+8617001100012"}); err != nil || !resp.OK() {
		t.Fatalf("bind: %v %+v", err, resp)
	}
	out := t.TempDir()
	write := func(rel, text string) {
		t.Helper()
		path := filepath.Join(out, rel, "bindings.jsonl")
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, []byte(text), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	write("load/axb-bind-unbind", `{"op":"run","target":"`+p.URL+`"}
{"op":"bind","id":1,"mode":"AXB","app":"demo-axb","a":"+8613900000011","b":"+8613900000012","x":"+8617001100011"}
{"op":"bound","id":1,"sub":"`+bound.SubscriptionID+`"}
`)
	write("conformance", `{"op":"run","target":"`+p.URL+`"}
{"op":"bind","id":1,"mode":"AXB","app":"demo-axb","a":"+8613900000021","b":"+8613900000022","x":"+8617001100012"}
`)
	args := []string{"run", "--target", p.URL, "--profile", platformProfile(t, ""), "--ca-file", p.CertFile, "--out", out,
		"--tags", "@rule:business:utc-time", "--no-load", "--seed", "5"}
	code, stdout, stderr := runHarness(t, platformEnv, args...)
	if code != exitUsage || !strings.Contains(stderr, "1 binding(s) may still be on the platform") || !strings.Contains(stderr, "--cleanup-first") {
		t.Fatalf("exit %d, want %d naming the leftovers\n%.3000s\n%s", code, exitUsage, stdout, stderr)
	}
	if n := p.bindings(t); n != 2 {
		t.Fatalf("the refused run changed the platform: %d bindings, want 2", n)
	}
	code, stdout, stderr = runHarness(t, platformEnv, append(args, "--cleanup-first")...)
	if code != exitOK {
		t.Fatalf("--cleanup-first: exit %d\n%.3000s\n%s", code, stdout, stderr)
	}
	if got := strings.Count(stdout, "removed 1 binding(s) an earlier run in "); got != 2 {
		t.Errorf("%d cleanups reported, want 2 (load and conformance journals)\n%.3000s", got, stdout)
	}
	if n := p.bindings(t); n != 0 {
		t.Fatalf("%d bindings left after --cleanup-first and the run", n)
	}
	// This run's own conformance journal: its binds, nothing left.
	st, err := readJournal(filepath.Join(out, "conformance"))
	if err != nil || st.Binds == 0 || st.Live+st.Maybe != 0 || st.Target != strings.TrimRight(p.URL, "/") {
		t.Errorf("the run's conformance journal: %+v, %v", st, err)
	}

	// An embedded run's journal: its emulator died with it.
	emb := t.TempDir()
	if err := os.MkdirAll(filepath.Join(emb, "conformance"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(emb, "conformance", "bindings.jsonl"), []byte(`{"op":"run","target":"https://127.0.0.1:1","ephemeral":true}
{"op":"bind","id":1,"mode":"AXB","app":"demo-axb","a":"+8613900000031","b":"+8613900000032","x":"+8617001100013"}
{"op":"bound","id":1,"sub":"gone-with-the-emulator"}
`), 0o600); err != nil {
		t.Fatal(err)
	}
	code, stdout, stderr = runHarness(t, nil, "run", "--out", emb, "--tags", "@rule:business:utc-time", "--no-load", "--seed", "5")
	if code == exitUsage {
		t.Fatalf("embedded run refused over an ephemeral journal: %s\n%.2000s", stderr, stdout)
	}
}

// readJournal reads a journal through the package the harness uses.
func readJournal(dir string) (*loadtest.JournalState, error) { return loadtest.ReadJournal(dir) }

// TestConformBindingLifetimeFlag: --binding-lifetime sets the lifetime of the suite's binds
// (conformance.json says it), 0 sends none, and a negative one is a usage error.
func TestConformBindingLifetimeFlag(t *testing.T) {
	t.Parallel()
	p := startPlatform(t)
	p.setFaults(t, `{"faults":[{"interface":"axb.unbind","errorRate":1,"resultcode":"1010002"}]}`)
	prof := platformProfile(t, "")
	for _, tt := range []struct {
		flag string
		want int // seconds; 0: none
	}{{"30m", 1800}, {"0", 0}} {
		before := len(p.dump(t).AXB)
		dir := filepath.Join(t.TempDir(), "c")
		code, stdout, stderr := runHarness(t, platformEnv, "conform", "--target", p.URL, "--ca-file", p.CertFile,
			"--profile", prof, "--tags", "@rule:business:utc-time",
			"--out", dir, "--coverage=false", "--binding-lifetime", tt.flag)
		if code != exitFailed {
			t.Fatalf("--binding-lifetime %s: exit %d, want %d (unbinds refused)\n%.2000s\n%s", tt.flag, code, exitFailed, stdout, stderr)
		}
		left := p.dump(t).AXB[before:]
		if len(left) == 0 {
			t.Fatalf("--binding-lifetime %s: no AXB binding left to look at", tt.flag)
		}
		for _, b := range left {
			if b.Duration != tt.want {
				t.Errorf("--binding-lifetime %s: binding %s has duration %d, want %d", tt.flag, b.SubscriptionID, b.Duration, tt.want)
			}
		}
	}
	code, stdout, stderr := runHarness(t, platformEnv, "conform", "--target", p.URL, "--binding-lifetime", "-1s")
	if want := "harness conform: --binding-lifetime \"-1s\": must not be negative\nRun 'harness conform --help' for usage.\n"; code != exitUsage || stdout != "" || stderr != want {
		t.Fatalf("negative lifetime: exit %d, stdout %q, stderr %q; want %q", code, stdout, stderr, want)
	}
}

// TestKilledConformCleanedFromJournal: `harness conform` killed with SIGKILL while the platform
// holds bindings of its scenarios (a relay of our own holds the third unbind until the kill,
// so the moment is the same however slow the machine): `harness report` fails the directory as
// a partial result naming what may be left, `harness cleanup DIR` removes every binding from
// the suite's journal, and running it again finds nothing left.
func TestKilledConformCleanedFromJournal(t *testing.T) {
	t.Parallel()
	p := startPlatform(t)
	up := upstreamOf(t, p)
	client := p.client(t)
	held := make(chan struct{})
	var unbinds atomic.Int64
	relay, relayCert := startTLSFront(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if iface, ok, _ := pns.Route(r.Method, r.URL.Path); ok && strings.HasSuffix(iface.ID, ".unbind") && unbinds.Add(1) == 3 {
			close(held)
			<-r.Context().Done() // until the harness dies
			return
		}
		resp, answer, err := forward(client, up, r)
		if err != nil {
			w.WriteHeader(http.StatusBadGateway)
			return
		}
		relayAnswer(w, resp, answer)
	}))
	prof := platformProfile(t, "")
	dir := filepath.Join(t.TempDir(), "conformance")
	cmd := harnessCmd(t, "conform", "--target", relay.URL, "--ca-file", relayCert, "--profile", prof, "--out", dir,
		"--tags", "@axb.query,@ax.query", "--coverage=false")
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
	select {
	case <-held:
	case <-exited:
		t.Fatalf("conform ended before its third unbind:\n%s\n%s", stdout.String(), stderr.String())
	}
	if err := cmd.Process.Kill(); err != nil {
		t.Fatal(err)
	}
	<-exited
	left := p.bindings(t)
	if left == 0 {
		t.Fatal("the killed run left no binding: the test tests nothing")
	}
	// The directory is a partial result: the report fails it and says what may be left.
	rep := t.TempDir()
	code, out, errOut := runHarness(t, nil, "report", "--out", rep, dir)
	if code != exitFailed || !strings.Contains(out, "conformance "+dir+": partial result") || !strings.Contains(out, "may still be on the platform") {
		t.Fatalf("report of the killed run: exit %d\n%s\n%s", code, out, errOut)
	}
	code, out, errOut = runHarness(t, platformEnv, "cleanup", "--target", p.URL, "--ca-file", p.CertFile, "--profile", prof, dir)
	if code != exitOK {
		t.Fatalf("cleanup: exit %d\n%s\n%s", code, out, errOut)
	}
	m := regexp.MustCompile(`removed (\d+) \(0 of them found by query\), 0 leaked, 0 unknown`).FindStringSubmatch(out)
	if m == nil || atoi(m[1]) != left {
		t.Errorf("cleanup says %v, the platform held %d\n%s", m, left, out)
	}
	if n := p.bindings(t); n != 0 {
		t.Fatalf("%d bindings left after cleanup\n%s", n, out)
	}
	code, out, _ = runHarness(t, platformEnv, "cleanup", "--target", p.URL, "--ca-file", p.CertFile, "--profile", prof, dir)
	if code != exitOK || !strings.Contains(out, "0 bound and not removed, 0 without an answer; removed 0") {
		t.Errorf("second cleanup: exit %d\n%s", code, out)
	}
	code, out, _ = runHarness(t, nil, "report", "--out", rep, dir)
	if code != exitFailed || !strings.Contains(out, "shows no binding left") {
		t.Errorf("report after cleanup: exit %d\n%s", code, out)
	}
}
