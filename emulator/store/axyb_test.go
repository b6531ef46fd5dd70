package store

import (
	"fmt"
	"testing"
	"time"

	"github.com/pns-harness/pns-harness/pns"
)

// axybStore is a store with one AXYB app of n numbers in 0755 and the given Y capacity.
func axybStore(t *testing.T, n, perY int) (*Store, *fakeClock) {
	t.Helper()
	c := newFakeClock()
	opts := Options{Clock: c, Apps: []App{{Key: "axyb", Mode: pns.ModeAXYB, Recording: true, MaxRelationsPerY: perY}}}
	for i := 1; i <= n; i++ {
		opts.Pool = append(opts.Pool, XNumber{Number: fmt.Sprintf("+861700000%04d", i), App: "axyb", CityCode: "0755"})
	}
	s, err := New(opts)
	if err != nil {
		t.Fatal(err)
	}
	return s, c
}

func axBind(t *testing.T, s *Store, a string, in AXYBBindInput) AXYBRelation {
	t.Helper()
	in.OrigNum, in.AreaCode = a, "0755"
	r, e := s.AXYBBind("axyb", in)
	if e != nil {
		t.Fatalf("AX bind %s: %v", a, e)
	}
	return r
}

func ybBind(t *testing.T, s *Store, sub, b string) string {
	t.Helper()
	_, y, e := s.AXYBBindYB("axyb", AXYBYBInput{SubscriptionID: sub, OrigNum: b})
	if e != nil {
		t.Fatalf("YB bind %s on %s: %v", b, sub, e)
	}
	return y
}

func TestAXYBBindingRules(t *testing.T) {
	s, _ := axybStore(t, 9, 2)
	r1 := axBind(t, s, realNum(1), AXYBBindInput{})
	if r1.Duration != DefaultAXYBDuration || r1.YBDuration != 0 {
		t.Fatalf("defaults: duration %d ybDuration %d, want 7200 and 0", r1.Duration, r1.YBDuration)
	}
	// one A per X: A2 gets another X
	r2 := axBind(t, s, realNum(2), AXYBBindInput{})
	if r2.X == r1.X {
		t.Fatalf("X %s bound to two A", r1.X)
	}
	y1 := ybBind(t, s, r1.SubscriptionID, realNum(11))
	if y1 == r1.X || y1 == r2.X {
		t.Fatalf("an X (%s) was chosen as Y", y1)
	}
	// the AX may not repeat on a Y: B2 on A1-X1 gets another Y
	if y := ybBind(t, s, r1.SubscriptionID, realNum(12)); y == y1 {
		t.Fatalf("Y %s carries A1-X1 twice", y)
	}
	// B1 again on the same AX → 1012010; B = A → 1010002 origNum; unknown ID → 1012007
	if _, _, e := s.AXYBBindYB("axyb", AXYBYBInput{SubscriptionID: r1.SubscriptionID, OrigNum: realNum(11)}); code(e) != "1012010" {
		t.Fatalf("same B twice: %s", code(e))
	}
	if _, _, e := s.AXYBBindYB("axyb", AXYBYBInput{SubscriptionID: r1.SubscriptionID, OrigNum: realNum(1)}); e == nil || e.Desc != "Invalid request. origNum" {
		t.Fatalf("B = A: %v", e)
	}
	if _, _, e := s.AXYBBindYB("axyb", AXYBYBInput{SubscriptionID: "nope", OrigNum: realNum(13)}); code(e) != "1012007" {
		t.Fatalf("unknown subscriptionId: %s", code(e))
	}
	// A ≤ 5 X: A3 takes five X, the sixth bind is 1011003
	for i := 0; i < MaxXPerA; i++ {
		axBind(t, s, realNum(3), AXYBBindInput{})
	}
	if _, e := s.AXYBBind("axyb", AXYBBindInput{OrigNum: realNum(3), AreaCode: "0755"}); code(e) != "1011003" {
		t.Fatalf("sixth X for one A: %s", code(e))
	}
	mustCheck(t, s)
	// the pool is now 7 X and 2 Y; no number left for an X → 1012008
	if _, e := s.AXYBBind("axyb", AXYBBindInput{OrigNum: realNum(4), AreaCode: "0755"}); code(e) != "1012008" {
		t.Fatalf("no eligible X: %s", code(e))
	}
	if _, e := s.AXYBBind("axyb", AXYBBindInput{OrigNum: realNum(4), Duration: pns.Int(59)}); code(e) != "1010002 duration" {
		t.Fatalf("duration 59: %s", code(e))
	}
}

func TestAXYBYCapacityAndSharing(t *testing.T) {
	// 4 numbers, 1 relation per Y: X1, X2 for two AX; Y3, Y4 carry one AX each.
	s, _ := axybStore(t, 4, 1)
	r1 := axBind(t, s, realNum(1), AXYBBindInput{})
	r2 := axBind(t, s, realNum(2), AXYBBindInput{})
	ya := ybBind(t, s, r1.SubscriptionID, realNum(11))
	yb := ybBind(t, s, r2.SubscriptionID, realNum(12))
	if ya == yb {
		t.Fatalf("Y %s carries 2 relations with maxRelationsPerY 1", ya)
	}
	if _, _, e := s.AXYBBindYB("axyb", AXYBYBInput{SubscriptionID: r1.SubscriptionID, OrigNum: realNum(13)}); code(e) != "1012008" {
		t.Fatalf("every Y full: %s", code(e))
	}
	// with capacity 2, A2-X2 may share A1-X1's Y (A1X1Y1B1 and A2X2Y1B2 coexist)
	s, _ = axybStore(t, 3, 2)
	r1 = axBind(t, s, realNum(1), AXYBBindInput{})
	r2 = axBind(t, s, realNum(2), AXYBBindInput{})
	if y1, y2 := ybBind(t, s, r1.SubscriptionID, realNum(11)), ybBind(t, s, r2.SubscriptionID, realNum(12)); y1 != y2 {
		t.Fatalf("the only Y was not shared: %s, %s", y1, y2)
	}
	mustCheck(t, s)
}

