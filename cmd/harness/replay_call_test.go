package main

import (
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/pns-harness/pns-harness/emulator"
	"github.com/pns-harness/pns-harness/receiver"
)

var callReplayRE = regexp.MustCompile(`(?m)^  - (call \S+: [^\n]*)\n    reproduce: (curl .*/emulator/v1/calls.*)$`)

// TestReplayCallJudgedWrong: a load's calls scenario against `harness emulate`, whose AXB
// app pushes its call events to the load's receiver and its fee records to a closed port,
// fails with calls missing their fee record, each with a reproduce line: the bind that
// re-creates its binding (signed afresh by `harness sign`) and the emulator's calls request.
// Run by a shell against the same emulator with `harness receive` at the receiver's address,
// it makes a call that `harness receive` judges the same way: fee record missing.
func TestReplayCallJudgedWrong(t *testing.T) {
	t.Parallel()
	if _, err := exec.LookPath("curl"); err != nil {
		t.Skip("curl is not installed: the reproduce lines cannot be run")
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	rcvAddr := ln.Addr().String()
	ln.Close()
	dir := t.TempDir()
	cfg := string(emulator.DefaultConfigYAML())
	const app = "  - appKey: demo-axb\n    appSecret: demo-axb-secret\n"
	if !strings.Contains(cfg, app) {
		t.Fatalf("the default configuration has no %q", app)
	}
	cfg = strings.Replace(cfg, app, app+"    callStatusUrl: http://"+rcvAddr+"/status\n    feeUrl: http://127.0.0.1:1/fee\n", 1)
	cfgFile := filepath.Join(dir, "emulator.yaml")
	workload := filepath.Join(dir, "calls.yaml")
	if err := os.WriteFile(cfgFile, []byte(cfg), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(workload, []byte("rate: 2\nflows:\n  - name: f\n    mode: axb\n    share: 1\n    steps:\n"+
		"      - op: bind\n      - op: call\n      - op: unbind\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	addr, logs, stop := startEmulate(t, "--config", cfgFile)
	defer stop()
	target := "http://" + addr

	code, stdout, stderr := runHarness(t, nil, "load", "--target", target, "--workload", workload, "--duration", "1s",
		"--generator-lag", "0", "--progress", "-1", "--receiver-listen", rcvAddr, "--out", filepath.Join(dir, "load"))
	m := callReplayRE.FindStringSubmatch(stdout)
	if code != exitFailed || m == nil {
		t.Fatalf("load: exit %d, want %d with a call's reproduce line\n%s\n%s\n%s", code, exitFailed, lastLines(stdout, 40), stderr, logs.String())
	}
	problem, line := m[1], m[2]
	t.Logf("%s\nreproduce: %s", problem, line)
	if !strings.Contains(problem, "missing") {
		t.Fatalf("the call's problem is %q, want missing (its fee record)", problem)
	}
	for _, want := range []string{"curl -sS -X POST '" + target + "/rest/", `"X-AKSK: $PNS_SIGNED_HEADER"`, "&& curl -sS -X POST '" + target + "/emulator/v1/calls'",
		"harness sign --app-key 'demo-axb' --format value"} {
		if !strings.Contains(line, want) {
			t.Errorf("reproduce line lacks %q: %s", want, line)
		}
	}

	// What a user does: `harness receive` where the pushes go, a fresh signature, the line.
	rp := startPlainReceive(t, "--listen", rcvAddr, "--settle", "1ns", "--interval", "50ms")
	_, header, _ := runHarness(t, nil, "sign", "--app-key", "demo-axb", "--format", "value")
	cmd := exec.Command("bash", "-c", line)
	cmd.Env = append(os.Environ(), "PNS_SIGNED_HEADER="+strings.TrimSpace(header))
	res, err := cmd.CombinedOutput()
	if err != nil || !strings.Contains(string(res), `"resultcode":"0"`) {
		t.Fatalf("running the reproduce line: %v\n%s", err, res)
	}
	// The call's events arrive (callin … disconnect); its fee record cannot.
	deadline := time.Now().Add(2 * time.Minute) // a hang guard, not a speed assertion
	for receivedEvents(rp.logs.String()) < 5 {
		if time.Now().After(deadline) {
			t.Fatalf("no call events reached harness receive:\n%s", rp.logs.String())
		}
		time.Sleep(50 * time.Millisecond) // polling the receiver's status lines
	}
	code, out, rep := rp.stop()
	if code != exitFailed || rep.ByType["fee"].Missing != 1 || len(rep.Failures) != 1 || !strings.Contains(strings.Join(rep.Failures[0].Problems, ","), "missing") {
		t.Fatalf("receive: exit %d, fee %+v, failures %+v; want the replayed call missing its fee record\n%s", code, rep.ByType["fee"], rep.Failures, out)
	}
	if !strings.Contains(out, "reproduce: "+receiver.NotOurCall) {
		t.Errorf("harness receive does not say that the call it judged is not reproducible here:\n%s", out)
	}
}

var eventsRE = regexp.MustCompile(` events=(\d+) `)

// receivedEvents is the events count of the last status line of `harness receive`.
func receivedEvents(out string) int {
	all := eventsRE.FindAllStringSubmatch(out, -1)
	if len(all) == 0 {
		return 0
	}
	n, _ := strconv.Atoi(all[len(all)-1][1])
	return n
}

// startPlainReceive runs `harness receive` with args and no app to verify (signatures are
// parsed, not verified), as a user judging the pushes of an emulator app would.
func startPlainReceive(t *testing.T, args ...string) *receiveProc {
	t.Helper()
	return startReceiveProc(t, nil, args...)
}
