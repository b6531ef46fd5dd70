package store

import (
	"fmt"
	"testing"
	"time"
)

func bindAXE(t testing.TB, s *Store, app, a, x, ext string) AXEBinding {
	t.Helper()
	got, e := s.AXEBind(app, AXEBindInput{BindNum: a, VirtualNum: x, ExtendNum: ext})
	if e != nil {
		t.Fatalf("AXE bind %s on %s/%s: %v", a, x, ext, e)
	}
	return got
}

func realNum(i int) string { return fmt.Sprintf("+86139100%05d", i) }

func TestAXEAllocation(t *testing.T) {
	s, _ := newFixture(t)
	// 1 digit: extensions 1-9 in order, then exhaustion
	for i := 1; i <= 9; i++ {
		got := bindAXE(t, s, "axe", realNum(i), xe1, "")
		if got.ExtendNum != fmt.Sprint(i) {
			t.Fatalf("bind %d got extension %q", i, got.ExtendNum)
		}
	}
	if _, e := s.AXEBind("axe", AXEBindInput{BindNum: realNum(10), VirtualNum: xe1}); code(e) != "1020167" {
		t.Fatalf("exhausted: got %s", code(e))
	}
	if _, e := s.AXEBind("axe", AXEBindInput{BindNum: realNum(10), VirtualNum: xe1, ExtendNum: "5"}); code(e) != "1020167" {
		t.Fatalf("taken: got %s", code(e))
	}
	// automatic selection skips the full X (strict area 0755 has only xe1)
	if _, e := s.AXEBind("axe", AXEBindInput{BindNum: realNum(10), AreaCode: "0755"}); code(e) != "1012008" {
		t.Fatalf("full X in strict area: got %s", code(e))
	}
	if got, e := s.AXEBind("axe", AXEBindInput{BindNum: realNum(10), AreaCode: "0755", LooseArea: true}); e != nil || got.VirtualNum != xe2 {
		t.Fatalf("loose fallback: %v %+v", e, got)
	}
	// freeing 3 and 7 makes 3 the next allocation, then 7
	for _, ext := range []string{"7", "3"} {
		if _, e := s.AXEUnbind("axe", AXEKey{VirtualNum: xe1, ExtendNum: ext}); e != nil {
			t.Fatal(e)
		}
	}
	mustCheck(t, s)
	for _, want := range []string{"3", "7"} {
		if got := bindAXE(t, s, "axe", realNum(20+len(want)+int(want[0])), xe1, ""); got.ExtendNum != want {
			t.Fatalf("reuse got %q, want %q", got.ExtendNum, want)
		}
	}
	mustCheck(t, s)

	// 4 digits: zero-padded from 0001; an explicit extension does not disturb the order
	bindAXE(t, s, "axe4", realNum(1), xe4, "0002")
	for _, want := range []string{"0001", "0003", "0004"} {
		if got := bindAXE(t, s, "axe4", realNum(int(want[3])), xe4, ""); got.ExtendNum != want {
			t.Fatalf("got %q, want %q", got.ExtendNum, want)
		}
	}
	bindAXE(t, s, "axe4", realNum(100), xe4, "9999")
	mustCheck(t, s)
}

