package main

import (
	"bufio"
	"fmt"
	"io"
	"net/http"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/pns-harness/pns-harness/assemble"
	"github.com/pns-harness/pns-harness/emulator"
	"github.com/pns-harness/pns-harness/receiver"
	"github.com/pns-harness/pns-harness/reports"
)

// countThresholds are the default callback thresholds that do not depend on the machine's
// speed (the delay ones would make a test fail on a busy machine).
func countThresholds() []string {
	var args []string
	for _, th := range assemble.DefaultCallbackThresholds {
		if !strings.Contains(th, ".p") {
			args = append(args, "--threshold", th)
		}
	}
	return args
}

// TestReceiveValidTrafficOfEveryKind: an independent pusher sends what a correct platform
// sends (AXB, AX and AXE sequences, fee records before their disconnect, a batch of 50,
// optional fields absent, X-number status, SMS Notify and Block, both signature schemes):
// `harness receive` finds no anomaly and exits 0.
func TestReceiveValidTrafficOfEveryKind(t *testing.T) {
	t.Parallel()
	rp := startReceive(t, append([]string{"--settle", "1ns", "--late-after", "10m"}, countThresholds()...)...)
	aksk, wsse := rp.pusher(false), rp.pusher(true)
	scenarios := [][]string{b1, b3, b4, b7, e1, e2}
	var pending []string // calls whose disconnect follows their fee record
	var fees []map[string]any
	for i := 0; i < 50; i++ {
		p := aksk
		if i%2 == 1 {
			p = wsse
		}
		sc := scenarios[i%len(scenarios)]
		s := p.call(sc[:len(sc)-1]...)
		pending = append(pending, s)
		fees = append(fees, feeInfo(pushKey, s, time.Now(), sc[len(sc)-2] == "answer", false))
	}
	aksk.pushOK(feeBatch(fees...)) // a full batch of 50, before the disconnects
	for i, s := range pending {
		p := aksk
		if i%2 == 0 {
			p = wsse
		}
		p.pushOK(callEvent("disconnect", s, "sub-1", time.Now()))
	}
	fees = nil
	for i := 0; i < 10; i++ { // optional fields absent: no subscriptionId, minimal fee records
		s := wsse.call()
		for _, e := range b4 {
			wsse.pushOK(callEvent(e, s, "", time.Now()))
		}
		fees = append(fees, feeInfo(pushKey, s, time.Now(), false, true))
	}
	wsse.pushOK(feeBatch(fees...))
	aksk.pushOK([]byte(`{"eventType":"numStatus","numInfo":[{"number":"+8617001100001","status":"10","cause":"2"},{"number":"+8617001100002","status":"5"}]}`))
	aksk.pushOK(smsBody(pushKey, "Notify", time.Now()))
	if got := wsse.push(smsBody(pushKey, "Block", time.Now())); got != http.StatusOK {
		t.Errorf("SMS Block answered %d", got)
	}
	code, out, rep := rp.stop()
	cb := assemble.Callbacks(rep, nil)
	if code != exitOK || cb.Counters.Total() != 0 || len(cb.Failures()) != 0 {
		t.Fatalf("exit %d, counters %+v, failures %v\n%s", code, cb.Counters, cb.Failures(), out)
	}
	s := rep.Sessions
	if s.Total != 60 || s.Judged != 60 || s.Incomplete != 0 || rep.Counters.MaxFeeBatch != 50 || rep.Counters.FeeRecords != 60 {
		t.Errorf("sessions %+v, fee records %d (max batch %d)", s, rep.Counters.FeeRecords, rep.Counters.MaxFeeBatch)
	}
	if rep.ByScheme["AKSK"] == 0 || rep.ByScheme["WSSE"] == 0 || rep.Counters.NumStatusChanges != 2 || rep.Counters.SMSNotify != 1 || rep.Counters.SMSBlock != 1 {
		t.Errorf("schemes %v, counters %+v", rep.ByScheme, rep.Counters)
	}
	if cb.MissingBasis != "pushes" || !strings.Contains(out, "missing 0, judged from the pushes") || !strings.Contains(out, "ok   callback.orphan==0") {
		t.Errorf("basis %q, output:\n%s", cb.MissingBasis, out)
	}
}

