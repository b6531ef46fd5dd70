package receiver

import (
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestReplayCurl: a push judged on its body is rendered with a fresh-signature placeholder and
// the `harness sign` command; one judged on its signature keeps the header received; a body
// not saved is inlined, shell-quoted; a saved one is named by its file.
func TestReplayCurl(t *testing.T) {
	req := httptest.NewRequest("POST", "http://127.0.0.1:9/cb/status?x=1", nil)
	req.Header.Set("Authorization", `AKSK realm="SDP",profile="UsernameToken",type="Appkey"`)
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("X-AKSK", `UsernameToken Username="k",PasswordDigest="d",Nonce="n",Created="c"`)
	req.Header.Set("User-Agent", "platform")
	body := []byte(`{"a":"it's"}`)

	fresh := newReplay(req, body, "k", false)
	want := `curl -sS -o /dev/null -w '%{http_code}\n' -X POST 'http://127.0.0.1:9/cb/status?x=1' -H 'Authorization: AKSK realm="SDP",profile="UsernameToken",type="Appkey"' -H 'Content-Type: application/json' -H "X-AKSK: $PNS_SIGNED_HEADER" --data-raw '{"a":"it'\''s"}'  # PNS_SIGNED_HEADER: a fresh X-AKSK value signed for app key k (the one received is not kept: its nonce is spent): PNS_SIGNED_HEADER="$(harness sign --profile 'p.yaml' --app-key 'k' --format value)"`
	if got := fresh.Curl("", "p.yaml"); got != want {
		t.Errorf("fresh signature:\n got %s\nwant %s", got, want)
	}
	if strings.Contains(fresh.Curl("", ""), "platform") {
		t.Error("a transport header (User-Agent) is replayed")
	}

	kept := newReplay(req, body, "k", true)
	if got := kept.Curl("", ""); !strings.Contains(got, `-H 'X-AKSK: UsernameToken Username="k",PasswordDigest="d",Nonce="n",Created="c"'`) ||
		strings.Contains(got, "PNS_SIGNED_HEADER") {
		t.Errorf("kept signature: %s", got)
	}

	rep := Report{Violations: []ViolationSample{{Replay: fresh}}, BadSignatures: []BadSignatureSample{{Replay: kept}}}
	dir := t.TempDir()
	if err := rep.SaveReplays(dir); err != nil {
		t.Fatal(err)
	}
	// The report holds its own copies (the receiver's snapshots share the originals).
	if fresh.BodyFile != "" || kept.BodyFile != "" {
		t.Error("SaveReplays changed the replays another snapshot shares")
	}
	kept, fresh = rep.BadSignatures[0].Replay, rep.Violations[0].Replay
	if kept.BodyFile != "pushes/push-001.json" || fresh.BodyFile != "pushes/push-002.json" {
		t.Fatalf("body files %q, %q", kept.BodyFile, fresh.BodyFile)
	}
	if b, err := os.ReadFile(filepath.Join(dir, "pushes", "push-002.json")); err != nil || string(b) != string(body) {
		t.Errorf("saved body %q, %v", b, err)
	}
	if got := fresh.Curl(dir, ""); !strings.Contains(got, "--data-binary @'"+filepath.Join(dir, "pushes", "push-002.json")+"'") || strings.Contains(got, "report's directory") {
		t.Errorf("saved body in dir: %s", got)
	}
	if got := fresh.Curl("", ""); !strings.Contains(got, "--data-binary @'pushes/push-002.json'") || !strings.HasSuffix(got, "; run it in the report's directory") {
		t.Errorf("saved body, relative: %s", got)
	}
}

// TestCallTriggerCurl: a call is made again by its bind (signed afresh, X-WSSE for a WSSE app)
// and the emulator's calls request, joined so that the call runs after the bind.
func TestCallTriggerCurl(t *testing.T) {
	tr := &CallTrigger{URL: "http://127.0.0.1:9/emulator/v1/calls", Body: `{"caller":"+86","called":"+87"}`,
		Bind: &SignedRequest{Method: "POST", URL: "http://127.0.0.1:9/rest/bind", Body: `{"x":"y"}`, AppKey: "app", WSSE: true}}
	got := tr.Curl("")
	for _, want := range []string{
		`curl -sS -X POST 'http://127.0.0.1:9/rest/bind' -H 'Authorization: WSSE realm="SDP",profile="UsernameToken",type="Appkey"'`,
		`-H "X-WSSE: $PNS_SIGNED_HEADER" --data-raw '{"x":"y"}' && echo && curl -sS -X POST 'http://127.0.0.1:9/emulator/v1/calls' -H 'Content-Type: application/json' --data-raw '{"caller":"+86","called":"+87"}'  # `,
		`harness sign --app-key 'app' --format value --scheme wsse`,
	} {
		if !strings.Contains(got, want) {
			t.Errorf("call reproduction lacks %q:\n%s", want, got)
		}
	}
	if (*CallTrigger)(nil).Curl("") != "" {
		t.Error("a nil trigger renders a command")
	}
}

// TestReplayRedactsURL: a token in the receiver's URL (a secret of the user's) is written
// neither into the replay nor into its command.
func TestReplayRedactsURL(t *testing.T) {
	req := httptest.NewRequest("POST", "http://127.0.0.1:9/cb?token=s3cr3t&mode=1", nil)
	rp := newReplay(req, []byte(`{}`), "k", false)
	if strings.Contains(rp.URL, "s3cr3t") || strings.Contains(rp.Curl("", ""), "s3cr3t") || !strings.Contains(rp.URL, "token=redacted") {
		t.Errorf("replay URL %q", rp.URL)
	}
}