func TestAXEBindRules(t *testing.T) {
	tests := []struct {
		name  string
		app   string
		setup func(t *testing.T, s *Store)
		in    AXEBindInput
		want  string
	}{
		{"callbackTone + callbackNum", "axe", nil, AXEBindInput{BindNum: nA, VirtualNum: xUnknown, CallbackTone: "t.wav", CallbackNum: nB}, "1010002 callbackNum"},
		{"extension too long", "axe", nil, AXEBindInput{BindNum: nA, VirtualNum: xe1, ExtendNum: "12"}, "1010002 extendNum"},
		{"extension too short", "axe4", nil, AXEBindInput{BindNum: nA, VirtualNum: xe4, ExtendNum: "123"}, "1010002 extendNum"},
		{"extension not digits", "axe4", nil, AXEBindInput{BindNum: nA, VirtualNum: xe4, ExtendNum: "12a4"}, "1010002 extendNum"},
		{"extension all zeros", "axe", nil, AXEBindInput{BindNum: nA, VirtualNum: xe1, ExtendNum: "0"}, "1010002 extendNum"},
		{"bad timeUnit", "axe", nil, AXEBindInput{BindNum: nA, VirtualNum: xe1, TimeUnit: "2"}, "1010002 timeUnit"},
		{"bindExpiredTime hours max", "axe", nil, AXEBindInput{BindNum: nA, VirtualNum: xe1, BindExpiredTime: MaxAXEHours + 1}, "1010002 bindExpiredTime"},
		{"bindExpiredTime minutes ok", "axe", nil, AXEBindInput{BindNum: nA, VirtualNum: xe1, BindExpiredTime: MaxAXEMinutes, TimeUnit: TimeUnitMinutes}, "0"},
		{"bindExpiredTime negative", "axe", nil, AXEBindInput{BindNum: nA, VirtualNum: xe1, BindExpiredTime: -1}, "1010002 bindExpiredTime"},
		{"callbackExpiredTime max", "axe", nil, AXEBindInput{BindNum: nA, VirtualNum: xe1, CallbackExpiredTime: MaxAXEMinutes + 1, TimeUnit: TimeUnitMinutes}, "1010002 callbackExpiredTime"},
		{"recording not open", "axe4", nil, AXEBindInput{BindNum: nA, VirtualNum: xUnknown, RecordFlag: true}, "1012012"},
		{"not owned", "axe", nil, AXEBindInput{BindNum: nA, VirtualNum: xUnknown}, "1012001"},
		{"other app's X", "axe", nil, AXEBindInput{BindNum: nA, VirtualNum: xe4}, "1012001"},
		{"status before bindNum", "axe", func(t *testing.T, s *Store) {
			bindAXE(t, s, "axe", nA, xe1, "")
			s.SetXStatus(xe1, StatusPaused)
		}, AXEBindInput{BindNum: nA, VirtualNum: xe1}, "1012008"},
		{"same bindNum twice", "axe", func(t *testing.T, s *Store) { bindAXE(t, s, "axe", nA, xe1, "") }, AXEBindInput{BindNum: nA, VirtualNum: xe1, ExtendNum: "5"}, "1012010"},
		{"bindNum before extension", "axe", func(t *testing.T, s *Store) { bindAXE(t, s, "axe", nA, xe1, "5") }, AXEBindInput{BindNum: nA, VirtualNum: xe1, ExtendNum: "5"}, "1012010"},
		{"same bindNum on another X", "axe", func(t *testing.T, s *Store) { bindAXE(t, s, "axe", nA, xe1, "") }, AXEBindInput{BindNum: nA, VirtualNum: xe2}, "0"},
		{"selection skips X with bindNum", "axe", func(t *testing.T, s *Store) { bindAXE(t, s, "axe", nA, xe1, "") }, AXEBindInput{BindNum: nA, AreaCode: "0755", LooseArea: true}, "0"},
		{"selection strict none", "axe", func(t *testing.T, s *Store) { bindAXE(t, s, "axe", nA, xe1, "") }, AXEBindInput{BindNum: nA, AreaCode: "0755"}, "1012008"},
		{"selection by A's area", "axe", nil, AXEBindInput{BindNum: "+861081234567"}, "0"},
		{"requested extension taken after selection", "axe", func(t *testing.T, s *Store) { bindAXE(t, s, "axe", nB, xe1, "4") }, AXEBindInput{BindNum: nA, AreaCode: "0755", ExtendNum: "4"}, "1020167"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, _ := newFixture(t)
			if tt.setup != nil {
				tt.setup(t, s)
			}
			_, e := s.AXEBind(tt.app, tt.in)
			if code(e) != tt.want {
				t.Fatalf("got %s, want %s", code(e), tt.want)
			}
			mustCheck(t, s)
		})
	}
}

