package conformance

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"net"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/pns-harness/pns-harness/internal/bindjournal"
	"github.com/pns-harness/pns-harness/pns"
)

// This file bounds what a conformance run can leave on a platform that is not ours, whatever
// ends it: every bind carries a finite lifetime unless its scenario's rule is about the
// lifetime, and every bind is journaled (package bindjournal) in the output directory, so that
// `harness cleanup DIR` removes after a crash what the run's own cleanup could not.

// Lifetime arithmetic of a run (Options.BindingLifetime 0): every selected scenario is allowed
// ScenarioAllowance (a few requests at a platform's latency; the client timeout bounds one
// request), plus the emulator clock advances the scenarios make when the target is the
// emulator (its bindings expire on its clock), plus the end-of-run cleanup sweep, plus
// BindingMargin.
const (
	ScenarioAllowance = 15 * time.Second
	BindingMargin     = 10 * time.Minute
	sweepBudget       = time.Minute
)

var reAdvance = regexp.MustCompile(`^the emulator clock advances by (\d+) seconds$`)

// SuiteLifetime is the default lifetime of the bindings of a run of the selected scenarios:
// their expected length (ScenarioAllowance each, and on the emulator the clock advances of
// their steps) plus the cleanup sweep and BindingMargin, capped at the contract's 90 days.
func SuiteLifetime(selected []Pickle, emulator bool) time.Duration {
	d := time.Duration(len(selected))*ScenarioAllowance + sweepBudget + BindingMargin
	if emulator {
		for _, p := range selected {
			for _, s := range p.Steps {
				if m := reAdvance.FindStringSubmatch(s); m != nil {
					n, _ := strconv.Atoi(m[1])
					d += time.Duration(n) * time.Second
				}
			}
		}
	}
	return min(d, pns.MaxDurationSeconds*time.Second)
}

// lifetimeExempt reports whether a scenario's binds must go out as written: its rule is about
// a lifetime field (duration, bindExpiredTime, timeUnit) or about the defaults of absent
// fields, so an added lifetime would change what it checks.
func lifetimeExempt(tags map[string]bool) bool {
	for t := range tags {
		if strings.HasPrefix(t, "@rule:default:") {
			return true
		}
		if strings.HasPrefix(t, "@rule:") {
			for _, f := range []string{"duration", "bindExpiredTime", "timeUnit"} {
				if strings.HasSuffix(t, ":"+f) {
					return true
				}
			}
		}
	}
	return false
}

// withLifetime returns a bind body of mode m with the mode's lifetime field added
// (pns.ModeSpec.Lifetime: AXB `duration` in seconds; AXE `timeUnit` "1" and `bindExpiredTime`
// in minutes, rounded up; AXYB AX bind `duration` in seconds, at least 60), when the body is a
// JSON object that carries none of the fields that keep it as written (LifetimeField.AsWrittenWith); anything
// else is returned as it is. AX binds have no lifetime field.
// The field is inserted as text after the opening brace, so the rest of the body (key order,
// number spelling, duplicates a scenario may send on purpose) is untouched.
func withLifetime(m pns.Mode, body []byte, lifetime time.Duration) []byte {
	l := m.Spec().Lifetime
	if lifetime <= 0 || l == nil {
		return body
	}
	trimmed := bytes.TrimSpace(body)
	var obj map[string]json.RawMessage
	if len(trimmed) == 0 || trimmed[0] != '{' || json.Unmarshal(trimmed, &obj) != nil {
		return body
	}
	for _, k := range append([]string{l.Name, l.UnitField}, l.AsWrittenWith...) {
		if _, ok := obj[k]; ok && k != "" {
			return body
		}
	}
	field := fmt.Sprintf(`%q:%d`, l.Name, l.Value(lifetime))
	if l.UnitField != "" {
		field = fmt.Sprintf(`%q:%q,`, l.UnitField, l.UnitCode) + field
	}
	rest := bytes.TrimSpace(trimmed[1:])
	out := make([]byte, 0, len(body)+len(field)+2)
	out = append(out, '{')
	out = append(out, field...)
	if len(rest) > 0 && rest[0] != '}' {
		out = append(out, ',')
	}
	return append(out, rest...)
}

// bindNumbers are the numbers a bind body names, for the journal: what cleanup looks a bind
// whose answer was lost up by. The field names are the mode's pns.ModeSpec.
func bindNumbers(m pns.Mode, body []byte) (a, b, x, ext string) {
	var v map[string]any
	_ = json.Unmarshal(body, &v)
	s := func(k string) string {
		if k == "" {
			return "" // the mode has no such field
		}
		r, _ := v[k].(string)
		return r
	}
	spec := m.Spec()
	return s(spec.A), s(spec.B), s(spec.X), s(spec.Ext)
}

// notSent reports whether a request failed before any byte reached the platform (the
// connection was refused, the name did not resolve): such a bind created nothing.
func notSent(err error) bool {
	var op *net.OpError
	var dns *net.DNSError
	return errors.As(err, &dns) || (errors.As(err, &op) && op.Op == "dial")
}

// openJournal makes dir's binding journal this run's. An earlier run's journal that says
// bindings may still be on the platform is never overwritten (their IDs would be lost): the
// run is refused until `harness cleanup DIR` removed them; one with nothing left is replaced.
func openJournal(dir, target string, ephemeral bool) (*bindjournal.Writer, error) {
	st, err := bindjournal.Read(dir)
	switch {
	case errors.Is(err, fs.ErrNotExist):
	case err != nil:
		return nil, fmt.Errorf("%s: an earlier run's binding journal cannot be read (%w): remove it once its bindings are known to be gone", dir, err)
	case !st.Ephemeral && st.Live+st.Maybe > 0:
		return nil, fmt.Errorf("%s: the binding journal of an earlier run says %d binding(s) may still be on the platform (%d bound, %d without an answer): run `harness cleanup %s` first",
			dir, st.Live+st.Maybe, st.Live, st.Maybe, dir)
	default:
		if err := os.Remove(filepath.Join(dir, bindjournal.File)); err != nil {
			return nil, err
		}
	}
	w, err := bindjournal.Open(dir)
	if err != nil {
		return nil, err
	}
	w.Write(bindjournal.Record{Op: bindjournal.OpRun, Kind: bindjournal.KindConformance, Target: target, At: time.Now().UTC().Format(time.RFC3339Nano), Ephemeral: ephemeral})
	return w, nil
}
