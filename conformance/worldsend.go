package conformance

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/cucumber/godog"
	"github.com/pns-harness/pns-harness/internal/bindjournal"
	"github.com/pns-harness/pns-harness/pns"
	"github.com/pns-harness/pns-harness/schemas"
)

// One exchange of a scenario with the platform: signing and sending a request, adding a bind's
// lifetime and journal entry, and checking the answer against its schema. Split from world.go
// (issue 23) so that the scenario's state, its exchanges and its bindings each have a file.

// send signs and sends one request for the current app, validates the response against its
// schema and records the exchange. pathQuery is a path with an optional, already escaped query.
func (w *world) send(ctx context.Context, method, pathQuery string, body []byte, aux bool) (*exchange, error) {
	app, err := w.appProfile(w.app)
	if err != nil {
		return nil, err
	}
	mods := w.next
	w.next = requestMods{}
	if ref := w.rs.creds.Refused(); ref != nil {
		// Every further request would count toward the platform's lockout.
		return nil, fmt.Errorf("%w: the run stopped: %v", godog.ErrSkip, ref)
	}
	u, err := url.Parse(strings.TrimRight(w.rs.target, "/") + pathQuery)
	if err != nil {
		return nil, fmt.Errorf("bad request URL %q: %w", pathQuery, err)
	}
	bindIface, isBind, body := w.asBind(method, u.Path, body)
	var rd io.Reader
	if body != nil {
		rd = bytes.NewReader(body)
	}
	// An interrupt (ctx cancelled) must not cut a request in flight: a bind the platform
	// performed but whose answer was dropped would leave a binding nobody knows about. The
	// client's timeout bounds the request; the Before hook skips the scenarios after it.
	req, err := http.NewRequestWithContext(context.WithoutCancel(ctx), method, u.String(), rd)
	if err != nil {
		return nil, err
	}
	req.Header.Set("Content-Type", pns.ContentTypeJSON)
	w.signRequest(req, app.AppKey, mods)
	jid := w.journalBind(isBind, bindIface.Mode, app.AppKey, body)
	w.sentAt = time.Now()
	hresp, err := w.rs.httpc.Do(req)
	if err != nil {
		if jid != 0 && notSent(err) {
			w.rs.journal.Write(bindjournal.Record{Op: bindjournal.OpRefused, ID: jid})
		}
		return nil, fmt.Errorf("%s %s: %w", method, pathQuery, err)
	}
	data, err := io.ReadAll(io.LimitReader(hresp.Body, pns.DefaultMaxResponseBytes))
	hresp.Body.Close()
	if err != nil {
		return nil, fmt.Errorf("%s %s: read body: %w", method, pathQuery, err)
	}
	resp := &pns.Response{Status: hresp.StatusCode, Header: hresp.Header, Body: data, Request: method + " " + u.String()}
	if body != nil {
		resp.Request += "\n" + string(body)
	}
	ex := &exchange{app: w.app, method: method, path: u.Path, query: u.Query(), body: body, resp: resp,
		curl: curlCommand(method, u.String(), req.Header, body, app.AppKey, w.rs.profileFile, mods.alteredAuth())}
	ex.iface, ex.routed, _ = pns.Route(method, u.Path)
	if len(data) > 0 {
		_ = json.Unmarshal(data, &resp.Envelope)
		_ = json.Unmarshal(data, &ex.response)
	}
	ex.jid = jid
	w.journalAnswer(ex)
	w.obs = append(w.obs, Observation{Interface: ex.iface.ID, Status: resp.Status, ResultCode: resp.Envelope.ResultCode, Aux: aux})
	w.rs.guard.observe(resp, w.hasTag(tagLockoutRule))
	w.rs.watchCredentials(w.app, mods, resp)
	if !aux {
		w.last = ex
	}
	if err := w.checkResponseSchema(ex); err != nil {
		return ex, err
	}
	if resp.OK() {
		w.track(ex)
		if err := w.learnExtension(ctx, ex); err != nil {
			return ex, err
		}
	}
	return ex, nil
}

// asBind tells whether a request is a bind the run journals, and gives a bind its lifetime
// (unless the scenario checks the lifetime fields itself).
func (w *world) asBind(method, path string, body []byte) (bindIface pns.Interface, isBind bool, _ []byte) {
	bindIface, routed, _ := pns.Route(method, path)
	modeBind, hasBind := pns.InterfaceFor(bindIface.Mode, "bind")
	isBind = routed && hasBind && modeBind.ID == bindIface.ID
	if isBind && !lifetimeExempt(w.tags) {
		body = withLifetime(bindIface.Mode, body, w.rs.lifetime)
	}
	// A bind is journaled when a lost answer can be looked up again. When the platform
	// chooses X (AXYB), cleanup looks the AX part up X by X over the profile's numbers; YB
	// binds go with their AX (axyb_journal.go).
	isBind = isBind && (!bindIface.Mode.Spec().PlatformChoosesX() || journaledAXYBBind(bindIface, body))
	return bindIface, isBind, body
}