// TestReceiveCatchesEachFault: each fault class an independent pusher injects is counted in
// its row, named in the output and fails `harness receive` (exit 1; a late push breaks the
// default callback.late==0 threshold: exit 99).
func TestReceiveCatchesEachFault(t *testing.T) {
	t.Parallel()
	old := func() time.Time { return time.Now().Add(-30 * time.Second) }
	for _, tc := range []struct {
		name  string
		push  func(a, w *pusher) string // returns the session to be named, if any
		check func(rep receiver.Report) bool
		code  int
		say   string
	}{
		{"missing callin", func(a, w *pusher) string {
			s := a.call(b1[1:]...)
			a.pushOK(feeBatch(feeInfo(pushKey, s, time.Now(), true, false)))
			return s
		}, func(r receiver.Report) bool { return r.ByType["callin"].Missing == 1 }, exitFailed, "missing callin"},
		{"missing answer although the fee record has an answer time", func(a, w *pusher) string {
			s := w.call(b3...)
			w.pushOK(feeBatch(feeInfo(pushKey, s, time.Now(), true, false)))
			return s
		}, func(r receiver.Report) bool { return r.ByType["answer"].Missing == 1 }, exitFailed, "missing answer"},
		{"missing disconnect", func(a, w *pusher) string {
			s := a.call(b1[:4]...)
			a.pushOK(feeBatch(feeInfo(pushKey, s, time.Now(), true, false)))
			return s
		}, func(r receiver.Report) bool { return r.ByType["disconnect"].Missing == 1 }, exitFailed, "missing disconnect"},
		{"missing fee record", func(a, w *pusher) string { return a.call(b7...) },
			func(r receiver.Report) bool { return r.ByType["fee"].Missing == 1 }, exitFailed, "missing fee"},
		{"orphan fee record", func(a, w *pusher) string {
			s := "orphan_1@test"
			w.pushOK(feeBatch(feeInfo(pushKey, s, time.Now(), false, false)))
			return s
		}, func(r receiver.Report) bool { return r.Sessions.Orphan == 1 }, exitFailed, "orphan-fee"},
		{"event after the disconnect", func(a, w *pusher) string {
			s := a.call(b7...)
			a.pushOK(callEvent("alerting", s, "sub-1", time.Now().Add(time.Minute)))
			a.pushOK(feeBatch(feeInfo(pushKey, s, time.Now(), false, false)))
			return s
		}, func(r receiver.Report) bool { return r.Sessions.AfterDisconnect == 1 }, exitFailed, "event-after-disconnect"},
		{"not JSON", func(a, w *pusher) string { a.pushOK([]byte(`{"eventType":"callin",`)); return "" },
			func(r receiver.Report) bool { return r.Counters.Invalid == 1 && len(r.Latency) == 0 }, exitFailed, "invalid"},
		{"wrong types", func(a, w *pusher) string {
			a.pushOK([]byte(`{"eventType":"callin","statusInfo":{"timestamp":"2026-01-01 00:00:00","sessionId":7,"caller":"a","called":"b"}}`))
			return ""
		}, func(r receiver.Report) bool { return r.Counters.Invalid == 1 && len(r.Latency) == 0 }, exitFailed, "invalid"},
		{"schema-invalid", func(a, w *pusher) string {
			a.pushOK([]byte(`{"eventType":"callin","statusInfo":{"timestamp":"2026-01-01 00:00:00","sessionId":"s"}}`))
			return ""
		}, func(r receiver.Report) bool { return r.Counters.Invalid == 1 && r.Counters.SchemaInvalid == 1 }, exitFailed, "invalid"},
		{"unknown event type", func(a, w *pusher) string {
			a.pushOK(callEvent("transfer", "s-unknown@test", "", time.Now()))
			return ""
		}, func(r receiver.Report) bool {
			_, row := r.ByType["transfer"]
			return r.Counters.Invalid == 1 && !row && len(r.Latency) == 0
		}, exitFailed, "invalid"},
		{"duplicate", func(a, w *pusher) string {
			s := a.call(b7...)
			fee := feeBatch(feeInfo(pushKey, s, time.Now(), false, false))
			a.pushOK(fee)
			w.pushOK(fee) // the same body again after its 200, freshly signed
			return ""
		}, func(r receiver.Report) bool {
			l, _ := r.LatencyFor(receiver.RefPlatform, "fee")
			return r.ByType["fee"].Duplicate == 1 && r.ByType["fee"].Received == 1 && l.Count == 1 && r.Counters.OutOfOrder == 0
		}, exitFailed, "callback duplicated"},
		{"bad signature", func(a, w *pusher) string {
			if got := a.pushAs(callEvent("callin", "s-forged@test", "", time.Now()), "guessed"); got != http.StatusUnauthorized {
				t.Errorf("forged push answered %d", got)
			}
			return ""
		}, func(r receiver.Report) bool { return r.Counters.BadSignature == 1 && r.Counters.Events == 0 }, exitFailed, "badly signed"},
		{"replayed signature", func(a, w *pusher) string {
			s := a.call(b7...)
			a.replay = a.last
			if got := a.push(feeBatch(feeInfo(pushKey, s, time.Now(), false, false))); got != http.StatusUnauthorized {
				t.Errorf("replayed headers answered %d", got)
			}
			return ""
		}, func(r receiver.Report) bool { return r.Counters.NonceReplays == 1 }, exitFailed, "nonce replayed"},
		{"late disconnect", func(a, w *pusher) string {
			s := "late_1@test"
			a.pushOK(callEvent("callin", s, "sub-1", old().Add(-time.Second)))
			a.pushOK(callEvent("disconnect", s, "sub-1", old()))
			a.pushOK(feeBatch(feeInfo(pushKey, s, time.Now(), false, false)))
			return ""
		}, func(r receiver.Report) bool { return r.ByType["disconnect"].Late == 1 && r.Counters.Late == 2 }, exitThreshold, "FAIL callback.late==0"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			rp := startReceive(t, "--settle", "1ns", "--late-after", "10s")
			a, w := rp.pusher(false), rp.pusher(true)
			a.t, w.t = t, t
			session := tc.push(a, w)
			code, out, rep := rp.stop()
			if code != tc.code || !tc.check(rep) {
				t.Errorf("exit %d (want %d), settle %v, counters %+v, sessions %+v, by type %+v\n%s", code, tc.code, rep.Settle, rep.Counters, rep.Sessions, rep.ByType, out)
			}
			if !strings.Contains(out, tc.say) || (session != "" && !strings.Contains(out, session)) {
				t.Errorf("output does not say %q (session %q):\n%s", tc.say, session, out)
			}
		})
	}
}