func TestAXEBindResult(t *testing.T) {
	s, c := newFixture(t)
	got, e := s.AXEBind("axe", AXEBindInput{BindNum: "+861081234567", RecordFlag: true, RecordHintTone: "r.wav", CallbackNum: nB,
		TimeUnit: TimeUnitMinutes, BindExpiredTime: 30, CallbackExpiredTime: 5, UserData: "u"})
	if e != nil {
		t.Fatal(e)
	}
	want := AXEBinding{App: "axe", SubscriptionID: got.SubscriptionID, VirtualNum: xe2, ExtendNum: "1", BindNum: "+861081234567",
		DisplayNumMode: "0", RecordFlag: true, RecordHintTone: "r.wav", CallbackNum: nB, TimeUnit: TimeUnitMinutes,
		BindExpiredTime: 30, CallbackExpiredTime: 5, UserData: "u", CreatedAt: c.Now(), SubscribeTime: c.Now(),
		ExpiresAt: c.Now().Add(30 * time.Minute)}
	if got != want {
		t.Fatalf("\n got %+v\nwant %+v", got, want)
	}
	got, _ = s.AXEBind("axe", AXEBindInput{BindNum: nA, VirtualNum: xe1, RecordHintTone: "ignored.wav"})
	if got.TimeUnit != TimeUnitHours || !got.ExpiresAt.IsZero() || got.RecordHintTone != "" {
		t.Fatalf("defaults: %+v", got)
	}
}

func TestAXEKeyForms(t *testing.T) {
	s, _ := newFixture(t)
	b := bindAXE(t, s, "axe", nA, xe1, "3")
	other := bindAXE(t, s, "axe4", nA, xe4, "")
	tests := []struct {
		name             string
		k                AXEKey
		unbind, query    string
		wantID           string
		skipUnbindIfFind bool
	}{
		{"none", AXEKey{}, "1010002 subscriptionId", "1010002 subscriptionId", "", false},
		{"virtualNum alone", AXEKey{VirtualNum: xe1}, "1010002 extendNum", "1010002 extendNum", "", false},
		{"extendNum alone", AXEKey{ExtendNum: "3"}, "1010002 virtualNum", "1010002 virtualNum", "", false},
		{"unknown id", AXEKey{SubscriptionID: "nope", VirtualNum: xe1, ExtendNum: "3"}, "1012007", "1012007", "", false},
		{"other app's id", AXEKey{SubscriptionID: other.SubscriptionID}, "1012007", "1012007", "", false},
		{"X not owned", AXEKey{VirtualNum: xe4, ExtendNum: "1"}, "1012001", "1012007", "", false},
		{"unknown X", AXEKey{VirtualNum: xUnknown, ExtendNum: "1"}, "1012001", "1012007", "", false},
		{"free extension", AXEKey{VirtualNum: xe1, ExtendNum: "4"}, "1012007", "1012007", "", false},
		{"pair", AXEKey{VirtualNum: xe1, ExtendNum: "3"}, "", "0", b.SubscriptionID, false},
		{"id wins", AXEKey{SubscriptionID: b.SubscriptionID, VirtualNum: xUnknown}, "", "0", b.SubscriptionID, false},
	}
	for _, tt := range tests {
		got, e := s.AXEQuery("axe", tt.k)
		if code(e) != tt.query || (e == nil && got.SubscriptionID != tt.wantID) {
			t.Fatalf("query %s: got %s %s, want %s", tt.name, code(e), got.SubscriptionID, tt.query)
		}
		if tt.unbind != "" {
			if _, e := s.AXEUnbind("axe", tt.k); code(e) != tt.unbind {
				t.Fatalf("unbind %s: got %s, want %s", tt.name, code(e), tt.unbind)
			}
			if _, e := s.AXEModify("axe", AXEModifyInput{AXEKey: tt.k}); code(e) != tt.unbind {
				t.Fatalf("modify %s: got %s, want %s", tt.name, code(e), tt.unbind)
			}
		}
	}
	if n, e := s.AXEUnbind("axe", AXEKey{SubscriptionID: b.SubscriptionID, VirtualNum: xUnknown}); e != nil || n != 1 {
		t.Fatalf("unbind by id: %v", e)
	}
	if _, e := s.AXEQuery("axe", AXEKey{VirtualNum: xe1, ExtendNum: "3"}); code(e) != "1012007" {
		t.Fatal("unbound binding found")
	}
	if _, ok := s.AXEByXAndBindNum(xe1, nA); ok {
		t.Fatal("bindNum index kept")
	}
	bindAXE(t, s, "axe", nA, xe1, "3")
	mustCheck(t, s)
}

