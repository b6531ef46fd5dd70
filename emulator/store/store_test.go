package store

import (
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/pns-harness/pns-harness/emulator/clock"
	"github.com/pns-harness/pns-harness/pns"
)

// fakeClock is a frozen clock moved only by Advance, for exact expiry-instant tests.
type fakeClock struct {
	mu sync.Mutex
	t  time.Time
}

func newFakeClock() *fakeClock {
	return &fakeClock{t: time.Date(2026, 3, 1, 8, 0, 0, 0, time.UTC)}
}

func (c *fakeClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *fakeClock) Advance(d time.Duration) {
	c.mu.Lock()
	c.t = c.t.Add(d)
	c.mu.Unlock()
}

// X numbers of the fixture.
const (
	x1 = "+8617000000001" // axb, 0755 Guangdong
	x2 = "+8617000000002" // axb, 0755
	x3 = "+8617000000003" // axb, 020 Guangdong
	x4 = "+8617000000004" // axb, 010 Beijing

	xOther = "+8617000000101" // axb2
	xBig   = "+8617000000501" // axbbig

	ax1 = "+8617000000201" // ax, 0755
	ax2 = "+8617000000202" // ax, 0755
	ax3 = "+8617000000203" // ax, 010

	xe1 = "+8617000000301" // axe (1 digit), 0755
	xe2 = "+8617000000302" // axe, 010
	xe4 = "+8617000000401" // axe4 (4 digits), 0755

	xUnknown = "+8617099999999"
)

// Real numbers.
const (
	nA = "+8613900000001"
	nB = "+8613900000002"
	nC = "+8613900000003"
	nD = "+8613900000004"
	nE = "+8613900000005"
)

func fixtureOptions(c clock.Clock) Options {
	opts := Options{
		Clock: c,
		Apps: []App{
			{Key: "axb", Mode: pns.ModeAXB, Recording: true, SMS: true, MaxPairsPerX: 3},
			{Key: "axb2", Mode: pns.ModeAXB},
			{Key: "axbbig", Mode: pns.ModeAXB, Recording: true},
			{Key: "ax", Mode: pns.ModeAX, Recording: true},
			{Key: "axe", Mode: pns.ModeAXE, Recording: true, ExtensionDigits: 1},
			{Key: "axe4", Mode: pns.ModeAXE},
		},
		Pool: []XNumber{
			{Number: x1, App: "axb", CityCode: "0755"},
			{Number: x3, App: "axb", CityCode: "020"},
			{Number: x2, App: "axb", CityCode: "0755"},
			{Number: x4, App: "axb", CityCode: "010"},
			{Number: xOther, App: "axb2", CityCode: "0755"},
			{Number: xBig, App: "axbbig", CityCode: "0755"},
			{Number: ax1, App: "ax", CityCode: "0755"},
			{Number: ax2, App: "ax", CityCode: "0755"},
			{Number: ax3, App: "ax", CityCode: "010"},
			{Number: xe1, App: "axe", CityCode: "0755"},
			{Number: xe2, App: "axe", CityCode: "010"},
			{Number: xe4, App: "axe4", CityCode: "0755"},
		},
		Areas: map[string]string{"0755": "Guangdong", "020": "Guangdong", "010": "Beijing", "021": "Shanghai"},
		MobilePrefixAreas: map[string]string{
			"+86138":     "010",
			"+861380755": "0755",
		},
	}
	for i := range 5 {
		opts.Pool = append(opts.Pool, XNumber{Number: fmt.Sprintf("+86170000006%02d", i), App: "ax", CityCode: "021"})
	}
	return opts
}

func newFixture(t testing.TB) (*Store, *fakeClock) {
	t.Helper()
	c := newFakeClock()
	s, err := New(fixtureOptions(c))
	if err != nil {
		t.Fatal(err)
	}
	return s, c
}

// code renders a result for comparison: "0", the code, or "1010002 <field>".
func code(e *pns.Error) string {
	switch {
	case e == nil:
		return "0"
	case e.Code == pns.CodeInvalidRequest:
		return "1010002 " + strings.TrimPrefix(e.Desc, "Invalid request. ")
	}
	return string(e.Code)
}

func mustCheck(t testing.TB, s *Store) {
	t.Helper()
	if v := s.Check(); len(v) > 0 {
		t.Fatalf("invariants broken: %v", v)
	}
}

