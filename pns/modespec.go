package pns

import "time"

// ModeSpec describes the request shapes of one binding mode: the field names of its bind,
// the field of its answer that holds X, how its requests name the app and the lifetime field
// of its binds. The load generator, the conformance steps and cleanup read these facts
// instead of switching over modes, so that a new mode is one row of ModeSpecs (and one row
// in each package's own table for the facts only that package needs).
type ModeSpec struct {
	// Mode is the mode the row describes.
	Mode Mode
	// SecondScope says that the mode belongs to the contract's second scope (AXYB, §6): a
	// profile need not have an app of it (Mode.SecondScope).
	SecondScope bool
	// A, B, X and Ext name the bind request's fields for the A number, the B number, the X
	// number and the extension; "" when the bind has no such field (AX has no B, only AXE
	// has an extension, and no AXYB field names X: the platform always chooses it, §6.2).
	A, B, X, Ext string
	// AnswerX names the field of a successful bind's answer that holds the X the binding got.
	AnswerX string
	// AppKeyInURL says that every request of the mode names its app in the URL query
	// parameter app_key (AXYB, §6.3), setup and cleanup requests included.
	AppKeyInURL bool
	// Lifetime is the lifetime field of the mode's binds; nil when a bind has none (AX: a
	// binding lives until it is unbound).
	Lifetime *LifetimeField
	// OneAPerX says that an X carries at most one live binding (AX binds one A per X; an
	// AXYB X carries one AX relation, §6.1), so the live bindings of a load must fit in the
	// profile's X numbers.
	OneAPerX bool
	// Extensions says that the mode's bindings are told apart by an extension of X (AXE):
	// a pool allocates extensions per X instead of counting bindings per X.
	Extensions bool
	// CapacityUnit names what one X carries, for the capacity line of the console ("3 X ×
	// 5000 pairs").
	CapacityUnit string
}

// LifetimeField is the lifetime field of a bind (reference §13.4 and §6.2): its name, its
// unit, and the bounds of its value; 0 (never expires) is never sent, so the bounds apply to
// positive lifetimes only.
type LifetimeField struct {
	// Name is the JSON field ("duration", "bindExpiredTime").
	Name string
	// Unit is what one step of the value means (a second, a minute).
	Unit time.Duration
	// UnitField and UnitCode are the field that names the unit and its value, sent before
	// Name when the contract needs one (AXE: timeUnit "1", minutes); "" otherwise.
	UnitField, UnitCode string
	// Min and Max bound the value, in Unit: a shorter lifetime is rounded up to Min (AXYB
	// asks at least 60 s), a longer one capped at Max (90 days).
	Min, Max int64
	// AsWrittenWith are the bind's fields, besides Name and UnitField, whose presence means
	// that a lifetime must not be added to a bind: it would change what they mean (AXE:
	// timeUnit is also the unit of callbackExpiredTime) or what the bind is (AXYB: a body
	// with subscriptionId is a YB bind, and ybDuration would be capped by an added duration,
	// §6.2). The conformance run sends such a bind as written.
	AsWrittenWith []string
}

// Value returns a positive lifetime in the field's unit, rounded up (a binding must not
// expire before the lifetime asked) and kept within Min and Max.
func (l *LifetimeField) Value(d time.Duration) int64 {
	n := int64(d / l.Unit)
	if d%l.Unit != 0 {
		n++
	}
	return min(max(n, l.Min), l.Max)
}

// MaxDurationSeconds is the longest lifetime any bind can carry (90 days, reference §13.4):
// AXB and AXYB `duration` in seconds, AXE `bindExpiredTime` 129600 minutes.
const MaxDurationSeconds = 7776000

// modeRows is the ModeSpec of every binding mode, in the order of Modes: the one place a mode
// is listed. Modes and ModeSpecs are derived from it.
var modeRows = []ModeSpec{
	{Mode: ModeAXB, A: "callerNum", B: "calleeNum", X: "relationNum", AnswerX: "relationNum", CapacityUnit: "pairs",
		Lifetime: &LifetimeField{Name: "duration", Unit: time.Second, Max: MaxDurationSeconds}},
	{Mode: ModeAX, A: "origNum", X: "privateNum", AnswerX: "privateNum", OneAPerX: true, CapacityUnit: "A"},
	{Mode: ModeAXE, A: "bindNum", X: "virtualNum", Ext: "extendNum", AnswerX: "virtualNum", Extensions: true, CapacityUnit: "extensions",
		Lifetime: &LifetimeField{Name: "bindExpiredTime", Unit: time.Minute, UnitField: "timeUnit", UnitCode: "1", Max: MaxDurationSeconds / 60,
			AsWrittenWith: []string{"callbackExpiredTime"}}},
	{Mode: ModeAXYB, SecondScope: true, A: "origNum", AnswerX: "relationNumber", AppKeyInURL: true, OneAPerX: true, CapacityUnit: "relations",
		Lifetime: &LifetimeField{Name: "duration", Unit: time.Second, Min: 60, Max: MaxDurationSeconds,
			AsWrittenWith: []string{"subscriptionId", "ybDuration"}}},
}

// ModeSpecs holds the ModeSpec of every mode of Modes, by mode (from modeRows).
var ModeSpecs = func() map[Mode]ModeSpec {
	m := make(map[Mode]ModeSpec, len(modeRows))
	for _, s := range modeRows {
		m[s.Mode] = s
	}
	return m
}()

// Spec returns the mode's ModeSpec (the zero ModeSpec for a mode outside Modes).
func (m Mode) Spec() ModeSpec { return ModeSpecs[m] }

// Path is the path of the mode's bind, unbind and query interfaces, "" for a mode without a
// bind interface.
func (m Mode) Path() string {
	i, _ := InterfaceFor(m, "bind")
	return i.Path
}

// PlatformChoosesX reports whether no bind field names X, so that the platform always
// chooses it: a bind whose answer was lost cannot be looked up again by its numbers.
func (s ModeSpec) PlatformChoosesX() bool { return s.X == "" }
