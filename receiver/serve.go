// Split from receiver.go (issue 23): serving one push: reading it, recognising a body seen
// before, choosing a failure to inject, and answering (Block replies included).

package receiver

import (
	"crypto/sha256"
	"encoding/binary"
	"errors"
	"io"
	"net/http"
	"strings"
	"time"

	"github.com/pns-harness/pns-harness/pns"
)

// blockAnswer is the reply body to a Block request: the rules' choice, else the defaults.
func (r *Receiver) blockAnswer(env *envelope) []byte {
	if env.SMS != nil {
		if b, ok := r.opts.Rules.SMSAnswer(env.SMS.Calling, env.SMS.VirtualNumber); ok {
			return b
		}
		return r.blockReply
	}
	return r.opts.Rules.CallinAnswer(env.StatusInfo.Caller, env.StatusInfo.Called)
}

// replyKey is the Report.BlockReplies key of a reply: "callin " or "sms " and the reply's
// operation, or "invalid" for a reply the contract does not allow (a rule's raw reply).
func replyKey(env *envelope, reply []byte) string {
	if env.SMS != nil {
		a, err := pns.ParseSMSBlockReply(reply, env.SMS.Calling)
		if err != nil {
			return "sms invalid"
		}
		return "sms " + a.Operation
	}
	c, err := pns.ParseCallinReply(reply)
	if err != nil {
		return "callin invalid"
	}
	return "callin " + c.Operation
}

type bodyHash [16]byte

func hashBody(b []byte) bodyHash {
	s := sha256.Sum256(b)
	var h bodyHash
	copy(h[:], s[:16])
	return h
}

// failSelected is the deterministic FailFirst choice: a splitmix64 mix of the seed and the
// body hash mapped to [0,1).
func (r *Receiver) failSelected(h bodyHash) bool {
	if r.opts.FailFirst <= 0 {
		return false
	}
	x := binary.LittleEndian.Uint64(h[:8]) ^ (r.opts.Seed * 0x9E3779B97F4A7C15)
	x ^= x >> 30
	x *= 0xBF58476D1CE4E5B9
	x ^= x >> 27
	x *= 0x94D049BB133111EB
	x ^= x >> 31
	return float64(x>>11)/(1<<53) < r.opts.FailFirst
}

func (r *Receiver) serveHTTP(w http.ResponseWriter, req *http.Request) {
	if req.Method != http.MethodPost {
		w.Header().Set("Allow", http.MethodPost)
		w.WriteHeader(http.StatusMethodNotAllowed)
		return
	}
	body, err := readBody(req, r.opts.MaxBody)
	now := r.now()
	wall := now
	if !r.wallNow {
		wall = time.Now()
	}
	arrived := now.Sub(r.start)
	if err != nil {
		status := http.StatusBadRequest
		var mbe *http.MaxBytesError
		if errors.As(err, &mbe) {
			status = http.StatusRequestEntityTooLarge
		}
		r.mu.Lock()
		r.st.c.Requests++
		r.st.c.ReadErrors++
		r.mu.Unlock()
		w.WriteHeader(status)
		return
	}

	a := Arrival{Arrived: arrived, Body: body, req: req}
	a.Emitted = parseEmitted(req.Header.Get(EmittedHeader))
	a.SignatureOK, a.AppKey, a.Scheme, a.refusal = r.verify(req.Header, wall)
	h := hashBody(body)

	var env envelope
	doc, parsed := decodeEnvelope(body, &env, r.opts.Validate == nil && r.opts.Schemas != nil)
	a.Kind = KindUnknown
	if parsed {
		a.Kind = env.kind()
		a.EventType = env.EventType
		if env.SMS != nil {
			a.EventType = env.SMS.NotificationMode
		}
		a.block = a.Kind == pns.NotifySMSBlock || env.blockCallin()
	}
	if a.Kind != KindUnknown && (a.SignatureOK || r.opts.AcceptBadSignature) {
		switch {
		case r.opts.Validate != nil:
			a.Violations = r.opts.Validate(a.Kind, body)
		case r.opts.Schemas != nil:
			a.Violations = r.opts.Schemas.ValidateCallbackDecoded(a.Kind, body, doc)
		}
	}

	r.mu.Lock()
	a.Status = r.st.account(r, &a, h, &env, parsed, now)
	r.mu.Unlock()

	r.subs.publish(a)
	if a.Status == http.StatusOK && a.block {
		w.Header().Set("Content-Type", pns.ContentTypeJSON)
		w.WriteHeader(http.StatusOK)
		reply, ok := []byte(nil), false
		if r.opts.BlockReply != nil {
			reply, ok = r.opts.BlockReply(a)
		}
		if !ok {
			reply = r.blockAnswer(&env)
		}
		key := replyKey(&env, reply)
		r.mu.Lock()
		r.st.replies[key]++
		r.mu.Unlock()
		_, _ = w.Write(reply)
		return
	}
	w.WriteHeader(a.Status)
}

// parseEmitted reads EmittedHeader: nil without the header. A header with an instant that
// does not parse gives an empty, non-nil slice: the push came from the emulator, so its
// virtual timestamps must not be used, and each of its records counts as BadEmitted.
func parseEmitted(v string) []time.Time {
	if v == "" {
		return nil
	}
	ts := make([]time.Time, 0, strings.Count(v, ",")+1)
	for _, f := range strings.Split(v, ",") {
		t, err := time.Parse(time.RFC3339Nano, strings.TrimSpace(f))
		if err != nil {
			return ts[:0]
		}
		ts = append(ts, t)
	}
	return ts
}

// readBody reads the body, at most max bytes. A body with a Content-Length within max is read
// straight into a buffer of that size: the server's body reader stops at the Content-Length,
// so the MaxBytesReader (an allocation per push) is needed only for the others.
func readBody(req *http.Request, max int64) ([]byte, error) {
	if req.ContentLength > 0 && req.ContentLength <= max {
		b := make([]byte, req.ContentLength)
		if _, err := io.ReadFull(req.Body, b); err != nil {
			return nil, err
		}
		return b, nil
	}
	return io.ReadAll(http.MaxBytesReader(nil, req.Body, max))
}
