package conformance

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/pns-harness/pns-harness/pns"
	"github.com/pns-harness/pns-harness/receiver"
)

// The runner's own receivers play a customer who answers in a particular way for some apps, so
// that the platform's side of the delivery contract can be observed (§7.5, §7.6, D67): an app
// whose customer answers 204 to a first delivery (success is exactly 200), and one whose
// customer never succeeds (at most 6 re-pushes). The behaviour is carried by the query string
// of the app's notification URLs, which the platform posts to unchanged, so it needs no state
// shared between the emulator's configuration and the receivers.
const (
	// wireFail replaces the status of the failing receiver's refusals (its first deliveries)
	// with this one, e.g. 204.
	wireFail = "fail"
	// wireAlways makes every delivery of a body fail with the wireFail status, re-pushes
	// included.
	wireAlways = "always"
	// wireSeen (mutation tests only) tells the platform this status instead of a refusal, as
	// a platform that reads that refusal as a success would behave.
	wireSeen = "seen"
	// wireOKFrom (mutation tests only) tells the platform 200 from this delivery of a body on,
	// as a platform that stops re-pushing earlier would behave.
	wireOKFrom = "okFrom"
	// wireLocalCreated (mutation tests only) re-signs every push with China local time
	// labelled Z, as a platform that formats its local clock would (§7.1, §2.1).
	wireLocalCreated = "localCreated"
	// wireReply (mutation tests only) names an edit of replyEdits that the customer's reply to
	// a Block request (the X-mode callin §6.7, the SMS §10.3) goes through before the platform
	// reads it, as a platform that reads that reply otherwise would.
	wireReply = "reply"
)

// replyEdits are the edits wireReply names: each gets the Block request's body and the reply,
// and reports whether it changed the reply. Only the mutation tests register any.
var replyEdits = map[string]func(request, reply map[string]any) bool{}

// Apps whose customer answers particularly, and their URLs' query strings.
const (
	// Answer204AppKey is the app whose customer answers its first deliveries 204.
	Answer204AppKey = "conf-axb-204"
	// DownAppKey is the app whose customer never answers 200.
	DownAppKey = "conf-axb-down"
)

// wireQueries maps each such app to its URLs' query string.
var wireQueries = map[string]string{
	Answer204AppKey: "?" + wireFail + "=204",
	DownAppKey:      "?" + wireFail + "=503&" + wireAlways + "=1",
}

// NeverAccepts reports whether the runner's customer for appKey never answers 200 (its URLs'
// behaviour, wireQueries): the platform giving up on that app's pushes after the last re-push
// is the scenario's expected outcome, not a loss.
func NeverAccepts(appKey string) bool {
	q, ok := wireQueries[appKey]
	if !ok {
		return false
	}
	v, err := url.ParseQuery(strings.TrimPrefix(q, "?"))
	return err == nil && parseWire(v).always
}

// wire is a URL's parsed customer behaviour.
type wire struct {
	fail, seen, okFrom  int
	always, localCreate bool
	reply               string // an edit of replyEdits
}

func parseWire(q url.Values) wire {
	n := func(k string) int { v, _ := strconv.Atoi(q.Get(k)); return v }
	return wire{fail: n(wireFail), seen: n(wireSeen), okFrom: n(wireOKFrom), always: q.Get(wireAlways) != "", localCreate: q.Get(wireLocalCreated) != "",
		reply: q.Get(wireReply)}
}

// wireState counts the deliveries of each body that reached a receiver through a URL with a
// behaviour, for wireOKFrom.
type wireState struct {
	mu    sync.Mutex
	count map[string]int
}

func (s *wireState) delivery(body []byte) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.count == nil {
		s.count = map[string]int{}
	}
	s.count[string(body)]++
	return s.count[string(body)]
}

// before applies the behaviour to a push before the receiver sees it: a local-time Created
// re-signs it with the app's secret, eight hours ahead.
func (w wire) before(req *http.Request, secrets map[string]string) {
	if !w.localCreate {
		return
	}
	tok, err := pns.ParseRequestAuth(req.Header)
	if err != nil {
		return
	}
	if s, ok := secrets[tok.Username]; ok {
		pns.Signer{AppKey: tok.Username, AppSecret: s, Scheme: tok.Scheme,
			Now: func() time.Time { return time.Now().Add(8 * time.Hour) }}.Sign(req.Header)
	}
}

// answer returns the status the customer answers to a push (recorded in the arrival) and the
// one the platform is told, given the receiver's own answer; 0, 0 keeps the receiver's.
func (w wire) answer(s *wireState, a receiver.Arrival) (recorded, told int) {
	if w.fail == 0 {
		return 0, 0
	}
	n := s.delivery(a.Body)
	if a.Status == http.StatusOK && !w.always {
		return 0, 0
	}
	recorded, told = w.fail, w.fail
	if w.seen != 0 {
		told = w.seen
	}
	if w.okFrom > 0 && n >= w.okFrom {
		told = http.StatusOK
	}
	return recorded, told
}

// answerWriter writes the status the platform is told, when a behaviour sets one.
type answerWriter struct {
	http.ResponseWriter
	told  *int
	wrote bool
}

func (aw *answerWriter) WriteHeader(code int) {
	if aw.wrote {
		return
	}
	aw.wrote = true
	if *aw.told != 0 {
		code = *aw.told
	}
	aw.ResponseWriter.WriteHeader(code)
}

func (aw *answerWriter) Write(b []byte) (int, error) {
	if !aw.wrote {
		aw.WriteHeader(http.StatusOK)
	}
	return aw.ResponseWriter.Write(b)
}

// replyWriter returns rw, or, when the behaviour names a reply edit, a writer that passes the
// receiver's Block reply through it; req's body is read (and restored) for the edit.
func (w wire) replyWriter(rw http.ResponseWriter, req *http.Request) http.ResponseWriter {
	edit, ok := replyEdits[w.reply]
	if !ok || req.Body == nil {
		return rw
	}
	b, err := io.ReadAll(req.Body)
	req.Body = io.NopCloser(bytes.NewReader(b))
	var in map[string]any
	if err != nil || json.Unmarshal(b, &in) != nil {
		return rw
	}
	return &editWriter{ResponseWriter: rw, edit: func(reply map[string]any) bool { return edit(in, reply) }}
}

// editWriter edits the JSON body the receiver writes in one piece (its Block reply).
type editWriter struct {
	http.ResponseWriter
	edit func(map[string]any) bool
}

func (ew *editWriter) Write(b []byte) (int, error) {
	var m map[string]any
	if json.Unmarshal(b, &m) == nil && ew.edit(m) {
		out, err := json.Marshal(m)
		if err == nil {
			if _, err := ew.ResponseWriter.Write(out); err != nil {
				return 0, err
			}
			return len(b), nil
		}
	}
	return ew.ResponseWriter.Write(b)
}
