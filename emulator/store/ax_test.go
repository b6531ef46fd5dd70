package store

import (
	"fmt"
	"testing"
	"time"

	"github.com/pns-harness/pns-harness/pns"
)

func bindAX(t testing.TB, s *Store, a, x string) AXBinding {
	t.Helper()
	got, e := s.AXBind("ax", AXBindInput{OrigNum: a, PrivateNum: x})
	if e != nil {
		t.Fatalf("AX bind %s-%s: %v", a, x, e)
	}
	return got
}

// axPool are the five 021 numbers of the fixture.
func axPool(i int) string { return fmt.Sprintf("+86170000006%02d", i) }

func TestAXBindRules(t *testing.T) {
	fiveForA := func(t *testing.T, s *Store) {
		for i := range 5 {
			bindAX(t, s, nA, axPool(i))
		}
	}
	tests := []struct {
		name  string
		app   string
		setup func(t *testing.T, s *Store)
		in    AXBindInput
		want  string
	}{
		{"explicit X", "ax", nil, AXBindInput{OrigNum: nA, PrivateNum: ax2}, ax2},
		{"recording not open first", "axnorec", nil, AXBindInput{OrigNum: nA, PrivateNum: xUnknown, RecordFlag: true}, "1012012"},
		{"not owned", "ax", nil, AXBindInput{OrigNum: nA, PrivateNum: xUnknown}, "1011004"},
		{"other app's X", "ax", nil, AXBindInput{OrigNum: nA, PrivateNum: x1}, "1011004"},
		{"status before bound", "ax", func(t *testing.T, s *Store) {
			bindAX(t, s, nA, ax1)
			s.SetXStatus(ax1, StatusPaused)
		}, AXBindInput{OrigNum: nA, PrivateNum: ax1}, "1011002"},
		{"same A", "ax", func(t *testing.T, s *Store) { bindAX(t, s, nA, ax1) }, AXBindInput{OrigNum: nA, PrivateNum: ax1}, "1016002"},
		{"other A", "ax", func(t *testing.T, s *Store) { bindAX(t, s, nB, ax1) }, AXBindInput{OrigNum: nA, PrivateNum: ax1}, "1011005"},
		{"other A before 5-X limit", "ax", func(t *testing.T, s *Store) {
			fiveForA(t, s)
			bindAX(t, s, nB, ax1)
		}, AXBindInput{OrigNum: nA, PrivateNum: ax1}, "1011005"},
		{"5-X limit explicit", "ax", fiveForA, AXBindInput{OrigNum: nA, PrivateNum: ax1}, "1011003"},
		{"5-X limit before selection", "ax", func(t *testing.T, s *Store) {
			fiveForA(t, s)
			bindAX(t, s, nB, ax1)
			bindAX(t, s, nB, ax2)
			bindAX(t, s, nB, ax3)
		}, AXBindInput{OrigNum: nA, LooseArea: true}, "1011003"},
		{"selection by area", "ax", nil, AXBindInput{OrigNum: nA, AreaCode: "010"}, ax3},
		{"selection skips bound X", "ax", func(t *testing.T, s *Store) { bindAX(t, s, nB, ax1) }, AXBindInput{OrigNum: nA, AreaCode: "0755"}, ax2},
		{"selection none strict", "ax", func(t *testing.T, s *Store) { bindAX(t, s, nB, ax3) }, AXBindInput{OrigNum: nA, AreaCode: "010"}, "1011002"},
		{"selection loose province", "ax", func(t *testing.T, s *Store) {
			bindAX(t, s, nB, ax1)
			bindAX(t, s, nB, ax2)
		}, AXBindInput{OrigNum: nA, AreaCode: "020", LooseArea: true}, ax3},
		{"selection paused", "ax", func(t *testing.T, s *Store) { s.SetXStatus(ax3, StatusFrozen) }, AXBindInput{OrigNum: nA, AreaCode: "010"}, "1011002"},
		{"selection by A's fixed-line area", "ax", nil, AXBindInput{OrigNum: "+861081234567"}, ax3},
		{"selection by A's mobile prefix", "ax", nil, AXBindInput{OrigNum: "+8613807551111"}, ax1},
		{"selection unknown A area strict", "ax", nil, AXBindInput{OrigNum: nA}, "1011002"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			o := fixtureOptions(newFakeClock())
			o.Apps = append(o.Apps, App{Key: "axnorec", Mode: pns.ModeAX})
			s, err := New(o)
			if err != nil {
				t.Fatal(err)
			}
			if tt.setup != nil {
				tt.setup(t, s)
			}
			got, e := s.AXBind(tt.app, tt.in)
			res := got.PrivateNum
			if e != nil {
				res = code(e)
			}
			if res != tt.want {
				t.Fatalf("got %s, want %s", res, tt.want)
			}
			mustCheck(t, s)
		})
	}
}