func TestAXEModify(t *testing.T) {
	s, c := newFixture(t)
	b, _ := s.AXEBind("axe", AXEBindInput{BindNum: nA, VirtualNum: xe1, TimeUnit: TimeUnitMinutes, BindExpiredTime: 60, CallbackTone: "t.wav"})
	key := AXEKey{SubscriptionID: b.SubscriptionID}
	noRec := fixtureOptions(nil)
	noRec.Apps[4].Recording = false
	s2, _ := New(noRec)
	tests := []struct {
		name string
		s    *Store
		in   AXEModifyInput
		want string
	}{
		{"both callbacks", s, AXEModifyInput{AXEKey: key, CallbackTone: "t", CallbackNum: nB}, "1010002 callbackNum"},
		{"negative callbackExpiredTime", s, AXEModifyInput{AXEKey: key, CallbackExpiredTime: new(-1)}, "1010002 callbackExpiredTime"},
		{"callbackExpiredTime above max in the binding's unit", s, AXEModifyInput{AXEKey: key, CallbackExpiredTime: new(MaxAXEMinutes + 1)}, "1010002 callbackExpiredTime"},
		{"callbackExpiredTime max minutes", s, AXEModifyInput{AXEKey: key, CallbackExpiredTime: new(MaxAXEMinutes)}, "0"},
		{"recording", s2, AXEModifyInput{AXEKey: key, RecordFlag: new(true)}, "1012012"},
		{"no-op", s, AXEModifyInput{AXEKey: key}, "0"},
	}
	for _, tt := range tests {
		if _, e := tt.s.AXEModify("axe", tt.in); code(e) != tt.want {
			t.Fatalf("%s: got %s, want %s", tt.name, code(e), tt.want)
		}
	}
	c.Advance(10 * time.Minute)
	got, e := s.AXEModify("axe", AXEModifyInput{AXEKey: AXEKey{VirtualNum: xe1, ExtendNum: b.ExtendNum}, CallbackNum: nB,
		CallbackExpiredTime: new(2), DisplayNumMode: "1", RecordFlag: new(true), RecordHintTone: "r.wav", UserData: "u"})
	if e != nil {
		t.Fatal(e)
	}
	if got.CallbackNum != nB || got.CallbackTone != "" || got.CallbackExpiredTime != 2 || got.DisplayNumMode != "1" ||
		!got.RecordFlag || got.RecordHintTone != "r.wav" || got.UserData != "u" || !got.SubscribeTime.Equal(c.Now()) ||
		got.TimeUnit != TimeUnitMinutes || got.BindExpiredTime != 60 || !got.ExpiresAt.Equal(b.ExpiresAt) {
		t.Fatalf("modify: %+v", got)
	}
	got, _ = s.AXEModify("axe", AXEModifyInput{AXEKey: key, CallbackTone: "t2.wav", RecordFlag: new(false)})
	if got.CallbackTone != "t2.wav" || got.CallbackNum != "" || got.RecordHintTone != "" {
		t.Fatalf("callbackTone replaces callbackNum: %+v", got)
	}
	// the binding still expires at its bind-time lifetime (D62)
	c.Advance(50 * time.Minute)
	if _, e := s.AXEQuery("axe", key); code(e) != "1012007" {
		t.Fatalf("expiry changed by modify: %s", code(e))
	}
	mustCheck(t, s)
}

