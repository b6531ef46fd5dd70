package store

import (
	"fmt"
	"reflect"
	"sort"
	"testing"
	"time"

	"github.com/pns-harness/pns-harness/pns"
)

// TestAXBReuseTable runs reference §13.1 row by row.
func TestAXBReuseTable(t *testing.T) {
	tests := []struct {
		name     string
		callerIn string
		calleeIn string
		want     string
	}{
		{"C-X-D", nC, nD, "0"},
		{"B-X-C", nB, nC, "1012010"},
		{"A-X-C", nA, nC, "1012010"},
		{"C-X-A", nC, nA, "1012010"},
		{"A-X-B again", nA, nB, "1012010"},
		{"B-X-A", nB, nA, "1012010"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, _ := newFixture(t)
			bindAXB(t, s, "axb", nA, nB, x1)
			_, e := s.AXBBind("axb", AXBBindInput{CallerNum: tt.callerIn, CalleeNum: tt.calleeIn, RelationNum: x1})
			if code(e) != tt.want {
				t.Fatalf("got %s, want %s", code(e), tt.want)
			}
			mustCheck(t, s)
		})
	}
	t.Run("A-X1-C on another X", func(t *testing.T) {
		s, _ := newFixture(t)
		bindAXB(t, s, "axb", nA, nB, x1)
		bindAXB(t, s, "axb", nA, nC, x2)
	})
	t.Run("modify C-X-D to callee B", func(t *testing.T) {
		s, _ := newFixture(t)
		bindAXB(t, s, "axb", nA, nB, x1)
		cd := bindAXB(t, s, "axb", nC, nD, x1)
		_, e := s.AXBModify("axb", AXBModifyInput{SubscriptionID: cd.SubscriptionID, CalleeNum: nB})
		if code(e) != "1012010" {
			t.Fatalf("got %s", code(e))
		}
		_, e = s.AXBModify("axb", AXBModifyInput{SubscriptionID: cd.SubscriptionID, CallerNum: nA})
		if code(e) != "1012010" {
			t.Fatalf("caller: got %s", code(e))
		}
		mustCheck(t, s)
	})
	t.Run("A-?-C by areaCode avoids X carrying A", func(t *testing.T) {
		s, _ := newFixture(t)
		bindAXB(t, s, "axb", nA, nB, x1)
		bindAXB(t, s, "axb", nD, nE, x2) // x2 now has as many bindings as x1
		got, e := s.AXBBind("axb", AXBBindInput{CallerNum: nA, CalleeNum: nC, AreaCode: "0755"})
		if e != nil || got.RelationNum != x2 {
			t.Fatalf("got %s on %s, want x2", code(e), got.RelationNum)
		}
		_, e = s.AXBBind("axb", AXBBindInput{CallerNum: nA, CalleeNum: nE, AreaCode: "0755"})
		if code(e) != "1012008" {
			t.Fatalf("no X free of A and E in 0755: got %s", code(e))
		}
	})
}