func bindAXB(t testing.TB, s *Store, app, a, b, x string) AXBBinding {
	t.Helper()
	got, e := s.AXBBind(app, AXBBindInput{CallerNum: a, CalleeNum: b, RelationNum: x})
	if e != nil {
		t.Fatalf("bind %s-%s-%s: %v", a, x, b, e)
	}
	return got
}

func TestNewValidation(t *testing.T) {
	base := func() Options { return fixtureOptions(nil) }
	tests := []struct {
		name string
		mod  func(*Options)
		want string
	}{
		{"ok", func(*Options) {}, ""},
		{"empty key", func(o *Options) { o.Apps[1].Key = "" }, `store: app 2: empty key`},
		{"duplicate app", func(o *Options) { o.Apps[1].Key = "axb" }, `store: app "axb" listed twice`},
		{"bad mode", func(o *Options) { o.Apps[0].Mode = "AXY" }, `store: app "axb": unknown mode "AXY"`},
		{"digits", func(o *Options) { o.Apps[4].ExtensionDigits = 5 }, `store: app "axe": extensionDigits 5 out of range 1-4`},
		{"negative digits", func(o *Options) { o.Apps[4].ExtensionDigits = -1 }, `store: app "axe": extensionDigits -1 out of range 1-4`},
		{"capacity", func(o *Options) { o.Apps[0].MaxPairsPerX = -2 }, `store: app "axb": maxPairsPerX -2 must be positive`},
		{"pool number", func(o *Options) { o.Pool[0].Number = "+86755281234" }, `store: pool entry 1: number "+86755281234" is not a +86 mobile number`},
		{"pool duplicate", func(o *Options) { o.Pool[1].Number = x1 }, `store: pool number "+8617000000001" listed twice`},
		{"pool unknown app", func(o *Options) { o.Pool[0].App = "nope" }, `store: pool number "+8617000000001": unknown app "nope"`},
		{"pool city", func(o *Options) { o.Pool[0].CityCode = "755" }, `store: pool number "+8617000000001": invalid city code "755"`},
		{"pool status", func(o *Options) { o.Pool[0].Status = "7" }, `store: pool number "+8617000000001": invalid status "7"`},
		{"areas key", func(o *Options) { o.Areas["75"] = "x" }, `store: areas: invalid city code "75"`},
		{"areas province", func(o *Options) { o.Areas["0571"] = "" }, `store: areas: city code "0571": empty province`},
		{"prefix", func(o *Options) { o.MobilePrefixAreas["86138"] = "010" }, `store: mobilePrefixAreas: invalid prefix "86138"`},
		{"prefix city", func(o *Options) { o.MobilePrefixAreas["+86139"] = "10" }, `store: mobilePrefixAreas: prefix "+86139": invalid city code "10"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			o := base()
			tt.mod(&o)
			_, err := New(o)
			got := ""
			if err != nil {
				got = err.Error()
			}
			if got != tt.want {
				t.Fatalf("New: got %q, want %q", got, tt.want)
			}
		})
	}
}

func TestDefaultsAndXInfo(t *testing.T) {
	s, _ := newFixture(t)
	app, _ := s.App("axe4")
	if app.ExtensionDigits != 4 || app.MaxPairsPerX != 5000 {
		t.Fatalf("defaults not applied: %+v", app)
	}
	info, ok := s.XInfo(x1)
	if !ok || info.Status != StatusNormal || info.Province != "Guangdong" || info.App != "axb" || info.Mode != pns.ModeAXB {
		t.Fatalf("XInfo: %+v %v", info, ok)
	}
	if _, ok := s.XInfo(xUnknown); ok {
		t.Fatal("XInfo of an unknown number")
	}
	prev, err := s.SetXStatus(x1, StatusPaused)
	if err != nil || prev != StatusNormal {
		t.Fatalf("SetXStatus: %q %v", prev, err)
	}
	if info, _ := s.XInfo(x1); info.Status != StatusPaused {
		t.Fatalf("status not changed: %+v", info)
	}
	if _, err := s.SetXStatus(x1, "4"); err == nil {
		t.Fatal("invalid status accepted")
	}
	if _, err := s.SetXStatus(xUnknown, "5"); err == nil {
		t.Fatal("unknown X accepted")
	}
	if app, mode, ok := s.LookupX(xe1); !ok || app != "axe" || mode != pns.ModeAXE {
		t.Fatalf("LookupX: %s %s %v", app, mode, ok)
	}
	if _, _, ok := s.LookupX(xUnknown); ok {
		t.Fatal("LookupX of an unknown number")
	}
	if got := len(s.XNumbers("axb")); got != 4 {
		t.Fatalf("XNumbers(axb) = %d", got)
	}
	bindAXB(t, s, "axb", nA, nB, x2)
	if info, _ := s.XInfo(x2); info.Bindings != 1 {
		t.Fatalf("binding count: %+v", info)
	}
}

func TestAppAndModeErrors(t *testing.T) {
	s, _ := newFixture(t)
	_, e := s.AXBBind("nope", AXBBindInput{CallerNum: nA, CalleeNum: nB})
	if code(e) != "1010003" {
		t.Fatalf("unknown app: %s", code(e))
	}
	_, e = s.AXBind("axb", AXBindInput{OrigNum: nA})
	if code(e) != "1010040" {
		t.Fatalf("mode mismatch: %s", code(e))
	}
	_, e = s.AXEQuery("ax", AXEKey{SubscriptionID: "x"})
	if code(e) != "1010040" {
		t.Fatalf("mode mismatch: %s", code(e))
	}
}

func TestReset(t *testing.T) {
	s, _ := newFixture(t)
	bindAXB(t, s, "axb", nA, nB, x1)
	if _, e := s.AXBind("ax", AXBindInput{OrigNum: nA, PrivateNum: ax1}); e != nil {
		t.Fatal(e)
	}
	if _, e := s.AXEBind("axe", AXEBindInput{BindNum: nA, VirtualNum: xe1}); e != nil {
		t.Fatal(e)
	}
	s.SetXStatus(x2, StatusFrozen)
	s.Reset()
	mustCheck(t, s)
	d := s.Dump("")
	if len(d.AXB)+len(d.AX)+len(d.AXE) != 0 {
		t.Fatalf("bindings after reset: %+v", d)
	}
	if info, _ := s.XInfo(x2); info.Status != StatusFrozen {
		t.Fatal("reset changed an X status")
	}
	// the fewest-bindings order works again after the reset
	got, e := s.AXBBind("axb", AXBBindInput{CallerNum: nA, CalleeNum: nB, LooseArea: true})
	if e != nil || got.RelationNum != x1 {
		t.Fatalf("after reset selected %s", got.RelationNum)
	}
	if e, _ := s.AXEBind("axe", AXEBindInput{BindNum: nA, VirtualNum: xe1}); e.ExtendNum != "1" {
		t.Fatalf("extension after reset: %q", e.ExtendNum)
	}
}

func TestDumpFilterAndOrder(t *testing.T) {
	s, c := newFixture(t)
	b1 := bindAXB(t, s, "axb", nA, nB, x1)
	c.Advance(time.Second)
	b2 := bindAXB(t, s, "axb", nC, nD, x1)
	bindAXB(t, s, "axb2", nA, nB, xOther)
	d := s.Dump("axb")
	if len(d.AXB) != 2 || d.AXB[0].SubscriptionID != b1.SubscriptionID || d.AXB[1].SubscriptionID != b2.SubscriptionID {
		t.Fatalf("dump axb: %+v", d.AXB)
	}
	if all := s.Dump(""); len(all.AXB) != 3 {
		t.Fatalf("dump all: %d", len(all.AXB))
	}
	// copies: changing the dump does not change the store
	d.AXB[0].CallerNum = nE
	if got, _ := s.AXBByXAndNumber(x1, nA); got.SubscriptionID != b1.SubscriptionID {
		t.Fatal("dump returned internal state")
	}
}

// TestNewIDIsUUIDv4: every subscriptionId is a lower-case RFC 4122 version 4 UUID, as
// uuid.NewString wrote them, distinct from the others, across refills of newID's buffer.
func TestNewIDIsUUIDv4(t *testing.T) {
	seen := map[string]bool{}
	for i := 0; i < 3*len(ids.buf)/16; i++ {
		id := newID()
		u, err := uuid.Parse(id)
		if err != nil || u.Version() != 4 || u.Variant() != uuid.RFC4122 || u.String() != id {
			t.Fatalf("newID() = %q: not a lower-case UUIDv4 (%v)", id, err)
		}
		if seen[id] {
			t.Fatalf("newID() = %q twice", id)
		}
		seen[id] = true
	}
}
