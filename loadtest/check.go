package loadtest

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/pns-harness/pns-harness/pns"
	"github.com/pns-harness/pns-harness/schemas"
)

// answer is the part of a response body the load needs.
type answer struct {
	ResultCode     *json.RawMessage `json:"resultcode"`
	ResultDesc     *json.RawMessage `json:"resultdesc"`
	SubscriptionID string           `json:"subscriptionId"`
	RelationNum    string           `json:"relationNum"`
	PrivateNum     string           `json:"privateNum"`
	VirtualNum     string           `json:"virtualNum"`
	ExtendNum      string           `json:"extendNum"`
	RelationNumber string           `json:"relationNumber"`
	code           string
	desc           string
	ok             bool // the body is a JSON object with a string resultcode
}

// x is the X a bind's answer names, in whichever of the modes' answer fields
// (pns.ModeSpec.AnswerX) it came: a bind's answer carries only its own mode's. A mode whose
// answer names X in a new field adds that field to answer, answerFields and here.
func (a *answer) x() string { return a.RelationNum + a.PrivateNum + a.VirtualNum + a.RelationNumber }

// answerFields are the JSON names of answer's fields.
var answerFields = [...]string{"resultcode", "resultdesc", "subscriptionId", "relationNum", "privateNum", "virtualNum", "extendNum", "relationNumber"}

// answerFromTape fills a from a body decoded into tp with the outcome json.Unmarshal into a
// would have: decoded says the decode would succeed (a JSON object or null whose known fields
// have the right types), code is the resultcode when it is a string, hasDesc whether resultdesc
// is present and not null. A key given twice counts as encoding/json counts it: the last value
// wins, a null leaves a string field as it was, and a value of the wrong type fails the decode
// wherever it is. exact is false when the object has a key that encoding/json would match to a
// field case-insensitively (e.g. "ResultCode"): the caller then decodes the body into the
// struct instead. The strings a keeps are copies: tp's text is the body's, which is reused.
func answerFromTape(tp *schemas.Tape, a *answer) (decoded, codeOK, hasDesc, exact bool) {
	switch tp.Root() {
	case schemas.Null:
		return true, false, false, true
	case schemas.Object:
	default:
		return false, false, false, true
	}
	decoded, exact = true, true
	tp.Fields(func(k []byte, kind schemas.Kind, text []byte) bool {
		var dst *string
		switch string(k) {
		case "resultcode":
			codeOK = kind == schemas.String
			a.code = ""
			if codeOK {
				a.code = internCode(text)
			}
			return true
		case "resultdesc":
			hasDesc = kind != schemas.Null
			a.desc = ""
			if kind == schemas.String {
				a.desc = internDesc(text)
			}
			return true
		case "subscriptionId":
			dst = &a.SubscriptionID
		case "relationNum":
			dst = &a.RelationNum
		case "privateNum":
			dst = &a.PrivateNum
		case "virtualNum":
			dst = &a.VirtualNum
		case "extendNum":
			dst = &a.ExtendNum
		case "relationNumber":
			dst = &a.RelationNumber
		default:
			ascii := isASCII(k)
			for _, f := range answerFields {
				// Lengths first: most keys of an answer are other fields (a query's list, its
				// counts), and EqualFold on each of them against each field was the most of
				// this function's cost. An ASCII key folds only to a name of its length; a
				// non-ASCII key folds to one of these ASCII names only through the Kelvin sign
				// or the long s, which are longer in bytes, so such keys are always compared.
				if (len(k) == len(f) || !ascii) && bytes.EqualFold(k, []byte(f)) {
					exact = false
					return false
				}
			}
			return true
		}
		switch kind {
		case schemas.Null:
		case schemas.String:
			*dst = string(text)
		default:
			decoded = false // a type error: json.Unmarshal fails
		}
		return true
	})
	if !exact {
		return false, false, false, false
	}
	return decoded, codeOK, hasDesc, exact
}

// internCode returns a result code as a string, without allocating for the codes of success
// and of the most common refusals.
func internCode(b []byte) string {
	switch string(b) {
	case "0":
		return "0"
	case string(pns.CodeInvalidDigest):
		return string(pns.CodeInvalidDigest)
	}
	return string(b)
}

