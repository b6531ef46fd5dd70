package pns

import (
	"reflect"
	"strings"
	"testing"
	"time"
)

// TestModeSpecsCoverModes checks that every mode has a ModeSpec whose field names are those of
// its bind request type as json.Marshal spells them, so that a new mode cannot be half added.
func TestModeSpecsCoverModes(t *testing.T) {
	reqs := map[Mode]any{ModeAXB: AXBBindRequest{}, ModeAX: AXBindRequest{}, ModeAXE: AXEBindRequest{}, ModeAXYB: AXYBBindRequest{}}
	for _, m := range Modes {
		s, ok := ModeSpecs[m]
		if !ok {
			t.Fatalf("%s has no ModeSpec", m)
		}
		if m.Path() == "" {
			t.Errorf("%s: no bind interface, so no path", m)
		}
		req, ok := reqs[m]
		if !ok {
			t.Fatalf("%s: the test does not know its bind request type", m)
		}
		tags := jsonNames(reflect.TypeOf(req))
		for _, f := range []string{s.A, s.B, s.X, s.Ext} {
			if f != "" && !tags[f] {
				t.Errorf("%s: field %q is not in %T", m, f, req)
			}
		}
		if l := s.Lifetime; l != nil && (!tags[l.Name] || l.UnitField != "" && !tags[l.UnitField]) {
			t.Errorf("%s: lifetime fields %q %q are not in %T", m, l.Name, l.UnitField, req)
		}
		for _, f := range s.Lifetime.asWritten() {
			if !tags[f] {
				t.Errorf("%s: field %q that keeps a bind as written is not in %T", m, f, req)
			}
		}
		if s.Mode != m || m.SecondScope() != s.SecondScope {
			t.Errorf("%s: row of mode %s, second scope %v", m, s.Mode, m.SecondScope())
		}
		if l := s.Lifetime; l != nil && (l.Unit <= 0 || l.Max < l.Min || l.Max <= 0) {
			t.Errorf("%s: lifetime unit %v and bounds %d-%d make no field value", m, l.Unit, l.Min, l.Max)
		}
		if s.A == "" || s.AnswerX == "" || s.CapacityUnit == "" {
			t.Errorf("%s: A field %q, answer X field %q and capacity unit %q must be named", m, s.A, s.AnswerX, s.CapacityUnit)
		}
	}
	if len(ModeSpecs) != len(Modes) {
		t.Errorf("%d ModeSpecs for %d modes", len(ModeSpecs), len(Modes))
	}
}

// asWritten returns the fields that keep a bind as written, none without a lifetime field.
func (l *LifetimeField) asWritten() []string {
	if l == nil {
		return nil
	}
	return l.AsWrittenWith
}

// jsonNames returns the JSON names of a struct type's fields.
func jsonNames(t reflect.Type) map[string]bool {
	out := map[string]bool{}
	for i := range t.NumField() {
		name, _, _ := strings.Cut(t.Field(i).Tag.Get("json"), ",")
		out[name] = true
	}
	return out
}

// TestLifetimeFieldValue checks rounding up to the unit and the bounds of each mode.
func TestLifetimeFieldValue(t *testing.T) {
	cases := []struct {
		m    Mode
		d    time.Duration
		want int64
	}{
		{ModeAXB, time.Second + time.Nanosecond, 2},
		{ModeAXB, 100 * 24 * time.Hour, MaxDurationSeconds},
		{ModeAXE, 61 * time.Second, 2},
		{ModeAXE, 100 * 24 * time.Hour, 129600},
		{ModeAXYB, time.Second, 60},
		{ModeAXYB, 61 * time.Second, 61},
	}
	for _, c := range cases {
		if got := c.m.Spec().Lifetime.Value(c.d); got != c.want {
			t.Errorf("%s %v: %d, want %d", c.m, c.d, got, c.want)
		}
	}
	if ModeAX.Spec().Lifetime != nil {
		t.Error("AX binds have no lifetime field")
	}
}