func TestAXYBExpiryAndUnbind(t *testing.T) {
	s, c := axybStore(t, 6, 10)
	r := axBind(t, s, realNum(1), AXYBBindInput{Duration: pns.Int(600), YBDuration: pns.Int(900)})
	if r.YBDuration != 600 {
		t.Fatalf("ybDuration above duration kept %d, want 600", r.YBDuration)
	}
	y1 := ybBind(t, s, r.SubscriptionID, realNum(11))
	_, _, e := s.AXYBBindYB("axyb", AXYBYBInput{SubscriptionID: r.SubscriptionID, OrigNum: realNum(12), YBDuration: pns.Int(60)})
	if e != nil {
		t.Fatal(e)
	}
	c.Advance(60 * time.Second) // the 60 s YB goes alone
	got, e := s.AXYBQuery("axyb", AXYBQueryInput{SubscriptionID: r.SubscriptionID})
	if e != nil || len(got[0].YB) != 1 || got[0].YB[0].Y != y1 {
		t.Fatalf("after the YB expiry: %v %+v", e, got)
	}
	mustCheck(t, s)
	c.Advance(540 * time.Second) // the AX expires with its YB
	if _, e := s.AXYBQuery("axyb", AXYBQueryInput{RelationNum: r.X}); code(e) != "1012007" {
		t.Fatalf("after the AX expiry: %s", code(e))
	}
	mustCheck(t, s)
	// unbind by B, by Y (Y wins), whole relation
	r = axBind(t, s, realNum(1), AXYBBindInput{Duration: pns.Int(0)})
	ya := ybBind(t, s, r.SubscriptionID, realNum(11))
	ybBind(t, s, r.SubscriptionID, realNum(12))
	if _, e := s.AXYBUnbind("axyb", AXYBUnbindInput{SubscriptionID: r.SubscriptionID, YNum: ya, BNum: realNum(12)}); e != nil {
		t.Fatal(e)
	}
	if _, e := s.AXYBUnbind("axyb", AXYBUnbindInput{SubscriptionID: r.SubscriptionID, YNum: ya}); code(e) != "1012007" {
		t.Fatalf("Y unbound twice: %s", code(e))
	}
	if n, e := s.AXYBUnbind("axyb", AXYBUnbindInput{SubscriptionID: r.SubscriptionID}); e != nil || n != 2 {
		t.Fatalf("whole relation: %d %v", n, e)
	}
	if _, e := s.AXYBUnbind("axyb", AXYBUnbindInput{}); e == nil || e.Desc != "Invalid request. subscriptionId" {
		t.Fatalf("no subscriptionId: %v", e)
	}
	mustCheck(t, s)
}

func TestAXYBRouting(t *testing.T) {
	s, _ := axybStore(t, 5, 10)
	a, b, c := realNum(1), realNum(11), realNum(12)
	r := axBind(t, s, a, AXYBBindInput{YBDuration: pns.Int(300)})
	y := ybBind(t, s, r.SubscriptionID, b)
	cases := []struct {
		caller, dialled      string
		cause, called, shown string
	}{
		{b, r.X, "", a, y},                           // B → X reaches A, shown Y
		{a, y, "", b, r.X},                           // A → Y reaches B, shown X
		{a, r.X, CauseAXYBOwnNumber, "", ""},         // A dials its own X
		{b, y, CauseAXYBOwnNumber, "", ""},           // B dials its own Y
		{realNum(2), y, CauseAXYBNoRelation, "", ""}, // a stranger dials Y
	}
	for _, tc := range cases {
		got, ok := s.RouteAXYB(tc.caller, tc.dialled)
		if !ok || got.Cause != tc.cause || got.Called != tc.called || got.Display != tc.shown {
			t.Errorf("%s → %s: %+v, want cause %q called %q shown %q", tc.caller, tc.dialled, got, tc.cause, tc.called, tc.shown)
		}
	}
	// C dials X with no YB: a Y is assigned, and A can then reach C through it.
	got, _ := s.RouteAXYB(c, r.X)
	if !got.AssignedY || got.Called != a || got.Display == "" {
		t.Fatalf("automatic Y: %+v", got)
	}
	if back, _ := s.RouteAXYB(a, got.Display); back.Called != c {
		t.Fatalf("A → assigned Y: %+v", back)
	}
	q, _ := s.AXYBQuery("axyb", AXYBQueryInput{SubscriptionID: r.SubscriptionID})
	if p := q[0].YB[1]; !p.Auto || p.YBDuration != 300 {
		t.Fatalf("assigned YB %+v, want auto with the AX bind's ybDuration", p)
	}
	mustCheck(t, s)
}
