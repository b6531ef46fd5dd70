package conformance

import (
	"context"
	"crypto/rand"
	"encoding/json"
	"fmt"
	"io"
	"math/big"
	"mime"
	"net/http"
	"sort"
	"strings"
	"time"

	"github.com/cucumber/godog"
	"github.com/pns-harness/pns-harness/pns"
)

// This file has the steps of the scenarios that check a rule from the inside (issue 22): not
// only that a boundary is refused, but that the platform's behaviour inside the rule is right —
// the exact encoding of the digest and of Created, the nonce's inclusive maximum, attribute
// name case, which answers count toward the lockout and which address it locks, the answer's
// Content-Type.

// digestVariants are encodings of the correct X-AKSK digest that differ from the documented
// standard Base64 with padding (§2.1); a platform comparing loosely accepts them.
var digestVariants = map[string]func(string) string{
	"in lower case":       strings.ToLower,
	"in upper case":       strings.ToUpper,
	"without its padding": func(d string) string { return strings.TrimRight(d, "=") },
}

// nonceAlphabet is the documented Nonce alphabet: digits and upper- and lower-case letters (§2.1).
const nonceAlphabet = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"

func (w *world) registerInsideSteps(sc stepRegistry) {
	sc.Step(`^the next request's digest is the correct one (.+)$`, func(variant string) error {
		f, ok := digestVariants[variant]
		if !ok {
			return fmt.Errorf("unknown digest variant %q (in lower case, in upper case, without its padding)", variant)
		}
		w.next.digest = func(secret, nonce, created string) string { return f(pns.AKSKDigest(secret, nonce, created)) }
		return nil
	})
	// The layout is Go's reference time (2006-01-02T15:04:05.000Z); the digest is computed over
	// the text sent, so only its format can be wrong, never its instant or its signature.
	sc.Step(`^the next request's Created is the current UTC time written as "([^"]*)"$`, func(layout string) {
		w.next.rawTime = time.Now().UTC().Format(layout)
	})
	sc.Step(`^the next request's Nonce is (\d+) random letters and digits$`, func(n int) error {
		s, err := randomNonce(n)
		w.next.nonce = s
		return err
	})
	sc.Step(`^the next request's X-AKSK attribute "([^"]*)" is written "([^"]*)"$`, func(name, as string) {
		w.next.edit = func(h http.Header) {
			h.Set(pns.HeaderXAKSK, strings.Replace(h.Get(pns.HeaderXAKSK), name+`="`, as+`="`, 1))
		}
	})
	// Header names are case-insensitive (§1.3, §2.4 [V]) and the official examples write them
	// in lower case. Go's client writes a name as the map holds it, so the signed headers are
	// moved to lower-case keys (HTTP/2 lower-cases every name anyway).
	sc.Step(`^the next request's header names are written in lower case$`, func() {
		w.next.edit = func(h http.Header) {
			for k, v := range h {
				if lk := strings.ToLower(k); lk != k {
					delete(h, k)
					h[lk] = v
				}
			}
		}
	})
	// Whitespace after a comma is optional (§2.4 [V]: the docs' template writes ", "), in
	// X-AKSK as in Authorization; the signed header gets one space after each attribute.
	sc.Step(`^the next request's "([^"]*)" header has a space after each comma$`, func(name string) {
		w.next.edit = func(h http.Header) { h.Set(name, strings.ReplaceAll(h.Get(name), `",`, `", `)) }
	})
	// The header is signed as usual and then has the text appended, so that the one defect
	// is what follows the last attribute's closing quote.
	sc.Step(`^the next request's "([^"]*)" header has "([^"]*)" appended$`, func(name, extra string) {
		w.next.edit = func(h http.Header) { h.Set(name, h.Get(name)+extra) }
	})
	sc.Step(`^I send (\d+) AXB queries with "([^"]*)"$`, func(ctx context.Context, n int, q string) error {
		return w.repeat(n, func() error { return w.queryOp(ctx, "query", "AXB", q) })
	})
	sc.Step(`^I send (\d+) AXB binds with:$`, func(ctx context.Context, n int, doc *godog.DocString) error {
		return w.repeat(n, func() error { return w.bodyOp(ctx, "bind", "AXB", doc) })
	})
	sc.Step(`^I send (\d+) AXB queries signed with the secret "([^"]*)", each with a different "([^"]*)" header$`, w.badQueriesVia)
	sc.Step(`^the client IP is (locked out|not locked out)$`, w.lockedOut)
	sc.Step(`^the response Content-Type is JSON in UTF-8$`, w.contentTypeJSON)
	sc.Step(`^the response has no other field than "([^"]*)"$`, w.onlyFields)
}