func TestAXBindDefaults(t *testing.T) {
	s, c := newFixture(t)
	got, e := s.AXBind("ax", AXBindInput{OrigNum: nA, PrivateNum: ax1, RecordHintTone: "r.wav", PreVoice: &pns.PreVoice{}})
	if e != nil {
		t.Fatal(e)
	}
	if got.CalleeNumDisplay != "0" || got.TurnFlag != "on" || !got.PrivateSMS || got.CallDirection != nil ||
		got.RecordHintTone != "" || got.PreVoice != nil || !got.SubscribeTime.Equal(c.Now()) || got.App != "ax" {
		t.Fatalf("defaults: %+v", got)
	}
	got, _ = s.AXBind("ax", AXBindInput{OrigNum: nA, PrivateNum: ax2, CallDirection: new(2), TurnFlag: "off", CalleeNumDisplay: "1",
		RecordFlag: true, RecordHintTone: "r.wav", PrivateSMS: new(false)})
	if *got.CallDirection != 2 || got.TurnFlag != "off" || got.CalleeNumDisplay != "1" || got.RecordHintTone != "r.wav" || got.PrivateSMS {
		t.Fatalf("values: %+v", got)
	}
}

func TestAXUnbind(t *testing.T) {
	s, _ := newFixture(t)
	b1 := bindAX(t, s, nA, ax1)
	b2 := bindAX(t, s, nA, ax2)
	b3 := bindAX(t, s, nB, ax3)
	steps := []struct {
		name string
		in   AXUnbindInput
		want string
	}{
		{"none", AXUnbindInput{}, "1010002 subscriptionId"},
		{"origNum alone", AXUnbindInput{OrigNum: nA}, "1010002 privateNum"},
		{"unknown id", AXUnbindInput{SubscriptionID: "nope", PrivateNum: ax1}, "1016001"},
		{"not owned", AXUnbindInput{PrivateNum: x1}, "1011004"},
		{"not owned with A", AXUnbindInput{OrigNum: nA, PrivateNum: xUnknown}, "1011004"},
		{"X free", AXUnbindInput{PrivateNum: axPool(0)}, "1016001"},
		{"X bound to another A", AXUnbindInput{OrigNum: nB, PrivateNum: ax1}, "1016001"},
		{"pair", AXUnbindInput{OrigNum: nA, PrivateNum: ax1}, "0"},
		{"pair again", AXUnbindInput{OrigNum: nA, PrivateNum: ax1}, "1016001"},
		{"id wins over pair", AXUnbindInput{SubscriptionID: b2.SubscriptionID, OrigNum: nB, PrivateNum: xUnknown}, "0"},
		{"privateNum alone", AXUnbindInput{PrivateNum: ax3}, "0"},
		{"removed id", AXUnbindInput{SubscriptionID: b3.SubscriptionID}, "1016001"},
	}
	for _, st := range steps {
		_, e := s.AXUnbind("ax", st.in)
		if code(e) != st.want {
			t.Fatalf("%s: got %s, want %s", st.name, code(e), st.want)
		}
		mustCheck(t, s)
	}
	if _, e := s.AXQuery("ax", AXQueryInput{SubscriptionID: b1.SubscriptionID}); code(e) != "1016001" {
		t.Fatal("unbound binding found")
	}
	if _, e := s.AXQuery("ax", AXQueryInput{OrigNum: nA}); code(e) != "1016001" {
		t.Fatal("A still holds X")
	}
	bindAX(t, s, nC, ax1)
}