// TestRunTargetReceiveJudgesPushes: `harness run --target --receive` against `emulate
// --platform-only` applies the default callback thresholds to what the pusher sends during
// the run: a call without its disconnect and a fee record without any call fail the run.
func TestRunTargetReceiveJudgesPushes(t *testing.T) {
	t.Parallel()
	p := startPlatform(t, "--config", platformConfig(t, func(c *emulator.Config) { c.LockoutWindowSeconds = 2 }))
	prof := platformProfile(t, "lockout: {failures: 10, window: 2s}\n")
	out := t.TempDir()
	cmd := harnessCmd(t, "run", "--target", p.URL, "--profile", prof, "--ca-file", p.CertFile, "--out", out, "--seed", "7",
		"--tags", "@axb.unbind", "--no-load", "--receive", "127.0.0.1:0", "--settle", "2s", "--late-after", "10m",
		"--threshold", "conformance.errors==0")
	cmd.Env = append(cmd.Env, platformEnv...)
	logs := &syncBuffer{}
	cmd.Stderr = logs
	pipe, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	var url string
	sc := bufio.NewScanner(pipe)
	for sc.Scan() {
		logs.Write([]byte(sc.Text() + "\n"))
		if rest, ok := strings.CutPrefix(sc.Text(), "callback receiver: "); ok {
			url, _, _ = strings.Cut(rest, " ")
			break
		}
	}
	if url == "" {
		_ = cmd.Wait()
		t.Fatalf("no receiver URL:\n%s", logs.String())
	}
	done := make(chan struct{})
	go func() { _, _ = io.Copy(logs, pipe); close(done) }()
	a := &pusher{t: t, url: url, key: "demo-axb", secret: "demo-axb-secret"}
	w := &pusher{t: t, url: url, key: "demo-axb", secret: "demo-axb-secret", wsse: true}
	good := a.call(b1...)
	w.pushOK(feeBatch(feeInfo("demo-axb", good, time.Now(), true, false)))
	noDisconnect := w.call(b1[:4]...)
	a.pushOK(feeBatch(feeInfo("demo-axb", noDisconnect, time.Now(), true, false)))
	orphan := "orphan_run@test"
	a.pushOK(feeBatch(feeInfo("demo-axb", orphan, time.Now(), false, false)))
	<-done
	err = cmd.Wait()
	code := cmd.ProcessState.ExitCode()
	if code != exitFailed {
		t.Fatalf("exit %d (%v), want %d\n%s", code, err, exitFailed, logs.String())
	}
	// The calls judged wrong are the platform's, not the harness's: no command makes them again.
	if !strings.Contains(logs.String(), "    reproduce: "+receiver.NotOurCall) {
		t.Errorf("run does not say that the target's calls are not reproducible here:\n%s", logs.String())
	}
	s, err := reports.LoadSummary(filepath.Join(out, "summary.json"))
	if err != nil {
		t.Fatal(err)
	}
	cb := s.Callbacks
	if cb == nil || cb.Counters.Missing != 1 || cb.Counters.Orphan != 1 || cb.MissingBasis != reports.MissingFromPushes {
		t.Fatalf("callbacks %+v\n%s", cb, logs.String())
	}
	failed := map[string]bool{}
	for _, th := range s.Thresholds {
		if !th.Passed {
			failed[th.Expression] = true
		}
	}
	if !failed["callback.missing==0"] || !failed["callback.orphan==0"] || failed["callback.badSignature==0"] {
		t.Errorf("failed thresholds %v", failed)
	}
	problems := strings.Join(cb.Problems, "\n")
	if !strings.Contains(problems, noDisconnect+": missing disconnect") || !strings.Contains(problems, orphan+": orphan-fee") || strings.Contains(problems, good) {
		t.Errorf("problems:\n%s", problems)
	}
}