// internDesc is internCode for a resultdesc.
func internDesc(b []byte) string {
	switch string(b) {
	case "Success":
		return "Success"
	case pns.DescFlowControl:
		return pns.DescFlowControl
	}
	return string(b)
}

// tapes are the checkers' decoding tapes: each keeps the memory it grew for the next answer.
var tapes = sync.Pool{New: func() any { return new(schemas.Tape) }}

// isASCII reports whether s holds only ASCII bytes.
func isASCII(s []byte) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= 0x80 {
			return false
		}
	}
	return true
}

// check classifies a result and runs the conformance checks: JSON envelope, result code,
// HTTP status of the code, sampled schema validation. A response validated against the
// embedded schemas is decoded once, for both.
func (r *runner) check(iface string, res *hit) (answer, observation) {
	if r.memo == nil || res.status == 0 || len(res.body) > maxMemoBody {
		return r.checkBody(iface, res)
	}
	st := r.memo.statsOf(iface, res.status)
	if st.off.Load() {
		return r.checkBody(iface, res)
	}
	tries := st.tries.Add(1)
	if e := r.memo.get(iface, res.status, res.body); e != nil {
		st.hits.Add(1)
		o := e.o
		o.ts, o.service = res.start, res.latency
		if len(o.confErrs) > 0 {
			o.confErrs = append([]string(nil), o.confErrs...) // the caller may append
		}
		return e.a, o
	}
	a, o := r.checkBody(iface, res)
	if tries >= memoTrial && st.hits.Load()*memoMinHitRate < tries {
		r.memo.giveUp(iface, res.status, st)
		return a, o
	}
	r.memo.put(iface, res.status, res.body, a, o)
	return a, o
}

// checkBody is check without the memo.
func (r *runner) checkBody(iface string, res *hit) (answer, observation) {
	o := observation{iface: iface, status: res.status, ts: res.start, service: res.latency}
	var a answer
	if res.status == 0 {
		o.code = "transport"
		return a, o
	}
	schema := (r.validate != nil || r.validateDoc != nil) && (r.sample >= 1 || rand.Float64() < r.sample)
	var tp *schemas.Tape
	decoded, codeOK, hasDesc, exact := false, false, false, false
	if schema && r.validateDoc != nil {
		tp = tapes.Get().(*schemas.Tape)
		defer func() { tp.Reset(); tapes.Put(tp) }()
		if err := tp.Decode(res.body); err == nil {
			decoded, codeOK, hasDesc, exact = answerFromTape(tp, &a)
		} else {
			exact = true // not JSON: json.Unmarshal fails too
		}
	}
	if !exact {
		sa := new(answer) // only this path escapes to the heap
		decoded = json.Unmarshal(res.body, sa) == nil
		if decoded && sa.ResultCode != nil {
			codeOK = json.Unmarshal(*sa.ResultCode, &sa.code) == nil
		}
		hasDesc = sa.ResultDesc != nil
		if hasDesc {
			_ = json.Unmarshal(*sa.ResultDesc, &sa.desc)
		}
		a = *sa
	}
	if !decoded {
		a = answer{} // what a failed decode left is not an answer
		o.code = "http-" + strconv.Itoa(res.status)
		o.confErrs = append(o.confErrs, iface+": body is not a JSON object")
		return a, o
	}
	if !codeOK {
		a.code = ""
		o.code = "http-" + strconv.Itoa(res.status)
		o.confErrs = append(o.confErrs, iface+": resultcode missing or not a string")
		return a, o
	}
	code := a.code
	a.ok = true
	o.code = code
	o.success = code == string(pns.CodeSuccess)
	if !hasDesc {
		o.confErrs = append(o.confErrs, iface+": resultdesc missing")
	}
	if !o.success {
		// A refusal under load (flow control above all) is data about the platform, counted
		// per code (aggregate.rejections), not a conformance error of the answer: real
		// platforms answer flow control with statuses of their own and bodies the schemas
		// of the success answer do not describe.
		o.reject = code
		if code == string(pns.CodeInvalidDigest) && hasDesc && descIs(a.desc, pns.DescFlowControl) {
			o.throttled = true
		}
		return a, o
	}
	if _, known := pns.Lookup(pns.Code(code)); known {
		if want := pns.Code(code).HTTPStatus(); want != res.status {
			o.confErrs = append(o.confErrs, fmt.Sprintf("%s: resultcode %s with HTTP %d, want %d", iface, code, res.status, want))
		}
	}
	if schema {
		o.schema = true
		var vs []string
		if r.validateDoc != nil {
			vs = r.validateDoc(iface, tp, res.body)
		} else {
			vs = r.validate(iface, res.body)
		}
		for _, v := range vs {
			o.confErrs = append(o.confErrs, iface+": schema: "+v)
		}
	}
	return a, o
}