func TestAXModify(t *testing.T) {
	s, c := newFixture(t)
	b := bindAX(t, s, nA, ax1)
	for i := range 5 {
		bindAX(t, s, nB, axPool(i))
	}
	noRec := fixtureOptions(nil)
	noRec.Apps[3].Recording = false
	s2, _ := New(noRec)
	steps := []struct {
		name string
		s    *Store
		in   AXModifyInput
		want string
	}{
		{"no key", s, AXModifyInput{OrigNum: nC}, "1010002 privateNum"},
		{"recording", s2, AXModifyInput{PrivateNum: ax1, RecordFlag: new(true)}, "1012012"},
		{"not owned", s, AXModifyInput{PrivateNum: x1}, "1011004"},
		{"unknown id", s, AXModifyInput{SubscriptionID: "nope", PrivateNum: ax1}, "1016001"},
		{"X free", s, AXModifyInput{PrivateNum: ax2}, "1016001"},
		{"new A holds 5 X", s, AXModifyInput{PrivateNum: ax1, OrigNum: nB}, "1011003"},
		{"no-op", s, AXModifyInput{PrivateNum: ax1}, "0"},
		{"same A is not a move", s, AXModifyInput{SubscriptionID: b.SubscriptionID, OrigNum: nA}, "0"},
	}
	for _, st := range steps {
		_, e := st.s.AXModify("ax", st.in)
		if code(e) != st.want {
			t.Fatalf("%s: got %s, want %s", st.name, code(e), st.want)
		}
		mustCheck(t, st.s)
	}
	c.Advance(time.Minute)
	got, e := s.AXModify("ax", AXModifyInput{SubscriptionID: b.SubscriptionID, OrigNum: nC, TurnFlag: "off", CallDirection: new(1),
		MaxDuration: new(30), LastMinVoice: "l.wav", UserData: "u", CalleeNumDisplay: "1", PrivateSMS: new(false),
		RecordFlag: new(true), RecordHintTone: "r.wav", PreVoice: &pns.PreVoice{CallerHintTone: "c.wav"}})
	if e != nil || got.OrigNum != nC || got.TurnFlag != "off" || *got.CallDirection != 1 || got.MaxDuration != 30 ||
		got.LastMinVoice != "l.wav" || got.UserData != "u" || got.CalleeNumDisplay != "1" || got.PrivateSMS ||
		!got.RecordFlag || got.RecordHintTone != "r.wav" || got.PreVoice.CallerHintTone != "c.wav" || !got.SubscribeTime.Equal(c.Now()) {
		t.Fatalf("modify: %v %+v", e, got)
	}
	if _, e := s.AXQuery("ax", AXQueryInput{OrigNum: nA}); code(e) != "1016001" {
		t.Fatal("old A still holds the X")
	}
	if q, _ := s.AXQuery("ax", AXQueryInput{OrigNum: nC}); len(q) != 1 || q[0].SubscriptionID != b.SubscriptionID {
		t.Fatalf("new A: %+v", q)
	}
	mustCheck(t, s)
}

func TestAXQuery(t *testing.T) {
	s, c := newFixture(t)
	b1 := bindAX(t, s, nA, ax2)
	c.Advance(time.Second)
	b2 := bindAX(t, s, nA, ax1)
	b3 := bindAX(t, s, nB, ax3)
	tests := []struct {
		name string
		in   AXQueryInput
		want string
	}{
		{"none", AXQueryInput{}, "1010002 subscriptionId"},
		{"id", AXQueryInput{SubscriptionID: b3.SubscriptionID}, b3.SubscriptionID},
		{"all three → id", AXQueryInput{SubscriptionID: b3.SubscriptionID, OrigNum: nA, PrivateNum: ax1}, b3.SubscriptionID},
		{"id + privateNum → id", AXQueryInput{SubscriptionID: b3.SubscriptionID, PrivateNum: ax1}, b3.SubscriptionID},
		{"unknown id wins", AXQueryInput{SubscriptionID: "nope", OrigNum: nA}, "1016001"},
		{"origNum, creation order", AXQueryInput{OrigNum: nA}, b1.SubscriptionID + "," + b2.SubscriptionID},
		{"origNum + privateNum → origNum", AXQueryInput{OrigNum: nA, PrivateNum: ax3}, b1.SubscriptionID + "," + b2.SubscriptionID},
		{"privateNum", AXQueryInput{PrivateNum: ax3}, b3.SubscriptionID},
		{"privateNum free", AXQueryInput{PrivateNum: axPool(1)}, "1016001"},
		{"privateNum not owned", AXQueryInput{PrivateNum: x1}, "1016001"},
		{"unknown A", AXQueryInput{OrigNum: nE}, "1016001"},
	}
	for _, tt := range tests {
		list, e := s.AXQuery("ax", tt.in)
		got := code(e)
		if e == nil {
			got = ""
			for i, b := range list {
				if i > 0 {
					got += ","
				}
				got += b.SubscriptionID
			}
		}
		if got != tt.want {
			t.Fatalf("%s: got %s, want %s", tt.name, got, tt.want)
		}
	}
}

