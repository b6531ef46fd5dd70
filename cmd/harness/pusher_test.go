package main

// An independent pusher: it builds notification bodies from the contract's field tables
// (reference §7-§10) and signs them with its own X-AKSK and X-WSSE code (§2.1, §2.2), not with
// package pns or the emulator, so that the receiver is judged against the contract and not
// against the harness's own reading of it.

import (
	"bufio"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/pns-harness/pns-harness/receiver"
)

// pusher signs and POSTs bodies as the platform does.
type pusher struct {
	t      *testing.T
	url    string
	key    string
	secret string
	wsse   bool // X-WSSE instead of X-AKSK
	// replay, when set, is a header set re-sent with the next push (a captured signature).
	replay http.Header
	last   http.Header
}

// sign builds the authentication headers of §2: AKSK digest = Base64(HMAC-SHA256(secret,
// nonce+created)), WSSE digest = Base64(SHA-256(nonce+created+secret)).
func (p *pusher) sign(h http.Header, secret string) {
	b := make([]byte, 16)
	_, _ = rand.Read(b)
	nonce := strings.ToUpper(hex.EncodeToString(b))
	created := time.Now().UTC().Format("2006-01-02T15:04:05Z")
	var digest []byte
	scheme, hdr := "AKSK", "X-AKSK"
	if p.wsse {
		sum := sha256.Sum256([]byte(nonce + created + secret))
		digest, scheme, hdr = sum[:], "WSSE", "X-WSSE"
	} else {
		m := hmac.New(sha256.New, []byte(secret))
		m.Write([]byte(nonce + created))
		digest = m.Sum(nil)
	}
	h.Set("Authorization", scheme+` realm="SDP",profile="UsernameToken",type="Appkey"`)
	h.Set(hdr, fmt.Sprintf(`UsernameToken Username="%s",PasswordDigest="%s",Nonce="%s",Created="%s"`,
		p.key, base64.StdEncoding.EncodeToString(digest), nonce, created))
}

// push sends one body signed with secret ("" = the pusher's own) and returns the status.
func (p *pusher) pushAs(body []byte, secret string) int {
	p.t.Helper()
	req, err := http.NewRequest(http.MethodPost, p.url, strings.NewReader(string(body)))
	if err != nil {
		p.t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/json;charset=UTF-8")
	if p.replay != nil {
		for k, v := range p.replay {
			req.Header[k] = v
		}
		p.replay = nil
	} else {
		if secret == "" {
			secret = p.secret
		}
		p.sign(req.Header, secret)
	}
	p.last = req.Header.Clone()
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		p.t.Fatal(err)
	}
	_, _ = io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	return resp.StatusCode
}

func (p *pusher) push(body []byte) int { return p.pushAs(body, "") }

// pushOK pushes and requires a 200.
func (p *pusher) pushOK(body []byte) {
	p.t.Helper()
	if got := p.push(body); got != http.StatusOK {
		p.t.Fatalf("push answered %d, want 200: %s", got, body)
	}
}

var pushSeq atomic.Int64

// utc is the platform's event time format (§7.3): UTC, no zone marker.
func utc(t time.Time) string { return t.UTC().Format("2006-01-02 15:04:05") }

// callEvent is a §7.2 envelope; sub "" leaves the optional subscriptionId out.
func callEvent(typ, session, sub string, ts time.Time) []byte {
	si := map[string]any{"timestamp": utc(ts), "sessionId": session, "caller": "+8613800000001", "called": "+8617001100001"}
	if sub != "" {
		si["subscriptionId"] = sub
	}
	if typ == "disconnect" {
		si["stateCode"], si["stateDesc"] = 0, "The user releases the call."
	}
	b, _ := json.Marshal(map[string]any{"eventType": typ, "statusInfo": si})
	return b
}

// feeInfo is a §8.3 record. minimal keeps the mandatory fields only; answered adds the
// forwarded leg's times.
func feeInfo(appKey, session string, end time.Time, answered, minimal bool) map[string]any {
	r := map[string]any{"direction": 1, "spId": "sp01", "appKey": appKey, "bindNum": "+8617001100001",
		"sessionId": session, "callerNum": "+8613800000001", "calleeNum": "+8617001100001"}
	if minimal {
		return r
	}
	r["icid"] = fmt.Sprintf("icid.%d.%d", time.Now().UnixNano(), pushSeq.Add(1))
	r["callInTime"], r["callEndTime"] = utc(end.Add(-20*time.Second)), utc(end)
	r["fwdUnaswRsn"], r["ulFailReason"], r["sipStatusCode"], r["callOutUnaswRsn"], r["recordFlag"] = 0, 0, 0, 0, 0
	if answered {
		r["fwdStartTime"], r["fwdAlertingTime"], r["fwdAnswerTime"] = utc(end.Add(-19*time.Second)), utc(end.Add(-18*time.Second)), utc(end.Add(-15*time.Second))
	}
	return r
}

