package main

import (
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/pns-harness/pns-harness/pns"
)

// blockReply pushes a signed Block request and returns the status and the reply body.
func (p *pusher) blockReply(body string) (int, string) {
	p.t.Helper()
	req, err := http.NewRequest(http.MethodPost, p.url, strings.NewReader(body))
	if err != nil {
		p.t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/json;charset=UTF-8")
	p.sign(req.Header, p.secret)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		p.t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

// TestReceiveRulesAnswerBlockRequests: `harness receive --rules FILE` answers an X-mode Block
// callin and a Block SMS with the reply of the first matching rule, as docs/callbacks.md
// documents, and closes calls no rule matches.
func TestReceiveRulesAnswerBlockRequests(t *testing.T) {
	file := filepath.Join(t.TempDir(), "rules.yaml")
	if err := os.WriteFile(file, []byte(`
callin:
  - caller: "+8613800000021"
    reply:
      operation: connect
      connectInfo: {calleeNum: "+8613800000023", maxDuration: 60, userData: order-4711}
sms:
  - virtualNumber: "+8617001100001"
    reply: {operation: vNumberRoute, message: {called: "+8613800000002"}}
`), 0o600); err != nil {
		t.Fatal(err)
	}
	rp := startReceive(t, "--rules", file)
	p := rp.pusher(false)
	callin := func(caller string) string {
		return `{"eventType":"callin","statusInfo":{"sessionId":"x-` + caller + `","timestamp":"` + utc(time.Now()) + `","caller":"` + caller +
			`","called":"+8617001100001","notifyMode":"Block"}}`
	}
	status, reply := p.blockReply(callin("+8613800000021"))
	r, err := pns.ParseCallinReply([]byte(reply))
	if status != 200 || err != nil || r.Operation != pns.CallinConnect || r.ConnectInfo.CalleeNum != "+8613800000023" ||
		*r.ConnectInfo.MaxDuration != 60 || r.ConnectInfo.UserData != "order-4711" {
		t.Errorf("matched callin: %d %s (%v)", status, reply, err)
	}
	status, reply = p.blockReply(callin("+8613800000077"))
	if r, err := pns.ParseCallinReply([]byte(reply)); status != 200 || err != nil || r.Operation != pns.CallinClose {
		t.Errorf("unmatched callin: %d %s (%v)", status, reply, err)
	}
	sms := `{"appKey":"` + pushKey + `","smsEvent":{"smsIdentifier":"sms-r1","notificationMode":"Block","calling":"+8613800000001",` +
		`"virtualNumber":"+8617001100001","event":"TextSMS","timeStamp":"` + time.Now().UTC().Format("2006-01-02T15:04:05.000Z") + `"}}`
	status, reply = p.blockReply(sms)
	a, err := pns.ParseSMSBlockReply([]byte(reply), "+8613800000001")
	if status != 200 || err != nil || a.Operation != pns.SMSRoute || a.Message.Called != "+8613800000002" {
		t.Errorf("Block SMS: %d %s (%v)", status, reply, err)
	}
	code, out, rep := rp.stop()
	if rep.Counters.Invalid != 0 || rep.Counters.BadSignature != 0 {
		t.Errorf("exit %d, counters %+v\n%s", code, rep.Counters, out)
	}
	if !strings.Contains(out, "block replies: callin close ×1; callin connect ×1; sms vNumberRoute ×1") {
		t.Errorf("output lacks the block replies:\n%s", out)
	}
}

func TestReceiveRulesUsage(t *testing.T) {
	dir := t.TempDir()
	bad := filepath.Join(dir, "bad.yaml")
	if err := os.WriteFile(bad, []byte("callin:\n  - reply: {operation: connect, connectInfo: {calleeNum: '+8613800000023', maxDuration: 7200}}\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct{ file, say string }{
		{bad, "maxDuration"},
		{filepath.Join(dir, "missing.yaml"), "missing.yaml"},
	} {
		code, _, stderr := runHarness(t, nil, "receive", "--listen", "127.0.0.1:0", "--rules", tc.file)
		lines := strings.Split(strings.TrimSpace(stderr), "\n")
		if code != exitUsage || len(lines) != 1 || !strings.Contains(stderr, tc.say) {
			t.Errorf("--rules %s: exit %d, stderr %q", tc.file, code, stderr)
		}
	}
}
