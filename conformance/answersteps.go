package conformance

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strings"

	"github.com/cucumber/godog"
	"github.com/pns-harness/pns-harness/pns"
	"github.com/pns-harness/pns-harness/schemas"
)

// The Then steps that judge an answer: the result code with its HTTP status, the description,
// fields of the body, the redirect of a recording download, and whether a binding exists.
// Split from steps.go (issue 23) so that each file holds one noun of the suite.

// expectedStatus is the HTTP status the emulator sends with a code on an interface (D14, D75).
func expectedStatus(iface, code string) (status int, verified bool) {
	if iface == pns.IfaceRecordDownload && code == string(pns.CodeRecordNotExist) {
		return http.StatusNotFound, false
	}
	ci, ok := pns.Lookup(pns.Code(code))
	if !ok {
		return 0, false
	}
	return ci.HTTP, ci.HTTPTag == pns.Verified
}

// resultCode asserts the resultcode strictly and the HTTP status exactly where the pair is [V]
// or the target is the emulator, otherwise its class (reference §1.6). For 1010002 it also
// checks that the request really violates its schema (no false negatives), unless the scenario
// is tagged @schema-valid.
func (w *world) resultCode(code string) error {
	ex, err := w.lastExchange()
	if err != nil {
		return err
	}
	r := ex.resp
	if got := r.Envelope.ResultCode; got != code {
		return fmt.Errorf("resultcode %q (%q), want %q; HTTP %d\nrequest: %s\nresponse: %s%s",
			got, r.Envelope.ResultDesc, code, r.Status, r.Request, clip(r.Body), ex.reproduce())
	}
	if want, verified := expectedStatus(ex.iface.ID, code); want != 0 {
		if verified || w.rs.emulator {
			if r.Status != want {
				return fmt.Errorf("HTTP status %d with resultcode %s, want %d", r.Status, code, want)
			}
		} else if r.Status/100 != want/100 {
			return fmt.Errorf("HTTP status %d with resultcode %s, want %dxx", r.Status, code, want/100)
		}
	}
	if code == string(pns.CodeInvalidRequest) {
		return w.checkRejectedRequest(ex)
	}
	return nil
}

// checkRejectedRequest guards against false negatives: a request that the scenario expects to
// be rejected with 1010002 must violate its request schema, otherwise either the test data or
// the schema is wrong and a passing scenario would prove nothing. Scenarios tagged
// @schema-valid test rules the schema cannot express; for them the request must be valid, so
// that the tag cannot hide a second, unintended defect in the payload.
func (w *world) checkRejectedRequest(ex *exchange) error {
	if !ex.routed {
		return nil
	}
	name, err := schemas.SchemaFor(ex.iface.ID, schemas.Request)
	if err != nil {
		return nil
	}
	var vs []schemas.Violation
	if ex.iface.Query {
		vs, err = w.rs.val.ValidateQuery(name, ex.query)
	} else {
		vs, err = w.rs.val.Validate(name, ex.body)
	}
	if errors.Is(err, schemas.ErrUnknownSchema) {
		return nil
	}
	if err != nil {
		return err
	}
	switch {
	case w.hasTag(TagSchemaValid) && len(vs) > 0:
		return fmt.Errorf("test data is wrong: the scenario is tagged %s but the payload violates %s:\n%s\nrequest: %s",
			TagSchemaValid, name, renderViolations(vs), ex.resp.Request)
	case !w.hasTag(TagSchemaValid) && len(vs) == 0:
		return fmt.Errorf("test data is wrong: payload is valid against %s but the scenario expects rejection (tag it %s if the rule is not expressible in the schema)\nrequest: %s",
			name, TagSchemaValid, ex.resp.Request)
	}
	return nil
}

func (w *world) httpStatus(code int) error {
	ex, err := w.lastExchange()
	if err != nil {
		return err
	}
	if ex.resp.Status != code {
		return fmt.Errorf("HTTP status %d, want %d; body: %s", ex.resp.Status, code, clip(ex.resp.Body))
	}
	return nil
}

// resultDesc asserts resultdesc only against the emulator (§12: descriptions are the
// emulator's); "Success" and "Success." are equivalent (§14.3).
func (w *world) resultDesc(desc string) error {
	ex, err := w.lastExchange()
	if err != nil {
		return err
	}
	if !w.rs.emulator {
		return nil
	}
	got := ex.resp.Envelope.ResultDesc
	if got == desc || (strings.TrimSuffix(got, ".") == "Success" && strings.TrimSuffix(desc, ".") == "Success") {
		return nil
	}
	return fmt.Errorf("resultdesc %q, want %q", got, desc)
}

func (w *world) lookup(path string) (any, bool, *exchange, error) {
	ex, err := w.lastExchange()
	if err != nil {
		return nil, false, nil, err
	}
	p, err := w.fill(path)
	if err != nil {
		return nil, false, nil, err
	}
	v, ok := field(ex.response, p)
	return v, ok, ex, nil
}