// TestLoadCallsJudgesCallbacks: `harness load --scenario calls` shows expected, received and
// missing per type and applies the callback thresholds in the grammar every subcommand
// shares (callback.missing==0 was refused by load before); an unknown callback metric is
// refused before the run with exit 2. The receiver listens on port 0: the embedded emulator is
// told the address it got.
func TestLoadCallsJudgesCallbacks(t *testing.T) {
	out := t.TempDir()
	// --generator-lag 0: the generator's own lag on a busy machine is not what this test judges.
	args := append([]string{"load", "--scenario", "calls", "--duration", "2s", "--rate", "3", "--receiver-listen", "127.0.0.1:0",
		"--out", out, "--late-after", "10m", "--progress", "-1s", "--generator-lag", "0", "--threshold", "calls.success>=0%"}, countThresholds()...)
	code, stdout, stderr := runHarness(t, nil, args...)
	if code != exitOK {
		t.Fatalf("exit %d\nstdout:\n%s\nstderr:\n%s", code, stdout, stderr)
	}
	for _, want := range []string{"ok   callback.missing==0 (observed 0)", "ok   callback.orphan==0", "received of"} {
		if !strings.Contains(stdout, want) {
			t.Errorf("stdout lacks %q:\n%s", want, stdout)
		}
	}
	rep, err := assemble.ReadReceiver(filepath.Join(out, assemble.ReceiverFile))
	if err != nil {
		t.Fatal(err)
	}
	cb := assemble.Callbacks(*rep, nil)
	if cb.MissingBasis != reports.MissingExpected || cb.Expected == 0 || cb.Received < cb.Expected || cb.Counters.Missing != 0 {
		t.Errorf("basis %q, expected %d, received %d, missing %d", cb.MissingBasis, cb.Expected, cb.Received, cb.Counters.Missing)
	}

	code, _, stderr = runHarness(t, nil, "load", "--scenario", "calls", "--duration", "1s", "--rate", "1", "--threshold", "callback.fee.p42x<1s")
	if code != exitUsage || !strings.Contains(stderr, `unknown callback metric "callback.fee.p42x"`) {
		t.Errorf("unknown metric: exit %d, stderr %q", code, stderr)
	}
	code, _, stderr = runHarness(t, nil, "run", "--threshold", "callback.fe.p95<1s")
	if code != exitUsage || !strings.Contains(stderr, `unknown notification type "fe"`) {
		t.Errorf("run, unknown type: exit %d, stderr %q", code, stderr)
	}
}