// descIs reports whether a resultdesc is want, up to case, spaces and a trailing period
// (platforms vary them).
func descIs(d, want string) bool {
	norm := func(s string) string { return strings.ToLower(strings.TrimRight(strings.TrimSpace(s), ".")) }
	return norm(d) == norm(want)
}

// Memo limits: bodies up to maxMemoBody bytes, at most maxMemoEntries verdicts (then the memo
// starts over).
const (
	maxMemoBody    = 2048
	maxMemoEntries = 4096
)

// A (interface, HTTP status) whose answers are found in the memo less than once in
// memoMinHitRate lookups after memoTrial lookups is no longer memoised.
const (
	memoTrial      = 1024
	memoMinHitRate = 4
)

// checkMemo remembers the verdict of check per (interface, HTTP status, body): decoding and
// schema validation are pure functions of these, and under load many answers are byte for
// byte the same (every unbind's success, every refusal, the queries of a pool's bindings), so
// each distinct answer is decoded and validated once. Answers that are all different (binds,
// with their fresh subscriptionIds) would pay for a lookup and for remembering a body never
// seen again (measured: ~3 µs to check a distinct bind answer without the memo, ~5 µs with
// it; a repeated one ~0.2 µs with it), so an (interface, status) whose answers rarely repeat
// is given up after a trial and then costs one flag load.
type checkMemo struct {
	mu    sync.RWMutex
	m     map[memoKey]map[string]*memoEntry
	n     int
	stats sync.Map // memoKey -> *memoStats
	// last is the (interface, status) statsOf returned last: a load's answers are mostly of
	// one or a few, and the sync.Map lookup (hashing the interface's name) was 2% of the
	// generator's CPU with every answer distinct.
	last atomic.Pointer[lastStats]
}

// lastStats is the statsOf cache entry.
type lastStats struct {
	k  memoKey
	st *memoStats
}

// memoStats counts the lookups and hits of one (interface, status); off says it is no longer
// memoised.
type memoStats struct {
	tries, hits atomic.Int64
	off         atomic.Bool
}

func (c *checkMemo) statsOf(iface string, status int) *memoStats {
	if l := c.last.Load(); l != nil && l.k.status == status && l.k.iface == iface {
		return l.st
	}
	k := memoKey{iface, status}
	v, ok := c.stats.Load(k)
	if !ok {
		v, _ = c.stats.LoadOrStore(k, &memoStats{})
	}
	st := v.(*memoStats)
	c.last.Store(&lastStats{k, st})
	return st
}

// giveUp stops memoising (iface, status) and forgets its verdicts.
func (c *checkMemo) giveUp(iface string, status int, st *memoStats) {
	st.off.Store(true)
	c.mu.Lock()
	defer c.mu.Unlock()
	k := memoKey{iface, status}
	c.n -= len(c.m[k])
	delete(c.m, k)
}

type memoKey struct {
	iface  string
	status int
}

type memoEntry struct {
	a answer
	o observation
}

func newCheckMemo() *checkMemo { return &checkMemo{m: map[memoKey]map[string]*memoEntry{}} }

func (c *checkMemo) get(iface string, status int, body []byte) *memoEntry {
	c.mu.RLock()
	e := c.m[memoKey{iface, status}][string(body)] // no copy of body for the lookup
	c.mu.RUnlock()
	return e
}

func (c *checkMemo) put(iface string, status int, body []byte, a answer, o observation) {
	o.ts, o.service = time.Time{}, 0
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.n >= maxMemoEntries {
		c.m, c.n = map[memoKey]map[string]*memoEntry{}, 0
	}
	k := memoKey{iface, status}
	inner := c.m[k]
	if inner == nil {
		inner = map[string]*memoEntry{}
		c.m[k] = inner
	}
	if _, ok := inner[string(body)]; !ok {
		inner[string(body)] = &memoEntry{a: a, o: o}
		c.n++
	}
}