func render(v any) string {
	if s, ok := v.(string); ok {
		return s
	}
	b, _ := json.Marshal(v)
	return string(b)
}

// fieldHas checks the value at path with match; what names the wanted value in the error.
func (w *world) fieldHas(path, what string, match func(v any) bool) error {
	v, ok, ex, err := w.lookup(path)
	if err != nil {
		return err
	}
	if !ok || !match(v) {
		return fmt.Errorf("field %s = %s, want %s; body: %s", path, render(v), what, clip(ex.resp.Body))
	}
	return nil
}

func (w *world) fieldIs(path, want string) error {
	want, err := w.fill(want)
	if err != nil {
		return err
	}
	return w.fieldHas(path, fmt.Sprintf("the string %q", want), func(v any) bool { s, ok := v.(string); return ok && s == want })
}

func (w *world) fieldIsNot(path, notWant string) error {
	v, _, ex, err := w.lookup(path)
	if err != nil {
		return err
	}
	if notWant, err = w.fill(notWant); err != nil {
		return err
	}
	if s, _ := v.(string); s == notWant {
		return fmt.Errorf("field %s = %q, want anything else; body: %s", path, s, clip(ex.resp.Body))
	}
	return nil
}

func (w *world) fieldIsNumber(path string, want int) error {
	return w.fieldHas(path, fmt.Sprintf("the number %d", want), func(v any) bool { f, ok := v.(float64); return ok && f == float64(want) })
}

func (w *world) fieldIsBool(path, want string) error {
	return w.fieldHas(path, "the boolean "+want, func(v any) bool { b, ok := v.(bool); return ok && b == (want == "true") })
}

func (w *world) fieldPresence(path, which string) error {
	_, ok, ex, err := w.lookup(path)
	if err != nil {
		return err
	}
	if ok != (which == "present") {
		return fmt.Errorf("field %s should be %s; body: %s", path, which, clip(ex.resp.Body))
	}
	return nil
}

func (w *world) listLen(path string, n int) error {
	v, ok, ex, err := w.lookup(path)
	if err != nil {
		return err
	}
	l, isList := v.([]any)
	if !ok || !isList || len(l) != n {
		return fmt.Errorf("list %s has %s, want %d entries; body: %s", path, render(v), n, clip(ex.resp.Body))
	}
	return nil
}

// appX returns the X number at path and the app of the last answer, or an error when that
// app does not own it.
func (w *world) appX(path string) (string, *AppProfile, error) {
	v, ok, ex, err := w.lookup(path)
	if err != nil {
		return "", nil, err
	}
	s, _ := v.(string)
	a := w.rs.prof.App(ex.app)
	if !ok || a == nil || !a.Owns(s) {
		return "", nil, fmt.Errorf("field %s = %s is not one of app %s's X numbers", path, render(v), ex.app)
	}
	return s, a, nil
}

func (w *world) fieldIsAppX(path string) error {
	_, _, err := w.appX(path)
	return err
}

func (w *world) fieldIsAreaX(path, area string) error {
	s, a, err := w.appX(path)
	if err != nil {
		return err
	}
	got, known := a.AreaOf(s)
	if !known {
		return fmt.Errorf("%w: the profile does not know the area of %s", godog.ErrSkip, s)
	}
	if got != area {
		return fmt.Errorf("the area of X %s is %s, want %s", s, got, area)
	}
	return nil
}

func (w *world) redirect() error {
	ex, err := w.lastExchange()
	if err != nil {
		return err
	}
	r := ex.resp
	if r.Status < 300 || r.Status > 399 || r.Header.Get("Location") == "" {
		return fmt.Errorf("want a redirect with Location, got HTTP %d Location %q body %s", r.Status, r.Header.Get("Location"), clip(r.Body))
	}
	if w.rs.emulator && r.Status != http.StatusMovedPermanently {
		return fmt.Errorf("HTTP %d, the emulator answers 301 (D75)", r.Status)
	}
	return nil
}

// bindingExists checks a binding with a query by subscriptionId; the query is auxiliary and
// does not replace the scenario's last response.
func (w *world) bindingExists(ctx context.Context, mode, id, which string) error {
	saved := w.app
	w.useMode(mode)
	defer func() { w.app = saved }()
	qi, err := modeIface(mode, "query")
	if err != nil {
		return err
	}
	q, err := w.modeQuery(mode, "subscriptionId="+id)
	if err != nil {
		return err
	}
	ex, err := w.sendIface(ctx, qi, "", q, true)
	if err != nil {
		return err
	}
	got := ex.resp.Envelope.ResultCode
	switch {
	case which == "exists" && got != "0":
		return fmt.Errorf("binding %s: query answered %s %q, want 0", id, got, ex.resp.Envelope.ResultDesc)
	case which == "does not exist" && !pns.BindingNotFound(pns.Mode(mode), got):
		return fmt.Errorf("binding %s: query answered %s, want a not-found code (1012007; AX 1016001 or 1011004, D47)", id, got)
	}
	return nil
}