// TestReceiveAcceptsEverySMSForm pushes to `harness receive` each form of SMS notification the
// contract documents (§10.2, §10.4, D90): Huawei's Notify example (event "Text SMS " with a
// trailing space, ISO 8601 timeStamp with milliseconds, extInfo, no called), its Block example
// (event "TextSMS"), the emulator's form (no extInfo, called present) and the
// yyyy-MM-dd HH:mm:ss timestamp of the other notifications. Every one is a valid notification
// with a measured delay; a timestamp of neither form is still refused by the schema.
func TestReceiveAcceptsEverySMSForm(t *testing.T) {
	t.Parallel()
	iso := func(t time.Time) string { return t.UTC().Format("2006-01-02T15:04:05.000Z") }
	now := time.Now()
	ext := `"extInfo":{"extParas":[{"key":"splitNum","value":"0"},{"key":"direction","value":"2"}]}`
	sms := func(mode, event, ts, extra string) []byte {
		return []byte(fmt.Sprintf(`{"appKey":%q,"smsEvent":{"smsIdentifier":"sms-%d","notificationMode":%q,`+
			`"calling":"+8613800000001","virtualNumber":"+8617001100001","event":%q,"timeStamp":%q%s}}`,
			pushKey, pushSeq.Add(1), mode, event, ts, extra))
	}
	valid := []struct {
		name string
		body []byte
	}{
		{"Huawei's Notify example", sms("Notify", "Text SMS ", iso(now), ","+ext+`,"sendResult":2`)},
		{"Huawei's Block example", sms("Block", "TextSMS", iso(now), ","+ext+`,"sendResult":0`)},
		{"the emulator's Notify (D90)", sms("Notify", "TextSMS", iso(now), `,"called":"+8613900000002","smsContent":"hi","sendResult":0`)},
		{"yyyy-MM-dd HH:mm:ss", sms("Notify", "TextSMS", now.UTC().Format("2006-01-02 15:04:05"), `,"sendResult":0`)},
	}
	rp := startReceive(t)
	p := rp.pusher(false)
	for _, v := range valid {
		if got := p.push(v.body); got != http.StatusOK {
			t.Errorf("%s: answered HTTP %d", v.name, got)
		}
	}
	// The control: a timestamp of neither form.
	if got := p.push(sms("Notify", "TextSMS", "2020/12/23 09:06:16", "")); got != http.StatusOK {
		t.Errorf("bad timestamp: answered HTTP %d", got)
	}
	_, out, rep := rp.stop()
	c := rep.Counters
	// The control counts as a Notify received, invalid, without a measurable delay.
	if c.SMSNotify != 4 || c.SMSBlock != 1 || c.SchemaInvalid != 1 || c.Invalid != 1 || c.BadTimestamps != 1 {
		t.Errorf("counters: notify %d (want 4), block %d (want 1), schemaInvalid %d, invalid %d and badTimestamps %d (want 1 each: the control)\n%s",
			c.SMSNotify, c.SMSBlock, c.SchemaInvalid, c.Invalid, c.BadTimestamps, out)
	}
}