func TestAXTempCallee(t *testing.T) {
	s, c := newFixture(t)
	b := bindAX(t, s, nA, ax1)
	tests := []struct {
		name string
		in   AXCalleeInput
		want string
	}{
		{"no key", AXCalleeInput{CalleeNum: nB}, "1010002 privateNum"},
		{"duration 0", AXCalleeInput{PrivateNum: ax1, CalleeNum: nB, Duration: new(0)}, "1010002 duration"},
		{"duration too long", AXCalleeInput{PrivateNum: ax1, CalleeNum: nB, Duration: new(MaxTempCalleeSeconds + 1)}, "1010002 duration"},
		{"not owned", AXCalleeInput{PrivateNum: x1, CalleeNum: nB}, "1011004"},
		{"X free", AXCalleeInput{PrivateNum: ax2, CalleeNum: nB}, "1016001"},
		{"unknown id", AXCalleeInput{SubscriptionID: "nope", CalleeNum: nB}, "1016001"},
		{"callee = A", AXCalleeInput{PrivateNum: ax1, CalleeNum: nA}, "1010002 calleeNum"},
		{"ok by X", AXCalleeInput{PrivateNum: ax1, CalleeNum: nB}, "0"},
	}
	for _, tt := range tests {
		_, e := s.AXSetTempCallee("ax", tt.in)
		if code(e) != tt.want {
			t.Fatalf("%s: got %s, want %s", tt.name, code(e), tt.want)
		}
	}
	// default lifetime 60 s on the emulator clock
	if n, ok := s.TempCallee(b.SubscriptionID); !ok || n != nB {
		t.Fatalf("temp callee: %q %v", n, ok)
	}
	c.Advance(59 * time.Second)
	if _, ok := s.TempCallee(b.SubscriptionID); !ok {
		t.Fatal("expired early")
	}
	c.Advance(time.Second)
	if _, ok := s.TempCallee(b.SubscriptionID); ok {
		t.Fatal("not expired at 60 s")
	}
	// replaced by the next one, by subscriptionId, with its own duration and userData
	if _, e := s.AXSetTempCallee("ax", AXCalleeInput{SubscriptionID: b.SubscriptionID, PrivateNum: xUnknown, CalleeNum: "+864001234567", Duration: new(300), UserData: "u1"}); e != nil {
		t.Fatal(e)
	}
	if _, e := s.AXSetTempCallee("ax", AXCalleeInput{PrivateNum: ax1, CalleeNum: "+8695588", Duration: new(10), UserData: "u2"}); e != nil {
		t.Fatal(e)
	}
	info, ok := s.TempCalleeInfo(b.SubscriptionID)
	if !ok || info.Number != "+8695588" || info.UserData != "u2" || !info.ExpiresAt.Equal(c.Now().Add(10*time.Second)) {
		t.Fatalf("replaced callee: %+v %v", info, ok)
	}
	// gone with the binding
	if _, e := s.AXUnbind("ax", AXUnbindInput{SubscriptionID: b.SubscriptionID}); e != nil {
		t.Fatal(e)
	}
	if _, ok := s.TempCallee(b.SubscriptionID); ok {
		t.Fatal("temp callee survived unbind")
	}
	mustCheck(t, s)
}

func TestAXLookupAndIsolation(t *testing.T) {
	s, _ := newFixture(t)
	b := bindAX(t, s, nA, ax1)
	if got, ok := s.AXByX(ax1); !ok || got.SubscriptionID != b.SubscriptionID {
		t.Fatalf("AXByX: %+v %v", got, ok)
	}
	for _, x := range []string{ax2, x1, xUnknown} {
		if _, ok := s.AXByX(x); ok {
			t.Fatalf("AXByX(%s) found", x)
		}
	}
	// another AX app cannot see or touch the binding
	o := fixtureOptions(nil)
	o.Apps = append(o.Apps, App{Key: "ax2", Mode: pns.ModeAX})
	o.Pool = append(o.Pool, XNumber{Number: "+8617000000701", App: "ax2", CityCode: "0755"})
	s2, err := New(o)
	if err != nil {
		t.Fatal(err)
	}
	b = bindAX(t, s2, nA, ax1)
	if _, e := s2.AXQuery("ax2", AXQueryInput{SubscriptionID: b.SubscriptionID}); code(e) != "1016001" {
		t.Fatalf("query across apps: %s", code(e))
	}
	if _, e := s2.AXQuery("ax2", AXQueryInput{OrigNum: nA}); code(e) != "1016001" {
		t.Fatalf("query by A across apps: %s", code(e))
	}
	if _, e := s2.AXUnbind("ax2", AXUnbindInput{SubscriptionID: b.SubscriptionID}); code(e) != "1016001" {
		t.Fatalf("unbind across apps: %s", code(e))
	}
	if _, e := s2.AXModify("ax2", AXModifyInput{PrivateNum: ax1}); code(e) != "1011004" {
		t.Fatalf("modify across apps: %s", code(e))
	}
	if _, e := s2.AXBind("ax2", AXBindInput{OrigNum: nB, PrivateNum: ax1}); code(e) != "1011004" {
		t.Fatalf("bind across apps: %s", code(e))
	}
	// A's 5-X limit counts per app
	if _, e := s2.AXBind("ax2", AXBindInput{OrigNum: nA, AreaCode: "0755"}); e != nil {
		t.Fatalf("same A in another app: %v", e)
	}
	mustCheck(t, s2)
}
