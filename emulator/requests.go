package emulator

import "github.com/pns-harness/pns-harness/pns"

// What the decoders of every interface share (reference §3-§5, §11); the decoders themselves
// live in their mode's file (axb.go, ax.go, axe.go, recording.go). Each returns the store's
// validated input type; store conventions apply: empty strings and nil pointers mean
// "absent / unchanged".

// Limits of the reference used by the decoders.
const (
	maxAXBDuration      = 7776000
	maxMaxDuration      = 1440
	maxCalleeDuration   = 259200
	defaultCalleeDur    = 60
	defaultPageSize     = 50
	minPageSize         = 10
	maxPageSize         = 100
	defaultAreaMatch    = "0"
	defaultDisplay      = "0"
	defaultTurnFlag     = "on"
	defaultTimeUnit     = "0"
	privateNumTypeValue = "mobile-virtual"
)

func optInt(n int, ok bool) *int {
	if !ok {
		return nil
	}
	return &n
}

func optBool(b bool, ok bool) *bool {
	if !ok {
		return nil
	}
	return &b
}

func orStr(s string, ok bool, def string) string {
	if !ok {
		return def
	}
	return s
}

// orStrFn adapts a (value, ok) pair to a default, so that decoders read as one line per field.
func orStrFn(s string, ok bool) func(string) string {
	return func(def string) string { return orStr(s, ok, def) }
}

// first drops the ok of a (value, ok) pair: store inputs use "" for absent.
func first[T any](v T, _ bool) T { return v }

// toPreVoice converts a validated preVoice to the store's form (empty = absent).
func toPreVoice(p *PreVoiceIn) *pns.PreVoice {
	if p == nil {
		return nil
	}
	out := &pns.PreVoice{}
	if p.CallerHintTone != nil {
		out.CallerHintTone = *p.CallerHintTone
	}
	if p.CalleeHintTone != nil {
		out.CalleeHintTone = *p.CalleeHintTone
	}
	return out
}

// recordHintTone reads recordHintTone after recordFlag on a bind: String(1-128) always, the
// tone list only when recording is requested, and the value is dropped otherwise (D25).
func (r *reader) recordHintTone(app *App, recordFlag bool) string {
	s, ok := r.str("recordHintTone", 1, 128)
	if !ok || !recordFlag {
		return ""
	}
	if !app.toneAllowed(s) {
		r.fail("recordHintTone")
		return ""
	}
	return s
}

// displayValues are the accepted calleeNumDisplay / displayNumMode values: "0" and "1", or
// only "0" in the alternative set (D53: the carrier requires "0").
func displayValues(app *App) []string {
	if app.alt {
		return []string{"0"}
	}
	return []string{"0", "1"}
}
