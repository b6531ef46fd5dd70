package store

import (
	"fmt"
	"math/rand/v2"
	"sync"
	"testing"
	"time"

	"github.com/pns-harness/pns-harness/pns"
)

func concurrentStore(t testing.TB) *Store {
	t.Helper()
	o := Options{
		Clock: newFakeClock(),
		Apps: []App{
			{Key: "c-axb", Mode: pns.ModeAXB, MaxPairsPerX: 40},
			{Key: "c-ax", Mode: pns.ModeAX},
			{Key: "c-axe", Mode: pns.ModeAXE, ExtensionDigits: 1},
		},
		Areas: map[string]string{"0755": "Guangdong"},
	}
	for i := range 3 {
		o.Pool = append(o.Pool,
			XNumber{Number: fmt.Sprintf("+861710000000%d", i), App: "c-axb", CityCode: "0755"},
			XNumber{Number: fmt.Sprintf("+861720000000%d", i), App: "c-ax", CityCode: "0755"},
			XNumber{Number: fmt.Sprintf("+861730000000%d", i), App: "c-axe", CityCode: "0755"},
		)
	}
	s, err := New(o)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// TestConcurrentOperations hammers few X numbers with overlapping real numbers from many
// goroutines. Each goroutine owns the bindings it created (only it modifies or unbinds them),
// so at the end every binding it kept must be found exactly as it last set it, every one it
// unbound must be gone, and the invariants must hold.
func TestConcurrentOperations(t *testing.T) {
	s := concurrentStore(t)
	const workers, ops = 8, 600
	num := func(r *rand.Rand) string { return fmt.Sprintf("+8613900000%03d", r.IntN(30)) }
	type axbWant struct{ a, b, x string }
	var (
		mu       sync.Mutex
		liveAXB  = map[string]axbWant{}
		liveAX   = map[string]string{}
		liveAXE  = map[string]string{}
		goneAXB  []string
		goneAX   []string
		goneAXE  []string
		failures []string
	)
	fail := func(format string, args ...any) {
		mu.Lock()
		failures = append(failures, fmt.Sprintf(format, args...))
		mu.Unlock()
	}
	var wg sync.WaitGroup
	for w := range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			r := rand.New(rand.NewPCG(uint64(w), 42))
			mine := map[string]axbWant{}
			var mineIDs []string
			var axIDs, axeIDs []string
			pick := func(ids *[]string) (string, int) {
				i := r.IntN(len(*ids))
				return (*ids)[i], i
			}
			drop := func(ids *[]string, i int) {
				(*ids)[i] = (*ids)[len(*ids)-1]
				*ids = (*ids)[:len(*ids)-1]
			}
			for range ops {
				switch op := r.IntN(10); {
				case op < 3:
					a, b := num(r), num(r)
					in := AXBBindInput{CallerNum: a, CalleeNum: b, AreaCode: "0755"}
					if r.IntN(2) == 0 {
						in.RelationNum = fmt.Sprintf("+861710000000%d", r.IntN(3))
					}
					got, e := s.AXBBind("c-axb", in)
					if e == nil {
						mine[got.SubscriptionID] = axbWant{a, b, got.RelationNum}
						mineIDs = append(mineIDs, got.SubscriptionID)
					} else if a != b && e.Code != pns.CodeRelationBound && e.Code != pns.CodeNoResource {
						fail("AXB bind: %v", e)
					}
				case op < 4 && len(mineIDs) > 0:
					id, _ := pick(&mineIDs)
					nb := num(r)
					got, e := s.AXBModify("c-axb", AXBModifyInput{SubscriptionID: id, CalleeNum: nb})
					switch {
					case e == nil:
						w := mine[id]
						w.b = nb
						mine[id] = w
						if got.CalleeNum != nb {
							fail("modify returned %s", got.CalleeNum)
						}
					case e.Code != pns.CodeRelationBound && e.Code != pns.CodeInvalidRequest:
						fail("AXB modify own binding: %v", e)
					}
				case op < 5 && len(mineIDs) > 0:
					id, i := pick(&mineIDs)
					if _, e := s.AXBUnbind("c-axb", AXBUnbindInput{SubscriptionID: id}); e != nil {
						fail("AXB unbind own binding: %v", e)
					}
					drop(&mineIDs, i)
					delete(mine, id)
					mu.Lock()
					goneAXB = append(goneAXB, id)
					mu.Unlock()
				case op < 6 && len(mineIDs) > 0:
					id, _ := pick(&mineIDs)
					res, e := s.AXBQuery("c-axb", AXBQueryInput{SubscriptionID: id})
					if e != nil {
						fail("AXB query own binding: %v", e)
					} else if w := mine[id]; res.Bindings[0].CallerNum != w.a || res.Bindings[0].CalleeNum != w.b || res.Bindings[0].RelationNum != w.x {
						fail("AXB query %s: %+v, want %+v", id, res.Bindings[0], w)
					}
				case op < 7:
					got, e := s.AXBind("c-ax", AXBindInput{OrigNum: num(r), AreaCode: "0755"})
					if e == nil {
						axIDs = append(axIDs, got.SubscriptionID)
					} else if e.Code != pns.CodeAXNoResource && e.Code != pns.CodeAXLimitReached {
						fail("AX bind: %v", e)
					}
				case op < 8 && len(axIDs) > 0:
					id, i := pick(&axIDs)
					if _, e := s.AXUnbind("c-ax", AXUnbindInput{SubscriptionID: id}); e != nil {
						fail("AX unbind own binding: %v", e)
					}
					drop(&axIDs, i)
					mu.Lock()
					goneAX = append(goneAX, id)
					mu.Unlock()
				case op < 9:
					got, e := s.AXEBind("c-axe", AXEBindInput{BindNum: num(r), AreaCode: "0755"})
					if e == nil {
						axeIDs = append(axeIDs, got.SubscriptionID)
					} else if e.Code != pns.CodeNoResource {
						fail("AXE bind: %v", e)
					}
				case len(axeIDs) > 0:
					id, i := pick(&axeIDs)
					if _, e := s.AXEUnbind("c-axe", AXEKey{SubscriptionID: id}); e != nil {
						fail("AXE unbind own binding: %v", e)
					}
					drop(&axeIDs, i)
					mu.Lock()
					goneAXE = append(goneAXE, id)
					mu.Unlock()
				}
				if r.IntN(50) == 0 {
					s.AXBByXAndNumber(fmt.Sprintf("+861710000000%d", r.IntN(3)), num(r))
					s.XInfo(fmt.Sprintf("+861730000000%d", r.IntN(3)))
				}
			}
			mu.Lock()
			for id, w := range mine {
				liveAXB[id] = w
			}
			for _, id := range axIDs {
				liveAX[id] = id
			}
			for _, id := range axeIDs {
				liveAXE[id] = id
			}
			mu.Unlock()
		}()
	}
	wg.Wait()
	for _, f := range failures {
		t.Error(f)
	}
	mustCheck(t, s)
	for id, w := range liveAXB {
		res, e := s.AXBQuery("c-axb", AXBQueryInput{SubscriptionID: id})
		if e != nil || res.Bindings[0].CallerNum != w.a || res.Bindings[0].CalleeNum != w.b || res.Bindings[0].RelationNum != w.x {
			t.Fatalf("kept AXB binding %s: %v %+v want %+v", id, e, res, w)
		}
	}
	for id := range liveAX {
		if _, e := s.AXQuery("c-ax", AXQueryInput{SubscriptionID: id}); e != nil {
			t.Fatalf("kept AX binding %s: %v", id, e)
		}
	}
	for id := range liveAXE {
		if _, e := s.AXEQuery("c-axe", AXEKey{SubscriptionID: id}); e != nil {
			t.Fatalf("kept AXE binding %s: %v", id, e)
		}
	}
	for _, id := range goneAXB {
		if _, e := s.AXBQuery("c-axb", AXBQueryInput{SubscriptionID: id}); code(e) != "1012007" {
			t.Fatalf("unbound AXB %s: %s", id, code(e))
		}
	}
	for _, id := range goneAX {
		if _, e := s.AXQuery("c-ax", AXQueryInput{SubscriptionID: id}); code(e) != "1016001" {
			t.Fatalf("unbound AX %s: %s", id, code(e))
		}
	}
	for _, id := range goneAXE {
		if _, e := s.AXEQuery("c-axe", AXEKey{SubscriptionID: id}); code(e) != "1012007" {
			t.Fatalf("unbound AXE %s: %s", id, code(e))
		}
	}
	d := s.Dump("")
	if len(d.AXB) != len(liveAXB) || len(d.AX) != len(liveAX) || len(d.AXE) != len(liveAXE) {
		t.Fatalf("dump %d/%d/%d, want %d/%d/%d", len(d.AXB), len(d.AX), len(d.AXE), len(liveAXB), len(liveAX), len(liveAXE))
	}
	if len(liveAXB) == 0 || len(goneAXB) == 0 || len(liveAXE) == 0 {
		t.Fatalf("the workload did not exercise the store: %d live, %d gone", len(liveAXB), len(goneAXB))
	}
}