func TestAXBBindCheckOrder(t *testing.T) {
	type setup func(t *testing.T, s *Store)
	none := func(*testing.T, *Store) {}
	fillX1 := func(t *testing.T, s *Store) { // capacity 3
		bindAXB(t, s, "axb", nA, nB, x1)
		bindAXB(t, s, "axb", nC, nD, x1)
		bindAXB(t, s, "axb", "+8613900000011", "+8613900000012", x1)
	}
	tests := []struct {
		name  string
		app   string
		setup setup
		in    AXBBindInput
		want  string
	}{
		{"A = B first", "axb2", none, AXBBindInput{CallerNum: nA, CalleeNum: nA, RelationNum: xUnknown, RecordFlag: true}, "1010002 calleeNum"},
		{"duration range", "axb", none, AXBBindInput{CallerNum: nA, CalleeNum: nB, Duration: MaxAXBDuration + 1}, "1010002 duration"},
		{"negative duration", "axb", none, AXBBindInput{CallerNum: nA, CalleeNum: nB, Duration: -1}, "1010002 duration"},
		{"max duration ok", "axb", none, AXBBindInput{CallerNum: nA, CalleeNum: nB, RelationNum: x1, Duration: MaxAXBDuration}, "0"},
		{"recording before ownership", "axb2", none, AXBBindInput{CallerNum: nA, CalleeNum: nB, RelationNum: xUnknown, RecordFlag: true}, "1012012"},
		{"recording before selection", "axb2", none, AXBBindInput{CallerNum: nA, CalleeNum: nB, AreaCode: "099", RecordFlag: true}, "1012012"},
		{"unknown X", "axb", none, AXBBindInput{CallerNum: nA, CalleeNum: nB, RelationNum: xUnknown}, "1012001"},
		{"X of another app", "axb", none, AXBBindInput{CallerNum: nA, CalleeNum: nB, RelationNum: xOther}, "1012001"},
		{"X of another mode", "axb", none, AXBBindInput{CallerNum: nA, CalleeNum: nB, RelationNum: ax1}, "1012001"},
		{"status before reuse", "axb", func(t *testing.T, s *Store) {
			bindAXB(t, s, "axb", nA, nB, x1)
			s.SetXStatus(x1, StatusFrozen)
		}, AXBBindInput{CallerNum: nA, CalleeNum: nC, RelationNum: x1}, "1012008"},
		{"paused X", "axb", func(t *testing.T, s *Store) { s.SetXStatus(x1, StatusPaused) }, AXBBindInput{CallerNum: nA, CalleeNum: nC, RelationNum: x1}, "1012008"},
		{"unavailable X", "axb", func(t *testing.T, s *Store) { s.SetXStatus(x1, StatusUnavailable) }, AXBBindInput{CallerNum: nA, CalleeNum: nC, RelationNum: x1}, "1012008"},
		{"reuse before capacity", "axb", fillX1, AXBBindInput{CallerNum: nA, CalleeNum: nE, RelationNum: x1}, "1012010"},
		{"full X", "axb", fillX1, AXBBindInput{CallerNum: nE, CalleeNum: "+8613900000099", RelationNum: x1}, "1012008"},
		{"relationNum wins over areaCode", "axb", none, AXBBindInput{CallerNum: nA, CalleeNum: nB, RelationNum: x4, AreaCode: "0755"}, "0"},
		{"areaMatchMode ignored with relationNum", "axb", none, AXBBindInput{CallerNum: nA, CalleeNum: nB, RelationNum: x4, AreaCode: "099", LooseArea: false}, "0"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, _ := newFixture(t)
			tt.setup(t, s)
			_, e := s.AXBBind(tt.app, tt.in)
			if code(e) != tt.want {
				t.Fatalf("got %s, want %s", code(e), tt.want)
			}
			mustCheck(t, s)
		})
	}
}

func TestAXBBindResult(t *testing.T) {
	s, c := newFixture(t)
	pv := &pns.PreVoice{CallerHintTone: "a.wav"}
	got, e := s.AXBBind("axb", AXBBindInput{
		CallerNum: nA, CalleeNum: nB, RelationNum: x1, CallDirection: 2, Duration: 86400, MaxDuration: 60,
		RecordHintTone: "r.wav", PreVoice: pv, UserData: "order-1",
	})
	if e != nil {
		t.Fatal(e)
	}
	pv.CallerHintTone = "changed.wav"
	want := AXBBinding{
		App: "axb", SubscriptionID: got.SubscriptionID, RelationNum: x1, CallerNum: nA, CalleeNum: nB,
		CallDirection: 2, Duration: 86400, MaxDuration: 60, PrivateSMS: true,
		PreVoice: &pns.PreVoice{CallerHintTone: "a.wav"}, UserData: "order-1",
		CreatedAt: c.Now(), SubscribeTime: c.Now(), ExpiresAt: c.Now().Add(24 * time.Hour),
	}
	q, e := s.AXBQuery("axb", AXBQueryInput{SubscriptionID: got.SubscriptionID})
	if e != nil {
		t.Fatal(e)
	}
	for _, b := range []AXBBinding{got, q.Bindings[0]} {
		if !reflect.DeepEqual(b, want) {
			t.Fatalf("binding\n got %+v\nwant %+v", b, want)
		}
	}
	if len(got.SubscriptionID) != 36 || got.SubscriptionID[14] != '4' {
		t.Fatalf("not a UUIDv4: %s", got.SubscriptionID)
	}
	// privateSms defaults to the app's SMS option; recordHintTone is kept with recordFlag
	got2, _ := s.AXBBind("axb2", AXBBindInput{CallerNum: nA, CalleeNum: nB})
	if got2.PrivateSMS {
		t.Fatal("privateSms default true on an app without SMS")
	}
	got3, _ := s.AXBBind("axb", AXBBindInput{CallerNum: nC, CalleeNum: nD, RelationNum: x1, RecordFlag: true, RecordHintTone: "r.wav"})
	if !got3.RecordFlag || got3.RecordHintTone != "r.wav" {
		t.Fatalf("recording: %+v", got3)
	}
}