func TestAXECallbackRecord(t *testing.T) {
	s, c := newFixture(t)
	b, _ := s.AXEBind("axe", AXEBindInput{BindNum: nA, VirtualNum: xe1, TimeUnit: TimeUnitMinutes, CallbackExpiredTime: 5})
	forever := bindAXE(t, s, "axe", nB, xe1, "")
	if _, ok := s.CallbackRecord(b.SubscriptionID); ok {
		t.Fatal("record before any call")
	}
	if s.SetCallbackRecord("nope", nC) {
		t.Fatal("record set for an unknown binding")
	}
	if !s.SetCallbackRecord(b.SubscriptionID, nC) || !s.SetCallbackRecord(forever.SubscriptionID, nC) {
		t.Fatal("SetCallbackRecord failed")
	}
	c.Advance(4 * time.Minute)
	if got, ok := s.CallbackRecord(b.SubscriptionID); !ok || got != nC {
		t.Fatalf("record: %q %v", got, ok)
	}
	s.SetCallbackRecord(b.SubscriptionID, nD) // the latest caller wins and restarts the lifetime
	c.Advance(4 * time.Minute)
	if got, ok := s.CallbackRecord(b.SubscriptionID); !ok || got != nD {
		t.Fatalf("latest record: %q %v", got, ok)
	}
	c.Advance(time.Minute)
	if _, ok := s.CallbackRecord(b.SubscriptionID); ok {
		t.Fatal("record outlived callbackExpiredTime")
	}
	// a modified callbackExpiredTime applies to the stored record
	s.SetCallbackRecord(b.SubscriptionID, nE)
	c.Advance(2 * time.Minute)
	s.AXEModify("axe", AXEModifyInput{AXEKey: AXEKey{SubscriptionID: b.SubscriptionID}, CallbackExpiredTime: new(1)})
	if _, ok := s.CallbackRecord(b.SubscriptionID); ok {
		t.Fatal("shortened callbackExpiredTime not applied")
	}
	c.Advance(1000 * time.Hour)
	if got, ok := s.CallbackRecord(forever.SubscriptionID); !ok || got != nC {
		t.Fatal("callbackExpiredTime 0 must never expire")
	}
	s.AXEUnbind("axe", AXEKey{SubscriptionID: forever.SubscriptionID})
	if _, ok := s.CallbackRecord(forever.SubscriptionID); ok {
		t.Fatal("record survived unbind")
	}
	mustCheck(t, s)
}

func TestAXELookups(t *testing.T) {
	s, _ := newFixture(t)
	b := bindAXE(t, s, "axe", nA, xe1, "4")
	if got, ok := s.AXEByXAndExt(xe1, "4"); !ok || got.SubscriptionID != b.SubscriptionID {
		t.Fatal("AXEByXAndExt")
	}
	if got, ok := s.AXEByXAndBindNum(xe1, nA); !ok || got.SubscriptionID != b.SubscriptionID {
		t.Fatal("AXEByXAndBindNum")
	}
	for _, tc := range [][2]string{{xe1, "5"}, {xe2, "4"}, {x1, "4"}, {xUnknown, "4"}} {
		if _, ok := s.AXEByXAndExt(tc[0], tc[1]); ok {
			t.Fatalf("AXEByXAndExt(%v) found", tc)
		}
	}
	if _, ok := s.AXEByXAndBindNum(xe2, nA); ok {
		t.Fatal("AXEByXAndBindNum on another X")
	}
}
