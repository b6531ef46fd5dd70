package main

import (
	"bytes"
	"os"
	"os/exec"
	"regexp"
	"strings"
	"testing"
)

var (
	reproduceRE = regexp.MustCompile(`(?m)^\s+reproduce: (curl .*)$`)
	appKeyRE    = regexp.MustCompile(`--app-key '([^']+)'`)
)

// checkReproduceLine checks the reproduce line of a property failure in stdout: a curl
// command of the request with the failing value in its body and its signature header read
// from $PNS_SIGNED_HEADER, ending with the `harness sign` command for the profile. It then
// does what a user would: signs a fresh header with `harness sign`, runs the command with curl
// and checks that the platform gives the same answer (wantInAnswer) again.
func checkReproduceLine(t *testing.T, stdout, profile, wantInBody, wantInAnswer string) {
	t.Helper()
	m := reproduceRE.FindStringSubmatch(stdout)
	if m == nil {
		t.Fatalf("no reproduce line:\n%s", stdout)
	}
	line := m[1]
	for _, want := range []string{"--data-raw '", wantInBody, `: $PNS_SIGNED_HEADER"`, "harness sign --profile '" + profile + "' --app-key '", "--format value"} {
		if !strings.Contains(line, want) {
			t.Errorf("reproduce line lacks %q: %s", want, line)
		}
	}
	if strings.Contains(line, "secret") {
		t.Errorf("the reproduce line shows a secret: %s", line)
	}
	key := appKeyRE.FindStringSubmatch(line)
	if key == nil {
		t.Fatalf("reproduce line names no app key: %s", line)
	}
	code, header, stderr := runHarness(t, nil, "sign", "--profile", profile, "--app-key", key[1], "--format", "value")
	if code != exitOK || strings.TrimSpace(header) == "" {
		t.Fatalf("harness sign: exit %d\n%s%s", code, header, stderr)
	}
	if _, err := exec.LookPath("curl"); err != nil {
		t.Skip("curl is not installed: the reproduce line was checked but not run")
	}
	cmd := exec.Command("bash", "-c", line) // the trailing "# ..." note is a shell comment
	cmd.Env = append(os.Environ(), "PNS_SIGNED_HEADER="+strings.TrimSpace(header))
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	if err := cmd.Run(); err != nil {
		t.Fatalf("running the reproduce line: %v\n%s", err, errb.String())
	}
	if !strings.Contains(out.String(), wantInAnswer) {
		t.Errorf("the reproduced request got %s, want an answer with %s", out.String(), wantInAnswer)
	}
}
