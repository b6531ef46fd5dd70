package store

import (
	"testing"
	"time"

	"github.com/pns-harness/pns-harness/emulator/clock"
)

func TestAXBExpiry(t *testing.T) {
	s, c := newFixture(t)
	b, e := s.AXBBind("axb", AXBBindInput{CallerNum: nA, CalleeNum: nB, RelationNum: x1, Duration: 10})
	if e != nil {
		t.Fatal(e)
	}
	forever := bindAXB(t, s, "axb", nC, nD, x1)
	c.Advance(10*time.Second - time.Nanosecond)
	if _, ok := s.AXBByXAndNumber(x1, nA); !ok {
		t.Fatal("expired before its instant")
	}
	c.Advance(time.Nanosecond)
	// gone at the instant everywhere, before any purge
	if _, ok := s.AXBByXAndNumber(x1, nB); ok {
		t.Fatal("lookup sees an expired binding")
	}
	checks := []struct {
		name string
		run  func() string
		want string
	}{
		{"query id", func() string {
			_, e := s.AXBQuery("axb", AXBQueryInput{SubscriptionID: b.SubscriptionID})
			return code(e)
		}, "1012007"},
		{"query X+A", func() string {
			_, e := s.AXBQuery("axb", AXBQueryInput{RelationNum: x1, CallerNum: nA})
			return code(e)
		}, "1012007"},
		{"query X counts", func() string {
			r, e := s.AXBQuery("axb", AXBQueryInput{RelationNum: x1})
			if e != nil || r.TotalCount != 1 || r.Bindings[0].SubscriptionID != forever.SubscriptionID {
				return "wrong list"
			}
			return "0"
		}, "0"},
		{"modify", func() string {
			_, e := s.AXBModify("axb", AXBModifyInput{SubscriptionID: b.SubscriptionID})
			return code(e)
		}, "1012007"},
		{"unbind", func() string {
			_, e := s.AXBUnbind("axb", AXBUnbindInput{SubscriptionID: b.SubscriptionID})
			return code(e)
		}, "1012007"},
		{"numbers free", func() string {
			_, e := s.AXBBind("axb", AXBBindInput{CallerNum: nB, CalleeNum: nA, RelationNum: x1})
			return code(e)
		}, "0"},
	}
	for _, ch := range checks {
		if got := ch.run(); got != ch.want {
			t.Fatalf("%s: got %s, want %s", ch.name, got, ch.want)
		}
	}
	mustCheck(t, s)
	c.Advance(1000 * time.Hour)
	if _, e := s.AXBQuery("axb", AXBQueryInput{SubscriptionID: forever.SubscriptionID}); e != nil {
		t.Fatal("duration 0 binding expired")
	}
}

func TestAXBModifyRestartsExpiry(t *testing.T) {
	s, c := newFixture(t)
	b, _ := s.AXBBind("axb", AXBBindInput{CallerNum: nA, CalleeNum: nB, RelationNum: x1, Duration: 10})
	c.Advance(5 * time.Second)
	got, e := s.AXBModify("axb", AXBModifyInput{SubscriptionID: b.SubscriptionID, Duration: new(10)})
	if e != nil || got.Duration != 10 || !got.ExpiresAt.Equal(c.Now().Add(10*time.Second)) {
		t.Fatalf("modify: %v %+v", e, got)
	}
	c.Advance(9 * time.Second) // 14 s after bind: the old expiry has passed
	if _, e := s.AXBQuery("axb", AXBQueryInput{SubscriptionID: b.SubscriptionID}); e != nil {
		t.Fatalf("expired at the old instant: %v", e)
	}
	mustCheck(t, s) // the stale schedule entry was skipped
	// duration 0 makes it permanent
	if _, e := s.AXBModify("axb", AXBModifyInput{SubscriptionID: b.SubscriptionID, Duration: new(0)}); e != nil {
		t.Fatal(e)
	}
	c.Advance(time.Hour)
	if got, e := s.AXBQuery("axb", AXBQueryInput{SubscriptionID: b.SubscriptionID}); e != nil || got.Bindings[0].Duration != 0 {
		t.Fatalf("permanent binding: %v", e)
	}
	// and a new duration counts from this modification
	s.AXBModify("axb", AXBModifyInput{SubscriptionID: b.SubscriptionID, Duration: new(1)})
	c.Advance(time.Second)
	if _, e := s.AXBQuery("axb", AXBQueryInput{SubscriptionID: b.SubscriptionID}); code(e) != "1012007" {
		t.Fatalf("not expired: %s", code(e))
	}
	mustCheck(t, s)
}

