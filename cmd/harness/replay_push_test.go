package main

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"
)

var (
	pushReplayRE = regexp.MustCompile(`(?m)^    reproduce: ((?:curl|for i in) .*)$`)
	curlURLRE    = regexp.MustCompile(`-X POST '(http://127\.0\.0\.1:\d+)([^']*)'`)
	signAssignRE = regexp.MustCompile(`PNS_SIGNED_HEADER="\$\(harness sign [^)]*\)"`)
)

// TestReplayPushJudgedWrong: `harness receive` judges a schema-invalid push, a badly signed
// one and a body delivered twice, saves their bodies under --out and prints a reproduce line
// for each. Run by a shell as a user would (the note's `harness sign` assignment for the
// first, the received header for the second, a loop signing each delivery for the third)
// against a second `harness receive`, they get the same judgements.
func TestReplayPushJudgedWrong(t *testing.T) {
	t.Parallel()
	if _, err := exec.LookPath("curl"); err != nil {
		t.Skip("curl is not installed: the reproduce lines cannot be run")
	}
	invalid := []byte(`{"eventType":"callin","statusInfo":{"timestamp":"2026-01-01 00:00:00","sessionId":"it's"}}`)
	rp := startReceive(t)
	p := rp.pusher(false)
	p.pushOK(invalid)
	if got := p.pushAs(callEvent("callin", "s-badsig@test", "", time.Now()), "not-the-secret"); got != 401 {
		t.Errorf("badly signed push answered %d, want 401", got)
	}
	duplicated := callEvent("callin", "s-dup@test", "", time.Now())
	p.pushOK(duplicated)
	p.pushOK(duplicated)
	code, out, rep := rp.stop()
	if code != exitFailed || rep.Counters.SchemaInvalid != 1 || rep.Counters.BadSignature != 1 || rep.Counters.Duplicates != 1 {
		t.Fatalf("exit %d, counters %+v\n%s", code, rep.Counters, out)
	}
	lines := pushReplayRE.FindAllStringSubmatch(out, -1)
	if len(lines) != 3 {
		t.Fatalf("want 3 reproduce lines (bad signature, schema violation, duplicate), got %d:\n%s", len(lines), out)
	}
	badSig, schema, dup := lines[0][1], lines[1][1], lines[2][1]
	if !strings.HasPrefix(dup, "for i in $(seq 2); do curl ") || !strings.Contains(dup, `-H "X-AKSK: $(harness sign --app-key 'push-app' --format value)"`) {
		t.Errorf("duplicate reproduce line does not send the body twice, each signed afresh: %s", dup)
	}
	if strings.Contains(out, pushSecret) {
		t.Errorf("the output shows the app secret:\n%s", out)
	}
	// The schema-invalid push: its body is a file under --out, byte for byte as received, and
	// its signature header is left to `harness sign`.
	if rep.Violations[0].Replay == nil || rep.Violations[0].Replay.BodyFile == "" {
		t.Fatalf("receiver.json names no body file: %+v", rep.Violations[0])
	}
	body, err := os.ReadFile(filepath.Join(rp.out, filepath.FromSlash(rep.Violations[0].Replay.BodyFile)))
	if err != nil || !bytes.Equal(body, invalid) {
		t.Errorf("saved body %q (%v), want %q", body, err, invalid)
	}
	for _, want := range []string{"--data-binary @'" + rp.out, `-H "X-AKSK: $PNS_SIGNED_HEADER"`, "harness sign --app-key 'push-app' --format value"} {
		if !strings.Contains(schema, want) {
			t.Errorf("schema reproduce line lacks %q: %s", want, schema)
		}
	}
	// The badly signed push keeps the header it was judged by.
	if !strings.Contains(badSig, "-H 'X-AKSK: UsernameToken ") || strings.Contains(badSig, "PNS_SIGNED_HEADER") {
		t.Errorf("bad-signature reproduce line does not re-send the received header: %s", badSig)
	}

	// The report of the directory shows them too: its callback anomalies, and the failure
	// text of the JUnit and CTRF cases of the checks they failed (the bodies named relative
	// to the directory).
	repDir := filepath.Join(t.TempDir(), "report")
	if code, rout, rerr := runHarness(t, nil, "report", rp.out, "--out", repDir); code != exitFailed {
		t.Fatalf("report: exit %d, want %d\n%s%s", code, exitFailed, rout, rerr)
	}
	for _, name := range []string{"index.html", "junit.xml", "ctrf.json"} {
		b, err := os.ReadFile(filepath.Join(repDir, name))
		if err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(string(b), "reproduce: curl -sS") || !strings.Contains(string(b), "pushes/push-002.json") {
			t.Errorf("%s shows no reproduction of the schema-invalid push", name)
		}
	}

	// Replay both against a fresh receiver, as a user would against theirs.
	profile := filepath.Join(t.TempDir(), "profile.yaml")
	if err := os.WriteFile(profile, []byte(`emulator: false
numberBlocks: ["+86138001"]
apps:
  AXB:
    appKey: `+pushKey+`
    appSecretEnv: `+pushSecretEnv+`
    xRanges:
      - {from: "+8617001100000", count: 10, cityCode: "010"}
`), 0o600); err != nil {
		t.Fatal(err)
	}
	rp2 := startReceive(t)
	// `harness` in the shell is this binary with the profile of the push app (the lines
	// name no profile: `harness receive` has none).
	harnessFn := `harness() { PNS_HARNESS_TEST_AS_BINARY=1 "$HARNESS_BIN" "$@" --profile "$HARNESS_PROFILE"; }; `
	for _, line := range []string{schema, badSig, dup} {
		line = curlURLRE.ReplaceAllString(line, "-X POST '"+rp2.url+"$2'")
		script := harnessFn
		if strings.Contains(line, "$PNS_SIGNED_HEADER") {
			// The note's own assignment, as a user pastes it.
			m := signAssignRE.FindString(line)
			if m == "" {
				t.Fatalf("the note has no PNS_SIGNED_HEADER assignment: %s", line)
			}
			script += m + " && "
		}
		cmd := exec.Command("bash", "-c", script+line) // the trailing "# ..." note is a shell comment
		cmd.Env = append(os.Environ(), "HARNESS_BIN="+os.Args[0], "HARNESS_PROFILE="+profile, pushSecretEnv+"="+pushSecret)
		res, err := cmd.CombinedOutput()
		if err != nil {
			t.Fatalf("running %s: %v\n%s", line, err, res)
		}
	}
	_, out2, rep2 := rp2.stop()
	if c := rep2.Counters; c.SchemaInvalid != 1 || c.BadSignature != 1 || c.Duplicates != 1 || c.Requests != 4 {
		t.Fatalf("replayed: counters %+v, want the same judgements (1 schema-invalid, 1 bad signature, 1 duplicate of 4 requests)\n%s", rep2.Counters, out2)
	}
	if got, want := rep2.Violations[0].Violations, rep.Violations[0].Violations; strings.Join(got, "|") != strings.Join(want, "|") {
		t.Errorf("replayed violations %q, want %q", got, want)
	}
	if got, want := rep2.BadSignatures[0].Reason, rep.BadSignatures[0].Reason; got != want {
		t.Errorf("replayed bad signature: %q, want %q", got, want)
	}
}