func (w *world) repeat(n int, f func() error) error {
	for i := 0; i < n; i++ {
		if err := f(); err != nil {
			return err
		}
	}
	return nil
}

func randomNonce(n int) (string, error) {
	b := make([]byte, n)
	max := big.NewInt(int64(len(nonceAlphabet)))
	for i := range b {
		k, err := rand.Int(rand.Reader, max)
		if err != nil {
			return "", err
		}
		b[i] = nonceAlphabet[k.Int64()]
	}
	return string(b), nil
}

// badQueriesVia sends n wrongly signed AXB queries, each claiming a different client address
// in header (e.g. X-Forwarded-For): the lockout must count them all against the TCP peer (D8).
func (w *world) badQueriesVia(ctx context.Context, n int, secret, header string) error {
	w.useMode("AXB")
	for i := 0; i < n; i++ {
		w.next.secret = secret
		w.next.set = map[string]string{header: fmt.Sprintf("198.51.100.%d", i+1)}
		if _, err := w.sendIface(ctx, mustIface(pns.IfaceAXBQuery), "", "subscriptionId=auth-probe", false); err != nil {
			return err
		}
	}
	return nil
}

// lockedOut probes with a correctly signed AXB query whether the emulator refuses this client
// with 1020176. The probe bypasses the run's authentication guard: the lockout is the one this
// scenario switched on (and the scenario's end clears it), not a platform lockout that must
// stop the authentication scenarios after it.
func (w *world) lockedOut(ctx context.Context, which string) error {
	if err := w.needAdmin(); err != nil {
		return err
	}
	app, err := w.appProfile("AXB")
	if err != nil {
		return err
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, w.rs.target+pns.PathAXB+"?subscriptionId=auth-probe", nil)
	if err != nil {
		return err
	}
	req.Header.Set("Content-Type", pns.ContentTypeJSON)
	pns.Signer{AppKey: app.AppKey, AppSecret: w.rs.secrets["AXB"]}.Sign(req.Header)
	resp, err := w.rs.httpc.Do(req)
	if err != nil {
		return fmt.Errorf("lockout probe: %w", err)
	}
	data, err := io.ReadAll(io.LimitReader(resp.Body, pns.DefaultMaxResponseBytes))
	resp.Body.Close()
	if err != nil {
		return fmt.Errorf("lockout probe: %w", err)
	}
	var env pns.Envelope
	_ = json.Unmarshal(data, &env)
	locked := env.ResultCode == string(pns.CodeLockedOut)
	if locked != (which == "locked out") {
		return fmt.Errorf("a correctly signed request was answered %s (HTTP %d), want the client IP %s: %s", env.ResultCode, resp.StatusCode, which, clip(data))
	}
	w.obs = append(w.obs, Observation{Interface: pns.IfaceAXBQuery, Status: resp.StatusCode, ResultCode: env.ResultCode, Aux: true})
	return nil
}

// contentTypeJSON checks the answer's media type (§1.5: application/json;charset=utf-8); the
// charset, when present, is compared without case, as media-type parameters are.
func (w *world) contentTypeJSON() error {
	if w.last == nil {
		return fmt.Errorf("no response yet")
	}
	ct := w.last.resp.Header.Get("Content-Type")
	mt, params, err := mime.ParseMediaType(ct)
	if err != nil || mt != "application/json" {
		return fmt.Errorf("Content-Type %q, want application/json;charset=utf-8 (§1.5)", ct)
	}
	if cs, ok := params["charset"]; ok && !strings.EqualFold(cs, "utf-8") {
		return fmt.Errorf("Content-Type %q: charset %q, want utf-8 (§1.5)", ct, cs)
	}
	return nil
}

// onlyFields asserts that the last answer has no top-level field outside the comma-separated
// list: an answer documented as "resultcode, resultdesc only" (§3.3) must not echo the
// binding back. The schema of such an answer is the open envelope, so it does not see this.
func (w *world) onlyFields(list string) error {
	if w.last == nil {
		return fmt.Errorf("no response yet")
	}
	allowed := map[string]bool{}
	for _, f := range strings.Split(list, ",") {
		allowed[strings.TrimSpace(f)] = true
	}
	var extra []string
	for k := range w.last.response {
		if !allowed[k] {
			extra = append(extra, k)
		}
	}
	if len(extra) > 0 {
		sort.Strings(extra)
		return fmt.Errorf("the answer has the fields %s besides %s; body: %s", strings.Join(extra, ", "), list, clip(w.last.resp.Body))
	}
	return nil
}
