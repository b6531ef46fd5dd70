package main

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"regexp"
	"strings"
	"testing"
)

// bindWithHeaders sends one AXB bind to the platform with the given authentication headers
// (and the contract's Content-Type) and returns the answer's resultcode and resultdesc.
func bindWithHeaders(t *testing.T, p *platform, headers [][2]string, caller string) (code, desc string) {
	t.Helper()
	// each bind its own X, caller and callee: a pair bound twice on one X is refused
	body := `{"relationNum":"+86170011000` + caller[len(caller)-2:] + `","callerNum":"` + caller + `","calleeNum":"+86139001000` + caller[len(caller)-2:] + `"}`
	req, err := http.NewRequest(http.MethodPost, p.URL+"/rest/caas/relationnumber/partners/v1.0", bytes.NewReader([]byte(body)))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/json;charset=UTF-8")
	for _, h := range headers {
		req.Header.Set(h[0], h[1])
	}
	resp, err := p.client(t).Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	var ans struct {
		ResultCode string `json:"resultcode"`
		ResultDesc string `json:"resultdesc"`
	}
	if err := json.Unmarshal(b, &ans); err != nil {
		t.Fatalf("answer %d %q: %v", resp.StatusCode, b, err)
	}
	return ans.ResultCode, ans.ResultDesc
}

// curlHeaderRE matches one -H 'Name: value' of `harness sign --format curl` (the values hold
// no single quote).
var curlHeaderRE = regexp.MustCompile(`-H '([^':]+): ([^']*)'`)

// TestSignHeadersAuthenticate: the headers `harness sign` prints, in each format, authenticate
// a bind on a platform-only emulator (resultcode 0), and the app secret, read from the
// environment variable the profile names, appears in none of its output. A wrong secret in
// that variable gives headers the platform refuses, so the check can fail.
func TestSignHeadersAuthenticate(t *testing.T) {
	t.Parallel()
	p := startPlatform(t)
	prof := platformProfile(t, "")
	const secret = "demo-axb-secret"
	env := append([]string(nil), platformEnv...)

	code, stdout, stderr := runHarness(t, env, "sign", "--profile", prof, "--app", "AXB", "--format", "curl")
	if code != exitOK {
		t.Fatalf("sign --format curl: exit %d\n%s%s", code, stdout, stderr)
	}
	var curl [][2]string
	for _, m := range curlHeaderRE.FindAllStringSubmatch(stdout, -1) {
		curl = append(curl, [2]string{m[1], m[2]})
	}
	if len(curl) != 2 || curl[0][0] != "Authorization" || curl[1][0] != "X-AKSK" || strings.TrimSpace(curlHeaderRE.ReplaceAllString(stdout, "")) != "" {
		t.Fatalf("sign --format curl printed %q, want -H 'Authorization: …' -H 'X-AKSK: …'", stdout)
	}
	if rc, desc := bindWithHeaders(t, p, curl, "+8613800100001"); rc != "0" {
		t.Errorf("bind signed by --format curl: resultcode %s (%s), want 0", rc, desc)
	}

	code, stdout, stderr = runHarness(t, env, "sign", "--profile", prof, "--app-key", "demo-axb", "--format", "header")
	if code != exitOK {
		t.Fatalf("sign --format header: exit %d\n%s%s", code, stdout, stderr)
	}
	var lines [][2]string
	for _, l := range strings.Split(strings.TrimRight(stdout, "\n"), "\n") {
		name, value, ok := strings.Cut(l, ": ")
		if !ok {
			t.Fatalf("sign --format header: line %q is not Name: value", l)
		}
		lines = append(lines, [2]string{name, value})
	}
	if rc, desc := bindWithHeaders(t, p, lines, "+8613800100002"); rc != "0" {
		t.Errorf("bind signed by --format header: resultcode %s (%s), want 0", rc, desc)
	}

	// --format value fills $PNS_SIGNED_HEADER of a reproduce line, whose Authorization header
	// is printed as sent.
	code, stdout, stderr = runHarness(t, env, "sign", "--profile", prof, "--app", "AXB", "--format", "value")
	if code != exitOK || strings.Count(stdout, "\n") != 1 || !strings.HasPrefix(stdout, `UsernameToken Username="demo-axb",`) {
		t.Fatalf("sign --format value: exit %d, %q\n%s", code, stdout, stderr)
	}
	value := [][2]string{{"Authorization", `AKSK realm="SDP",profile="UsernameToken",type="Appkey"`}, {"X-AKSK", strings.TrimSpace(stdout)}}
	if rc, desc := bindWithHeaders(t, p, value, "+8613800100003"); rc != "0" {
		t.Errorf("bind signed by --format value: resultcode %s (%s), want 0", rc, desc)
	}
	if strings.Contains(stdout+stderr, secret) {
		t.Errorf("the app secret is printed:\n%s%s", stdout, stderr)
	}

	wrong := []string{"PNS_T_AXB=not-the-secret", "PNS_T_AX=demo-ax-secret", "PNS_T_AXE=demo-axe-secret"}
	code, stdout, stderr = runHarness(t, wrong, "sign", "--profile", prof, "--app", "AXB", "--format", "header")
	if code != exitOK {
		t.Fatalf("sign with another secret: exit %d\n%s%s", code, stdout, stderr)
	}
	if strings.Contains(stdout+stderr, "not-the-secret") {
		t.Errorf("the app secret is printed:\n%s%s", stdout, stderr)
	}
	lines = nil
	for _, l := range strings.Split(strings.TrimRight(stdout, "\n"), "\n") {
		name, value, _ := strings.Cut(l, ": ")
		lines = append(lines, [2]string{name, value})
	}
	if rc, _ := bindWithHeaders(t, p, lines, "+8613800100004"); rc == "0" {
		t.Errorf("headers signed with a wrong secret were accepted")
	}
}

// TestSignUsageErrors: bad flags, an unknown app and an unset secret variable are refused with
// exit 2 before anything is signed, and say what is wrong in one line.
func TestSignUsageErrors(t *testing.T) {
	t.Parallel()
	prof := platformProfile(t, "")
	for _, c := range []struct {
		args []string
		env  []string
		want string
	}{
		{[]string{"sign", "--profile", prof}, platformEnv, "give exactly one of --app and --app-key"},
		{[]string{"sign", "--profile", prof, "--app", "AXB", "--app-key", "demo-axb"}, platformEnv, "give exactly one of --app and --app-key"},
		{[]string{"sign", "--profile", prof, "--app", "AXB", "--format", "json"}, platformEnv, `--format "json": want curl, header or value`},
		{[]string{"sign", "--profile", prof, "--app", "AXB", "--scheme", "basic"}, platformEnv, `--scheme "basic": want aksk or wsse`},
		{[]string{"sign", "--profile", prof, "--app", "BX"}, platformEnv, `--app "BX": no such app in the profile (apps: AX, AXB, AXE)`},
		{[]string{"sign", "--profile", prof, "--app-key", "k9"}, platformEnv, `--app-key "k9": no app of the profile has it`},
		{[]string{"sign", "--profile", prof, "--app", "AXB"}, nil, "environment variable PNS_T_AXB is not set"},
		{[]string{"sign", "--app", "AXB", "extra"}, nil, "extra"},
	} {
		code, stdout, stderr := runHarness(t, c.env, c.args...)
		if code != exitUsage || stdout != "" || !strings.Contains(strings.SplitN(stderr, "\n", 2)[0], c.want) {
			t.Errorf("%v: exit %d, stdout %q, stderr %q; want exit 2 and %q", c.args[1:], code, stdout, stderr, c.want)
		}
	}
}