func feeBatch(records ...map[string]any) []byte {
	b, _ := json.Marshal(map[string]any{"eventType": "fee", "feeLst": records})
	return b
}

func smsBody(appKey, mode string, ts time.Time) []byte {
	b, _ := json.Marshal(map[string]any{"appKey": appKey, "smsEvent": map[string]any{
		"smsIdentifier": fmt.Sprintf("sms-%d", pushSeq.Add(1)), "notificationMode": mode, "calling": "+8613800000001",
		"called": "+8613900000002", "virtualNumber": "+8617001100001", "event": "TextSMS",
		"timeStamp": ts.UTC().Format("2006-01-02T15:04:05.000Z")}})
	return b
}

// call pushes the events of a call (in §7.4 order, stamped now) and returns its session.
func (p *pusher) call(events ...string) string {
	s := fmt.Sprintf("pusher_%d_%d@test", time.Now().UnixNano(), pushSeq.Add(1))
	for _, e := range events {
		p.pushOK(callEvent(e, s, "sub-1", time.Now()))
	}
	return s
}

var (
	b1 = []string{"callin", "callout", "alerting", "answer", "disconnect"}
	b3 = []string{"callin", "callout", "alerting", "disconnect"}
	b4 = []string{"callin", "callout", "disconnect"}
	b7 = []string{"callin", "disconnect"}
	e1 = []string{"callin", "collectInfo", "callout", "alerting", "answer", "disconnect"}
	e2 = []string{"callin", "collectInfo", "disconnect"}
)

// receiveProc is a running `harness receive`.
type receiveProc struct {
	t    *testing.T
	url  string
	out  string
	logs *syncBuffer
	cmd  *exec.Cmd
	done chan int
}

const (
	pushKey, pushSecretEnv, pushSecret = "push-app", "PUSH_T_SECRET", "push-secret-1"
)

// startReceive runs `harness receive` on a free loopback port with the pusher's app.
func startReceive(t *testing.T, args ...string) *receiveProc {
	t.Helper()
	return startReceiveProc(t, []string{pushSecretEnv + "=" + pushSecret}, append([]string{"--listen", "127.0.0.1:0",
		"--app", pushKey + "=" + pushSecretEnv, "--interval", "1h"}, args...)...)
}

// startReceiveProc starts `harness receive --out DIR args...` with env added, waits for its
// "receiving on" line and collects its output; done gets its exit code.
func startReceiveProc(t *testing.T, env []string, args ...string) *receiveProc {
	t.Helper()
	rp := &receiveProc{t: t, out: t.TempDir(), logs: &syncBuffer{}, done: make(chan int, 1)}
	cmd := harnessCmd(t, append([]string{"receive", "--out", rp.out}, args...)...)
	cmd.Env = append(cmd.Env, env...)
	pipe, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	cmd.Stderr = rp.logs
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	sc := bufio.NewScanner(pipe)
	for sc.Scan() {
		line := sc.Text()
		rp.logs.Write([]byte(line + "\n"))
		if rest, ok := strings.CutPrefix(line, "receiving on "); ok {
			rp.url, _, _ = strings.Cut(rest, " ")
			break
		}
	}
	if rp.url == "" {
		_ = cmd.Wait()
		t.Fatalf("receive did not start:\n%s", rp.logs.String())
	}
	go func() {
		_, _ = io.Copy(rp.logs, pipe)
		err := cmd.Wait()
		code := 0
		if cmd.ProcessState != nil {
			code = cmd.ProcessState.ExitCode()
		} else if err != nil {
			code = -1
		}
		rp.done <- code
	}()
	rp.cmd = cmd
	return rp
}

func (rp *receiveProc) pusher(wsse bool) *pusher {
	return &pusher{t: rp.t, url: rp.url, key: pushKey, secret: pushSecret, wsse: wsse}
}

// stop interrupts the receiver and returns its exit code, output and receiver.json.
func (rp *receiveProc) stop() (int, string, receiver.Report) {
	rp.t.Helper()
	_ = rp.cmd.Process.Signal(syscall.SIGINT)
	var code int
	select {
	case code = <-rp.done:
	case <-time.After(5 * time.Minute): // a hang guard, not a speed assertion
		rp.t.Fatalf("receive did not stop:\n%s", rp.logs.String())
	}
	var rep receiver.Report
	b, err := os.ReadFile(filepath.Join(rp.out, "receiver.json"))
	if err != nil {
		rp.t.Fatalf("%v\n%s", err, rp.logs.String())
	}
	if err := json.Unmarshal(b, &rep); err != nil {
		rp.t.Fatal(err)
	}
	return code, rp.logs.String(), rep
}