func TestAXBSelection(t *testing.T) {
	tests := []struct {
		name  string
		setup func(t *testing.T, s *Store)
		in    AXBBindInput
		want  string // X number or result code
	}{
		{"strict area: lowest number", nil, AXBBindInput{AreaCode: "0755"}, x1},
		{"strict area: fewest bindings", func(t *testing.T, s *Store) { bindAXB(t, s, "axb", nD, nE, x1) }, AXBBindInput{AreaCode: "0755"}, x2},
		{"strict area: none in city", nil, AXBBindInput{AreaCode: "021"}, "1012008"},
		{"strict area: unknown city", nil, AXBBindInput{AreaCode: "0999"}, "1012008"},
		{"strict area: paused skipped", func(t *testing.T, s *Store) { s.SetXStatus(x1, StatusPaused) }, AXBBindInput{AreaCode: "0755"}, x2},
		{"strict area: all paused", func(t *testing.T, s *Store) {
			s.SetXStatus(x1, StatusPaused)
			s.SetXStatus(x2, StatusUnavailable)
		}, AXBBindInput{AreaCode: "0755"}, "1012008"},
		{"loose area: same city first", nil, AXBBindInput{AreaCode: "0755", LooseArea: true}, x1},
		{"loose area: same province before any", func(t *testing.T, s *Store) {
			s.SetXStatus(x1, StatusPaused)
			s.SetXStatus(x2, StatusPaused)
			bindAXB(t, s, "axb", nD, nE, x3) // x3 has more bindings than x4, still preferred
		}, AXBBindInput{AreaCode: "0755", LooseArea: true}, x3},
		{"loose area: any when province empty", func(t *testing.T, s *Store) {
			bindAXB(t, s, "axb", nD, nE, x1)
			bindAXB(t, s, "axb", nD, nE, x2)
			bindAXB(t, s, "axb", nD, nE, x4)
		}, AXBBindInput{AreaCode: "021", LooseArea: true}, x3},
		{"loose area: unknown city → any", nil, AXBBindInput{AreaCode: "0999", LooseArea: true}, x1},
		{"loose area: nothing eligible", func(t *testing.T, s *Store) {
			for _, x := range []string{x1, x2, x3, x4} {
				bindAXB(t, s, "axb", nA, nE, x)
			}
		}, AXBBindInput{AreaCode: "0755", LooseArea: true}, "1012008"},
		{"A's area: fixed line", nil, AXBBindInput{CallerNum: "+861081234567"}, x4},
		{"A's area: fixed line 0755", nil, AXBBindInput{CallerNum: "+8675528123401"}, x1},
		{"A's area: mobile prefix", nil, AXBBindInput{CallerNum: "+8613812345678"}, x4},
		{"A's area: longest prefix", nil, AXBBindInput{CallerNum: "+8613807550000"}, x1},
		{"A's area: unknown strict", nil, AXBBindInput{CallerNum: "+8615912345678"}, "1012008"},
		{"A's area: unknown loose", nil, AXBBindInput{CallerNum: "+8615912345678", LooseArea: true}, x1},
		{"A's area: foreign loose", nil, AXBBindInput{CallerNum: "+441234567890", LooseArea: true}, x1},
		{"A's area: fixed line, loose, province fallback", func(t *testing.T, s *Store) {
			s.SetXStatus(x1, StatusPaused)
			s.SetXStatus(x2, StatusPaused)
		}, AXBBindInput{CallerNum: "+8675528123401", LooseArea: true}, x3},
		{"areaCode wins over A's area", nil, AXBBindInput{CallerNum: "+861081234567", AreaCode: "020"}, x3},
		{"full X skipped", func(t *testing.T, s *Store) {
			for i := range 3 {
				bindAXB(t, s, "axb", fmt.Sprintf("+86139000001%02d", i), fmt.Sprintf("+86139000002%02d", i), x4)
			}
		}, AXBBindInput{CallerNum: "+861081234567"}, "1012008"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, _ := newFixture(t)
			if tt.setup != nil {
				tt.setup(t, s)
			}
			if tt.in.CallerNum == "" {
				tt.in.CallerNum = nA
			}
			tt.in.CalleeNum = nB
			got, e := s.AXBBind("axb", tt.in)
			res := got.RelationNum
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

// TestAXBSelectionSpreads checks that automatic selection balances the bindings (fewest
// bindings first) and fills every X to capacity before failing.
func TestAXBSelectionSpreads(t *testing.T) {
	s, _ := newFixture(t)
	counts := map[string]int{}
	for i := range 12 {
		got, e := s.AXBBind("axb", AXBBindInput{
			CallerNum: fmt.Sprintf("+86139000001%02d", i), CalleeNum: fmt.Sprintf("+86139000002%02d", i), LooseArea: true, AreaCode: "0999",
		})
		if e != nil {
			t.Fatalf("bind %d: %v", i, e)
		}
		counts[got.RelationNum]++
		if i == 3 && len(counts) != 4 {
			t.Fatalf("first 4 binds not spread: %v", counts)
		}
		mustCheck(t, s)
	}
	_, e := s.AXBBind("axb", AXBBindInput{CallerNum: nA, CalleeNum: nB, LooseArea: true})
	if code(e) != "1012008" {
		t.Fatalf("pool full: got %s", code(e))
	}
}

func TestAXBUnbind(t *testing.T) {
	s, _ := newFixture(t)
	ab := bindAXB(t, s, "axb", nA, nB, x1)
	cd := bindAXB(t, s, "axb", nC, nD, x1)
	ef := bindAXB(t, s, "axb", nE, "+8613900000006", x2)
	other := bindAXB(t, s, "axb2", nA, nB, xOther)

	steps := []struct {
		name string
		app  string
		in   AXBUnbindInput
		want string
		n    int
	}{
		{"no parameter", "axb", AXBUnbindInput{}, "1010002 subscriptionId", 0},
		{"unknown id", "axb", AXBUnbindInput{SubscriptionID: "0167ecc9-bfb6-4eec-b671-a7dab2ba78cf"}, "1012007", 0},
		{"other app's id", "axb", AXBUnbindInput{SubscriptionID: other.SubscriptionID}, "1012007", 0},
		{"X not owned", "axb", AXBUnbindInput{RelationNum: xOther}, "1012001", 0},
		{"unknown X", "axb", AXBUnbindInput{RelationNum: xUnknown}, "1012001", 0},
		{"owned X without bindings", "axb", AXBUnbindInput{RelationNum: x3}, "1012007", 0},
		{"id wins over relationNum", "axb", AXBUnbindInput{SubscriptionID: ef.SubscriptionID, RelationNum: xUnknown}, "0", 1},
		{"id again", "axb", AXBUnbindInput{SubscriptionID: ef.SubscriptionID}, "1012007", 0},
		{"all pairs on X", "axb", AXBUnbindInput{RelationNum: x1}, "0", 2},
		{"X emptied", "axb", AXBUnbindInput{RelationNum: x1}, "1012007", 0},
		{"removed id", "axb", AXBUnbindInput{SubscriptionID: ab.SubscriptionID}, "1012007", 0},
	}
	for _, st := range steps {
		n, e := s.AXBUnbind(st.app, st.in)
		if code(e) != st.want || n != st.n {
			t.Fatalf("%s: got %s/%d, want %s/%d", st.name, code(e), n, st.want, st.n)
		}
		mustCheck(t, s)
	}
	for _, id := range []string{ab.SubscriptionID, cd.SubscriptionID, ef.SubscriptionID} {
		if _, e := s.AXBQuery("axb", AXBQueryInput{SubscriptionID: id}); code(e) != "1012007" {
			t.Fatalf("unbound %s still found", id)
		}
	}
	if _, e := s.AXBQuery("axb2", AXBQueryInput{SubscriptionID: other.SubscriptionID}); e != nil {
		t.Fatal("other app's binding removed")
	}
	// numbers are free again
	bindAXB(t, s, "axb", nA, nC, x1)
}

func TestAXBModify(t *testing.T) {
	s, c := newFixture(t)
	ab := bindAXB(t, s, "axb", nA, nB, x1)
	bindAXB(t, s, "axb", nC, nD, x1)
	other := bindAXB(t, s, "axb2", nA, nB, xOther)
	id := ab.SubscriptionID
	tests := []struct {
		name string
		app  string
		in   AXBModifyInput
		want string
	}{
		{"both numbers equal", "axb", AXBModifyInput{SubscriptionID: "unknown", CallerNum: nE, CalleeNum: nE}, "1010002 calleeNum"},
		{"recording not open", "axb2", AXBModifyInput{SubscriptionID: other.SubscriptionID, RecordFlag: new(true)}, "1012012"},
		{"unknown id", "axb", AXBModifyInput{SubscriptionID: "unknown", CalleeNum: nE}, "1012007"},
		{"other app's id", "axb", AXBModifyInput{SubscriptionID: other.SubscriptionID, CalleeNum: nE}, "1012007"},
		{"callee = stored caller", "axb", AXBModifyInput{SubscriptionID: id, CalleeNum: nA}, "1010002 calleeNum"},
		{"caller = stored callee", "axb", AXBModifyInput{SubscriptionID: id, CallerNum: nB}, "1010002 callerNum"},
		{"callee bound in another binding", "axb", AXBModifyInput{SubscriptionID: id, CalleeNum: nC}, "1012010"},
		{"caller bound in another binding", "axb", AXBModifyInput{SubscriptionID: id, CallerNum: nD}, "1012010"},
		{"A = B check before reuse", "axb", AXBModifyInput{SubscriptionID: id, CallerNum: nC, CalleeNum: nC}, "1010002 calleeNum"},
		{"duration range", "axb", AXBModifyInput{SubscriptionID: id, Duration: new(-1)}, "1010002 duration"},
	}
	for _, tt := range tests {
		_, e := s.AXBModify(tt.app, tt.in)
		if code(e) != tt.want {
			t.Fatalf("%s: got %s, want %s", tt.name, code(e), tt.want)
		}
		mustCheck(t, s)
	}
	// no-op modify succeeds and changes nothing
	c.Advance(time.Minute)
	got, e := s.AXBModify("axb", AXBModifyInput{SubscriptionID: id})
	if e != nil || !got.SubscribeTime.Equal(ab.SubscribeTime) {
		t.Fatalf("no-op modify: %v %+v", e, got)
	}
	// swap A and B in the same binding
	got, e = s.AXBModify("axb", AXBModifyInput{SubscriptionID: id, CallerNum: nB, CalleeNum: nA})
	if e != nil || got.CallerNum != nB || got.CalleeNum != nA || !got.SubscribeTime.Equal(c.Now()) {
		t.Fatalf("swap: %v %+v", e, got)
	}
	mustCheck(t, s)
	// new callee frees the old one on X
	got, e = s.AXBModify("axb", AXBModifyInput{
		SubscriptionID: id, CalleeNum: nE, CallDirection: new(1), MaxDuration: new(5), PrivateSMS: new(false),
		RecordFlag: new(true), RecordHintTone: "r.wav", PreVoice: &pns.PreVoice{CalleeHintTone: "b.wav"}, UserData: "u",
		LastMinVoice: "l.wav",
	})
	if e != nil {
		t.Fatal(e)
	}
	if got.CalleeNum != nE || got.CallDirection != 1 || got.MaxDuration != 5 || got.PrivateSMS || !got.RecordFlag ||
		got.RecordHintTone != "r.wav" || got.PreVoice == nil || got.PreVoice.CalleeHintTone != "b.wav" || got.UserData != "u" ||
		got.LastMinVoice != "l.wav" || got.CreatedAt != ab.CreatedAt {
		t.Fatalf("modify: %+v", got)
	}
	got, _ = s.AXBModify("axb", AXBModifyInput{SubscriptionID: id, PreVoice: &pns.PreVoice{CallerHintTone: "a.wav"}, RecordFlag: new(false)})
	if *got.PreVoice != (pns.PreVoice{CallerHintTone: "a.wav", CalleeHintTone: "b.wav"}) || got.RecordHintTone != "" {
		t.Fatalf("preVoice merge / recordFlag off: %+v", got)
	}
	bindAXB(t, s, "axb", nA, "+8613900000077", x1)
	mustCheck(t, s)
}

func TestAXBQuery(t *testing.T) {
	s, c := newFixture(t)
	type created struct {
		at time.Time
		id string
	}
	var all []created
	for i := range 25 {
		b := bindAXB(t, s, "axbbig", fmt.Sprintf("+86139000001%02d", i), fmt.Sprintf("+86139000002%02d", i), xBig)
		all = append(all, created{b.CreatedAt, b.SubscriptionID})
		if i%2 == 0 { // pairs of bindings share a creation time, so the ID decides their order
			c.Advance(time.Second)
		}
	}
	sort.Slice(all, func(i, j int) bool {
		if !all[i].at.Equal(all[j].at) {
			return all[i].at.Before(all[j].at)
		}
		return all[i].id < all[j].id
	})
	want := make([]string, len(all))
	for i, c := range all {
		want[i] = c.id
	}
	pages := []struct {
		name         string
		index, size  int
		wantIdx      int
		wantSize     int
		first, count int
	}{
		{"defaults", 0, 0, 1, 50, 0, 25},
		{"size below range", 1, 9, 1, 50, 0, 25},
		{"size above range", 1, 101, 1, 50, 0, 25},
		{"size 10 page 1", 1, 10, 1, 10, 0, 10},
		{"size 10 page 3", 3, 10, 3, 10, 20, 5},
		{"size 10 page 4 past end", 4, 10, 4, 10, 0, 0},
		{"huge index", 1 << 62, 100, 1 << 62, 100, 0, 0},
		{"index 0", 0, 10, 1, 10, 0, 10},
		{"index negative", -5, 10, 1, 10, 0, 10},
		{"size 100", 1, 100, 1, 100, 0, 25},
	}
	for _, p := range pages {
		res, e := s.AXBQuery("axbbig", AXBQueryInput{RelationNum: xBig, PageIndex: p.index, PageSize: p.size})
		if e != nil {
			t.Fatalf("%s: %v", p.name, e)
		}
		if res.TotalCount != 25 || res.PageIndex != p.wantIdx || res.PageSize != p.wantSize || len(res.Bindings) != p.count || res.Bindings == nil {
			t.Fatalf("%s: got total %d idx %d size %d n %d", p.name, res.TotalCount, res.PageIndex, res.PageSize, len(res.Bindings))
		}
		for i, b := range res.Bindings {
			if b.SubscriptionID != want[p.first+i] {
				t.Fatalf("%s: element %d is %s, want %s", p.name, i, b.SubscriptionID, want[p.first+i])
			}
		}
	}

	s2, _ := newFixture(t)
	ab := bindAXB(t, s2, "axb", nA, nB, x1)
	cd := bindAXB(t, s2, "axb", nC, nD, x1)
	other := bindAXB(t, s2, "axb2", nA, nB, xOther)
	lookups := []struct {
		name string
		app  string
		in   AXBQueryInput
		want string // subscriptionId, or a code
	}{
		{"id", "axb", AXBQueryInput{SubscriptionID: ab.SubscriptionID}, ab.SubscriptionID},
		{"id wins", "axb", AXBQueryInput{SubscriptionID: ab.SubscriptionID, RelationNum: x2, CallerNum: nC}, ab.SubscriptionID},
		{"unknown id", "axb", AXBQueryInput{SubscriptionID: "nope", RelationNum: x1}, "1012007"},
		{"other app's id", "axb", AXBQueryInput{SubscriptionID: other.SubscriptionID}, "1012007"},
		{"X + A + B", "axb", AXBQueryInput{RelationNum: x1, CallerNum: nC, CalleeNum: nD}, cd.SubscriptionID},
		{"X + A + B mismatched pair", "axb", AXBQueryInput{RelationNum: x1, CallerNum: nA, CalleeNum: nD}, "1012007"},
		{"X + A", "axb", AXBQueryInput{RelationNum: x1, CallerNum: nA}, ab.SubscriptionID},
		{"X + A role exact", "axb", AXBQueryInput{RelationNum: x1, CallerNum: nB}, "1012007"},
		{"X + B", "axb", AXBQueryInput{RelationNum: x1, CalleeNum: nD}, cd.SubscriptionID},
		{"X + B role exact", "axb", AXBQueryInput{RelationNum: x1, CalleeNum: nC}, "1012007"},
		{"X + unknown A", "axb", AXBQueryInput{RelationNum: x1, CallerNum: nE}, "1012007"},
		{"X only", "axb", AXBQueryInput{RelationNum: x1}, "2 bindings"},
		{"X without bindings", "axb", AXBQueryInput{RelationNum: x2}, "1012007"},
		{"X not owned", "axb", AXBQueryInput{RelationNum: xOther}, "1012007"},
		{"A without X", "axb", AXBQueryInput{CallerNum: nA}, "1010002 relationNum"},
		{"B without X", "axb", AXBQueryInput{CalleeNum: nB}, "1010002 relationNum"},
		{"nothing", "axb", AXBQueryInput{}, "1010002 subscriptionId"},
	}
	for _, l := range lookups {
		res, e := s2.AXBQuery(l.app, l.in)
		got := code(e)
		if e == nil {
			if len(res.Bindings) == 1 && res.TotalCount == 1 && res.PageIndex == 1 {
				got = res.Bindings[0].SubscriptionID
			} else {
				got = fmt.Sprintf("%d bindings", res.TotalCount)
			}
		}
		if got != l.want {
			t.Fatalf("%s: got %s, want %s", l.name, got, l.want)
		}
	}
}