// signRequest signs req for appKey with the app's secret, then applies the scenario's
// changes to the request (another scheme, secret, key, Created or Nonce, a digest of its
// own, headers set or removed).
func (w *world) signRequest(req *http.Request, appKey string, mods requestMods) {
	signer := pns.Signer{AppKey: appKey, AppSecret: w.rs.secrets[w.app], Scheme: pns.SchemeAKSK}
	if mods.wsse {
		signer.Scheme = pns.SchemeWSSE
	}
	if mods.secret != "" {
		signer.AppSecret = mods.secret
	}
	if mods.appKey != "" {
		signer.AppKey = mods.appKey
	}
	if mods.created != nil {
		d := *mods.created
		signer.Now = func() time.Time { return time.Now().Add(d) }
	}
	nonce := mods.nonce
	if nonce == "" {
		nonce = pns.NewNonce()
	}
	signer.Nonce = func() string { return nonce }
	w.lastNonce = nonce
	signer.Sign(req.Header)
	if mods.digest != nil {
		t := signer.Token()
		t.PasswordDigest = mods.digest(signer.AppSecret, t.Nonce, t.Created)
		req.Header.Set(pns.HeaderXAKSK, t.HeaderValue())
	}
	if mods.rawTime != "" { // a malformed Created: rebuild the token with a digest over it
		t := pns.Token{Scheme: signer.Scheme, Username: signer.AppKey, Nonce: pns.NewNonce(), Created: mods.rawTime}
		if mods.nonce != "" {
			t.Nonce = mods.nonce
		}
		t.PasswordDigest = t.Expected(signer.AppSecret)
		hdr := pns.HeaderXAKSK
		if signer.Scheme == pns.SchemeWSSE {
			hdr = pns.HeaderXWSSE
		}
		req.Header.Set(hdr, t.HeaderValue())
	}
	for _, h := range mods.del {
		req.Header.Del(h)
	}
	for h, v := range mods.set {
		req.Header.Set(h, v)
	}
	if mods.edit != nil {
		mods.edit(req.Header)
	}
}

// journalBind writes a bind to the binding journal before the request leaves and returns its
// journal ID (0: not journaled).
func (w *world) journalBind(isBind bool, mode pns.Mode, appKey string, body []byte) uint64 {
	if !isBind || w.rs.journal == nil {
		return 0
	}
	// Journaled before the request leaves: if the run dies now, cleanup looks it up. The app
	// is the profile's (a deliberately wrong key of an authentication scenario binds nothing,
	// and cleanup must find the app in the profile).
	jid := w.rs.jids.Add(1)
	a, b, x, ext := bindNumbers(mode, body)
	w.rs.journal.Write(bindjournal.Record{Op: bindjournal.OpBind, ID: jid, Mode: mode, App: appKey, A: a, B: b, X: x, Ext: ext})
	return jid
}

// checkResponseSchema validates every JSON answer of a known interface against its response
// schema; this is what makes every scenario a schema check.
func (w *world) checkResponseSchema(ex *exchange) error {
	if !ex.routed {
		return nil
	}
	r := ex.resp
	if len(r.Body) == 0 {
		if r.Status >= 300 && r.Status < 400 {
			return nil // the recording download's redirect has no body (§11)
		}
		return fmt.Errorf("%s answered HTTP %d with an empty body; every PNS answer carries the JSON envelope (§1.5)", ex.iface.ID, r.Status)
	}
	name, err := schemas.SchemaFor(ex.iface.ID, schemas.Response)
	if err != nil {
		return err
	}
	vs, err := w.rs.val.Validate(name, r.Body)
	if errors.Is(err, schemas.ErrUnknownSchema) { // no schema for this interface: envelope only
		if r.OK() {
			return envelopeCheck(r.Body)
		}
		name = schemas.ErrorSchema
		if vs, err = w.rs.val.Validate(name, r.Body); errors.Is(err, schemas.ErrUnknownSchema) {
			return envelopeCheck(r.Body)
		}
	}
	if err != nil {
		return err
	}
	if len(vs) > 0 {
		return fmt.Errorf("response violates schema %s:\n%s\nbody: %s", name, renderViolations(vs), clip(r.Body))
	}
	return nil
}

// envelopeCheck is the fallback when no schema exists: resultcode and resultdesc are strings.
func envelopeCheck(body []byte) error {
	var m map[string]any
	if err := json.Unmarshal(body, &m); err != nil {
		return fmt.Errorf("response is not a JSON object: %v", err)
	}
	for _, f := range []string{"resultcode", "resultdesc"} {
		if s, ok := m[f].(string); !ok || s == "" {
			return fmt.Errorf("response envelope: %s must be a non-empty string (§1.5): %s", f, clip(body))
		}
	}
	return nil
}

func renderViolations(vs []schemas.Violation) string {
	var b strings.Builder
	for _, v := range vs {
		b.WriteString("  - ")
		b.WriteString(v.String())
		b.WriteByte('\n')
	}
	return strings.TrimRight(b.String(), "\n")
}

func clip(b []byte) string {
	if len(b) > 600 {
		return string(b[:600]) + "…"
	}
	return string(b)
}