func TestExpiryFreesCapacity(t *testing.T) {
	s, c := newFixture(t)
	for i := range 3 {
		if _, e := s.AXBBind("axb", AXBBindInput{CallerNum: realNum(2 * i), CalleeNum: realNum(2*i + 1), RelationNum: x1, Duration: 60}); e != nil {
			t.Fatal(e)
		}
	}
	if _, e := s.AXBBind("axb", AXBBindInput{CallerNum: nA, CalleeNum: nB, RelationNum: x1}); code(e) != "1012008" {
		t.Fatalf("full: %s", code(e))
	}
	if info, _ := s.XInfo(x1); info.Bindings != 3 {
		t.Fatalf("count %d", info.Bindings)
	}
	c.Advance(time.Minute)
	if info, _ := s.XInfo(x1); info.Bindings != 0 {
		t.Fatalf("count after expiry %d", info.Bindings)
	}
	if _, e := s.AXBBind("axb", AXBBindInput{CallerNum: nA, CalleeNum: nB, AreaCode: "0755"}); e != nil {
		t.Fatal(e)
	}
	mustCheck(t, s)
}

func TestAXEExpiry(t *testing.T) {
	s, c := newFixture(t)
	hours, _ := s.AXEBind("axe", AXEBindInput{BindNum: nA, VirtualNum: xe1, BindExpiredTime: 2})
	minutes, _ := s.AXEBind("axe", AXEBindInput{BindNum: nB, VirtualNum: xe1, BindExpiredTime: 30, TimeUnit: TimeUnitMinutes})
	s.SetCallbackRecord(minutes.SubscriptionID, nC)
	c.Advance(30 * time.Minute)
	if _, ok := s.AXEByXAndExt(xe1, minutes.ExtendNum); ok {
		t.Fatal("minutes binding alive at its instant")
	}
	if _, ok := s.CallbackRecord(minutes.SubscriptionID); ok {
		t.Fatal("callback record of an expired binding")
	}
	if _, e := s.AXEQuery("axe", AXEKey{SubscriptionID: minutes.SubscriptionID}); code(e) != "1012007" {
		t.Fatalf("query: %s", code(e))
	}
	if _, e := s.AXEModify("axe", AXEModifyInput{AXEKey: AXEKey{SubscriptionID: minutes.SubscriptionID}}); code(e) != "1012007" {
		t.Fatalf("modify: %s", code(e))
	}
	// extension 2 and bindNum B are free again
	if got := bindAXE(t, s, "axe", nB, xe1, ""); got.ExtendNum != minutes.ExtendNum {
		t.Fatalf("freed extension not reused: %s", got.ExtendNum)
	}
	c.Advance(90 * time.Minute)
	if _, ok := s.AXEByXAndBindNum(xe1, nA); ok {
		t.Fatal("hours binding alive after 2 h")
	}
	if n := s.Sweep(); n != 1 {
		t.Fatalf("Sweep removed %d", n)
	}
	if _, e := s.AXEUnbind("axe", AXEKey{SubscriptionID: hours.SubscriptionID}); code(e) != "1012007" {
		t.Fatalf("unbind: %s", code(e))
	}
	mustCheck(t, s)
}

// TestSweepAndDump checks that Sweep and Dump see the same world as the operations.
func TestSweepAndDump(t *testing.T) {
	s, c := newFixture(t)
	for i := range 3 {
		s.AXBBind("axbbig", AXBBindInput{CallerNum: realNum(2 * i), CalleeNum: realNum(2*i + 1), RelationNum: xBig, Duration: 10 * (i + 1)})
	}
	c.Advance(15 * time.Second)
	if d := s.Dump("axbbig"); len(d.AXB) != 2 {
		t.Fatalf("dump after one expiry: %d", len(d.AXB))
	}
	c.Advance(100 * time.Second)
	if n := s.Sweep(); n != 2 {
		t.Fatalf("Sweep = %d", n)
	}
	if n := s.Sweep(); n != 0 {
		t.Fatalf("second Sweep = %d", n)
	}
	mustCheck(t, s)
}

// TestVirtualClockExpiry drives expiry with the emulator's own virtual clock.
func TestVirtualClockExpiry(t *testing.T) {
	v := clock.NewVirtual(1)
	s, err := New(fixtureOptions(v))
	if err != nil {
		t.Fatal(err)
	}
	b, e := s.AXBBind("axb", AXBBindInput{CallerNum: nA, CalleeNum: nB, RelationNum: x1, Duration: 3600})
	if e != nil {
		t.Fatal(e)
	}
	if _, e := s.AXBQuery("axb", AXBQueryInput{SubscriptionID: b.SubscriptionID}); e != nil {
		t.Fatal(e)
	}
	v.Advance(time.Hour)
	if _, e := s.AXBQuery("axb", AXBQueryInput{SubscriptionID: b.SubscriptionID}); code(e) != "1012007" {
		t.Fatalf("after an hour: %s", code(e))
	}
	tc, e := s.AXSetTempCallee("ax", AXCalleeInput{PrivateNum: bindAX(t, s, nA, ax1).PrivateNum, CalleeNum: nB})
	if e != nil {
		t.Fatal(e)
	}
	v.Advance(time.Minute)
	if _, ok := s.TempCallee(""); ok {
		t.Fatal("empty id found")
	}
	if got, _ := s.AXByX(ax1); func() bool { _, ok := s.TempCallee(got.SubscriptionID); return ok }() {
		t.Fatalf("temporary callee alive after 60 s (expires %v)", tc.ExpiresAt)
	}
	mustCheck(t, s)
}