// TestConcurrentExpiryAndBulkUnbind mixes expiring bindings, a clock advancing underneath,
// sweeps, unbinds by relationNum and read-only lookups; only the invariants can be asserted.
func TestConcurrentExpiryAndBulkUnbind(t *testing.T) {
	c := newFakeClock()
	o := Options{
		Clock: c,
		Apps:  []App{{Key: "e-axb", Mode: pns.ModeAXB, MaxPairsPerX: 20}, {Key: "e-axe", Mode: pns.ModeAXE, ExtensionDigits: 1}},
		Pool: []XNumber{
			{Number: "+8617400000001", App: "e-axb", CityCode: "0755"},
			{Number: "+8617400000002", App: "e-axb", CityCode: "0755"},
			{Number: "+8617400000003", App: "e-axe", CityCode: "0755"},
		},
	}
	s, err := New(o)
	if err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	for w := range 6 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			r := rand.New(rand.NewPCG(uint64(w), 7))
			num := func() string { return fmt.Sprintf("+8613900000%03d", r.IntN(40)) }
			x := func() string { return fmt.Sprintf("+861740000000%d", 1+r.IntN(2)) }
			var ids []string
			for range 800 {
				switch r.IntN(9) {
				case 0, 1, 2:
					if b, e := s.AXBBind("e-axb", AXBBindInput{CallerNum: num(), CalleeNum: num(), AreaCode: "0755", Duration: r.IntN(5)}); e == nil {
						ids = append(ids, b.SubscriptionID)
					}
				case 3:
					if len(ids) > 0 {
						s.AXBModify("e-axb", AXBModifyInput{SubscriptionID: ids[r.IntN(len(ids))], Duration: new(r.IntN(5)), CallerNum: num()})
					}
				case 4:
					if r.IntN(10) == 0 {
						s.AXBUnbind("e-axb", AXBUnbindInput{RelationNum: x()})
					} else if len(ids) > 0 {
						s.AXBUnbind("e-axb", AXBUnbindInput{SubscriptionID: ids[r.IntN(len(ids))]})
					}
				case 5:
					s.AXBQuery("e-axb", AXBQueryInput{RelationNum: x(), PageSize: 10, PageIndex: 1 + r.IntN(3)})
					s.AXBByXAndNumber(x(), num())
				case 6:
					if b, e := s.AXEBind("e-axe", AXEBindInput{BindNum: num(), VirtualNum: "+8617400000003", BindExpiredTime: r.IntN(3), TimeUnit: TimeUnitMinutes}); e == nil {
						s.SetCallbackRecord(b.SubscriptionID, num())
						s.CallbackRecord(b.SubscriptionID)
					}
				case 7:
					c.Advance(time.Duration(r.IntN(1500)) * time.Millisecond)
				case 8:
					if r.IntN(4) == 0 {
						s.Sweep()
					} else {
						s.AXEByXAndExt("+8617400000003", fmt.Sprint(1+r.IntN(9)))
					}
				}
			}
		}()
	}
	wg.Wait()
	mustCheck(t, s)
	c.Advance(time.Hour)
	d := s.Dump("")
	for _, b := range d.AXE {
		if b.BindExpiredTime != 0 {
			t.Fatalf("expired AXE binding visible: %+v", b)
		}
	}
	for _, b := range d.AXB {
		if b.Duration != 0 {
			t.Fatalf("expired binding visible: %+v", b)
		}
	}
	mustCheck(t, s)
}
