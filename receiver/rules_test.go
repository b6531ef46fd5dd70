package receiver

import (
	"bytes"
	"maps"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/pns-harness/pns-harness/pns"
)

const ruleFile = `
callin:
  - caller: "+8613800000021"
    reply:
      operation: connect
      connectInfo: {calleeNum: "+8613800000023", maxDuration: 60, recordFlag: "true", userData: order-4711}
  - called: "+86170000000*"
    reply: {operation: close, closeInfo: {closeHintTone: closeHintTone001.wav}}
  - caller: "+8613900000001"
    raw: '{"operation":"connect","connectInfo":{"calleeNum":"+8613800000023","maxDuration":7200}}'
sms:
  - calling: "+8613800000001"
    reply: {operation: vNumberRoute, message: {called: "+8613800000002"}, userData: sms-7}
  - reply: {operation: DiscardMessage}
`

func TestRulesChooseBlockReplies(t *testing.T) {
	rules, err := ParseRules([]byte(ruleFile))
	if err != nil {
		t.Fatal(err)
	}
	r := New(Options{Apps: apps, Rules: rules, FailFirst: 1})
	h := r.Handler()
	send := func(body string) (int, string) {
		req := httptest.NewRequest(http.MethodPost, "/cb", bytes.NewReader([]byte(body)))
		appAKSK.Sign(req.Header)
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		return rec.Code, rec.Body.String()
	}
	callin := func(caller, called, mode string) string {
		return `{"eventType":"callin","statusInfo":{"sessionId":"s-` + caller + called + mode + `","timestamp":"2026-03-01 08:30:00","caller":"` + caller +
			`","called":"` + called + `","notifyMode":"` + mode + `"}}`
	}
	for _, tc := range []struct {
		name, body string
		status     int
		reply      string
	}{
		{"connect by caller", callin("+8613800000021", "+8617100000001", "Block"), 200,
			`{"operation":"connect","connectInfo":{"calleeNum":"+8613800000023","maxDuration":60,"recordFlag":"true","userData":"order-4711"}}`},
		{"close by X prefix", callin("+8613800000099", "+8617000000001", "Block"), 200,
			`{"operation":"close","closeInfo":{"closeHintTone":"closeHintTone001.wav"}}`},
		{"raw reply sent verbatim", callin("+8613900000001", "+8617100000001", "Block"), 200,
			`{"operation":"connect","connectInfo":{"calleeNum":"+8613800000023","maxDuration":7200}}`},
		{"no rule matches: close", callin("+8613800000098", "+8617100000001", "Block"), 200, DefaultCallinAnswer},
		// A Notify callin is an ordinary event: FailFirst (1) fails its first delivery.
		{"Notify callin", callin("+8613800000021", "+8617100000001", "Notify"), DefaultFailStatus, ""},
		{"SMS route fills calling", `{"appKey":"recvAppAKSK","smsEvent":{"smsIdentifier":"a","notificationMode":"Block","calling":"+8613800000001","virtualNumber":"+8617000000001","event":"TextSMS","timeStamp":"2026-03-01T08:00:00.000Z"}}`, 200,
			`{"actions":[{"operation":"vNumberRoute","message":{"called":"+8613800000002","calling":"+8613800000001"},"userData":"sms-7"}]}`},
		{"SMS catch-all discards", `{"appKey":"recvAppAKSK","smsEvent":{"smsIdentifier":"b","notificationMode":"Block","calling":"+8613800000005","virtualNumber":"+8617000000001","event":"TextSMS","timeStamp":"2026-03-01T08:00:00.000Z"}}`, 200,
			`{"actions":[{"operation":"DiscardMessage"}]}`},
	} {
		status, reply := send(tc.body)
		if status != tc.status || strings.TrimSpace(reply) != tc.reply {
			t.Errorf("%s: %d %s, want %d %s", tc.name, status, reply, tc.status, tc.reply)
		}
		if status == 200 && tc.reply != "" && tc.name != "raw reply sent verbatim" {
			var err error
			if strings.Contains(tc.body, "smsEvent") {
				_, err = pns.ParseSMSBlockReply([]byte(reply), "+8613800000001")
				if strings.Contains(reply, "Discard") {
					err = nil
				}
			} else {
				_, err = pns.ParseCallinReply([]byte(reply))
			}
			if err != nil {
				t.Errorf("%s: the reply breaks the contract: %v", tc.name, err)
			}
		}
	}
}

// The report counts the replies given, by kind and operation; a raw reply the contract does
// not allow counts as invalid.
func TestReportCountsBlockReplies(t *testing.T) {
	rules, err := ParseRules([]byte(ruleFile))
	if err != nil {
		t.Fatal(err)
	}
	r := New(Options{Apps: apps, Rules: rules})
	for _, b := range []string{
		`{"eventType":"callin","statusInfo":{"sessionId":"c1","timestamp":"2026-03-01 08:30:00","caller":"+8613800000021","called":"+8617100000001","notifyMode":"Block"}}`,
		`{"eventType":"callin","statusInfo":{"sessionId":"c2","timestamp":"2026-03-01 08:30:00","caller":"+8613900000001","called":"+8617100000001","notifyMode":"Block"}}`,
		`{"eventType":"callin","statusInfo":{"sessionId":"c3","timestamp":"2026-03-01 08:30:00","caller":"+8613800000055","called":"+8617100000001","notifyMode":"Block"}}`,
		`{"appKey":"recvAppAKSK","smsEvent":{"smsIdentifier":"s1","notificationMode":"Block","calling":"+8613800000005","virtualNumber":"+8617000000001","event":"TextSMS","timeStamp":"2026-03-01T08:00:00.000Z"}}`,
	} {
		if st := post(t, r.Handler(), &appAKSK, []byte(b)); st != 200 {
			t.Fatalf("status %d", st)
		}
	}
	want := map[string]int64{"callin connect": 1, "callin invalid": 1, "callin close": 1, "sms DiscardMessage": 1}
	if got := r.Snapshot().BlockReplies; !maps.Equal(got, want) {
		t.Errorf("block replies %v, want %v", got, want)
	}
}

func TestParseRulesErrors(t *testing.T) {
	for _, tc := range []struct{ name, file, say string }{
		{"empty", ``, "empty"},
		{"not YAML", "callin: [", "rules"},
		{"unknown key", "callin:\n  - caler: x\n    reply: {operation: close}\n", "caler"},
		{"no rules", "callin: []\n", "neither"},
		{"neither reply nor raw", "callin:\n  - caller: x\n", "callin[0]: want either reply or raw"},
		{"both", "callin:\n  - reply: {operation: close}\n    raw: x\n", "either"},
		{"connect without calleeNum", "callin:\n  - reply: {operation: connect, connectInfo: {maxDuration: 5}}\n", "calleeNum"},
		{"maxDuration too long", "callin:\n  - reply: {operation: connect, connectInfo: {calleeNum: '+8613800000023', maxDuration: 7200}}\n", "maxDuration"},
		{"unknown operation", "callin:\n  - reply: {operation: forward}\n", "forward"},
		{"sms route without called", "sms:\n  - reply: {operation: vNumberRoute}\n", "sms[0].reply"},
		{"sms unknown operation", "sms:\n  - reply: {operation: Drop}\n", "Drop"},
	} {
		_, err := ParseRules([]byte(tc.file))
		if err == nil || !strings.Contains(err.Error(), tc.say) {
			t.Errorf("%s: err %v, want one naming %q", tc.name, err, tc.say)
		}
	}
}
