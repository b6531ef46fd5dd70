package store

import (
	"fmt"
	"testing"
	"time"

	"github.com/pns-harness/pns-harness/pns"
)

// fuzzStore is a small deployment where collisions, full X numbers and exhausted extensions
// are reached within a few operations.
func fuzzStore(t testing.TB) (*Store, *fakeClock) {
	c := newFakeClock()
	s, err := New(Options{
		Clock: c,
		Apps: []App{
			{Key: "f-axb", Mode: pns.ModeAXB, MaxPairsPerX: 3, Recording: true},
			{Key: "f-ax", Mode: pns.ModeAX},
			{Key: "f-axe", Mode: pns.ModeAXE, ExtensionDigits: 1},
		},
		Pool: []XNumber{
			{Number: "+8617500000001", App: "f-axb", CityCode: "0755"},
			{Number: "+8617500000002", App: "f-axb", CityCode: "020"},
			{Number: "+8617500000003", App: "f-axb", CityCode: "010"},
			{Number: "+8617500000004", App: "f-ax", CityCode: "0755"},
			{Number: "+8617500000005", App: "f-ax", CityCode: "010"},
			{Number: "+8617500000006", App: "f-axe", CityCode: "0755"},
			{Number: "+8617500000007", App: "f-axe", CityCode: "020"},
		},
		Areas:             map[string]string{"0755": "Guangdong", "020": "Guangdong", "010": "Beijing"},
		MobilePrefixAreas: map[string]string{"+86139": "0755"},
	})
	if err != nil {
		t.Fatal(err)
	}
	return s, c
}

// fuzzReader hands out bytes of the fuzz input, then zeros.
type fuzzReader struct {
	data []byte
	ids  []string
}

func (r *fuzzReader) byte() int {
	if len(r.data) == 0 {
		return 0
	}
	b := r.data[0]
	r.data = r.data[1:]
	return int(b)
}

func (r *fuzzReader) num() string {
	b := r.byte()
	if b >= 250 {
		return "+861081234567" // a fixed-line number of area 010
	}
	return fmt.Sprintf("+861390000000%d", b%8)
}

func (r *fuzzReader) x() string {
	b := r.byte()
	if b%9 == 8 {
		return ""
	}
	return fmt.Sprintf("+861750000000%d", b%9)
}

func (r *fuzzReader) area() string {
	return [...]string{"", "0755", "020", "010", "021"}[r.byte()%5]
}

func (r *fuzzReader) id() string {
	if len(r.ids) == 0 || r.byte()%8 == 0 {
		return ""
	}
	return r.ids[r.byte()%len(r.ids)]
}

func (r *fuzzReader) ptr() *int {
	b := r.byte()
	if b%3 == 0 {
		return nil
	}
	return new(b % 7)
}

// FuzzOps runs random operation sequences on all three modes with a moving clock and asserts
// that nothing panics, that the invariants hold after every operation, and that successful
// binds and unbinds are visible immediately.
func FuzzOps(f *testing.F) {
	f.Add([]byte{0, 1, 2, 0, 0, 0, 1, 2, 0, 0, 4, 0, 0})
	f.Add([]byte{0, 1, 2, 1, 1, 5, 0, 3, 4, 1, 1, 5, 9, 9, 6, 2, 2, 2})
	f.Add([]byte{10, 1, 3, 0, 10, 2, 3, 0, 11, 1, 1, 12, 0, 14, 1, 2, 3})
	f.Add([]byte{15, 1, 6, 0, 0, 15, 2, 6, 0, 0, 16, 1, 1, 17, 1, 2, 18, 1, 6, 5, 19, 200})
	f.Fuzz(func(t *testing.T, data []byte) {
		if len(data) > 512 {
			return
		}
		s, c := fuzzStore(t)
		r := &fuzzReader{data: data}
		for step := 0; len(r.data) > 0; step++ {
			op := r.byte() % 21
			var id string
			var e *pns.Error
			switch op {
			case 0, 1:
				var b AXBBinding
				b, e = s.AXBBind("f-axb", AXBBindInput{CallerNum: r.num(), CalleeNum: r.num(), RelationNum: r.x(),
					AreaCode: r.area(), LooseArea: r.byte()%2 == 0, Duration: r.byte() % 4, RecordFlag: r.byte()%5 == 0})
				id = b.SubscriptionID
			case 2:
				_, e = s.AXBUnbind("f-axb", AXBUnbindInput{SubscriptionID: r.id(), RelationNum: r.x()})
			case 3:
				_, e = s.AXBModify("f-axb", AXBModifyInput{SubscriptionID: r.id(), CallerNum: r.num(), CalleeNum: r.num(), Duration: r.ptr()})
			case 4:
				_, e = s.AXBQuery("f-axb", AXBQueryInput{SubscriptionID: r.id(), RelationNum: r.x(), PageIndex: r.byte() - 2, PageSize: r.byte()})
			case 5:
				s.SetXStatus(fmt.Sprintf("+861750000000%d", 1+r.byte()%7), [...]string{"5", "9", "10", "11"}[r.byte()%4])
			case 6:
				c.Advance(time.Duration(r.byte()) * 100 * time.Millisecond)
			case 7:
				s.Sweep()
			case 8, 9:
				var b AXBinding
				b, e = s.AXBind("f-ax", AXBindInput{OrigNum: r.num(), PrivateNum: r.x(), AreaCode: r.area(), LooseArea: r.byte()%2 == 0})
				id = b.SubscriptionID
			case 10:
				_, e = s.AXUnbind("f-ax", AXUnbindInput{SubscriptionID: r.id(), OrigNum: r.num(), PrivateNum: r.x()})
			case 11:
				_, e = s.AXModify("f-ax", AXModifyInput{SubscriptionID: r.id(), PrivateNum: r.x(), OrigNum: r.num()})
			case 12:
				_, e = s.AXQuery("f-ax", AXQueryInput{SubscriptionID: r.id(), OrigNum: r.num(), PrivateNum: r.x()})
			case 13:
				_, e = s.AXSetTempCallee("f-ax", AXCalleeInput{SubscriptionID: r.id(), PrivateNum: r.x(), CalleeNum: r.num(), Duration: r.ptr()})
			case 14, 15:
				var b AXEBinding
				ext := ""
				if v := r.byte() % 12; v < 10 {
					ext = fmt.Sprint(v)
				}
				b, e = s.AXEBind("f-axe", AXEBindInput{BindNum: r.num(), VirtualNum: r.x(), AreaCode: r.area(), ExtendNum: ext,
					BindExpiredTime: r.byte() % 3, CallbackExpiredTime: r.byte() % 3, TimeUnit: TimeUnitMinutes})
				id = b.SubscriptionID
			case 16:
				_, e = s.AXEUnbind("f-axe", AXEKey{SubscriptionID: r.id(), VirtualNum: r.x(), ExtendNum: fmt.Sprint(r.byte() % 10)})
			case 17:
				_, e = s.AXEModify("f-axe", AXEModifyInput{AXEKey: AXEKey{SubscriptionID: r.id()}, CallbackExpiredTime: r.ptr()})
			case 18:
				sid := r.id()
				s.SetCallbackRecord(sid, r.num())
				s.CallbackRecord(sid)
			case 19:
				s.Dump("")
				s.XNumbers("")
			case 20:
				if r.byte()%16 == 0 {
					s.Reset()
				}
			}
			if e != nil && e.Code == "" {
				t.Fatalf("step %d: empty result code", step)
			}
			if id != "" && e == nil {
				r.ids = append(r.ids, id)
				if !visible(s, id) {
					t.Fatalf("step %d: new binding %s not visible", step, id)
				}
			}
			if (op == 2 || op == 10 || op == 16) && e == nil {
				for _, known := range r.ids {
					_ = visible(s, known) // exercise lookups after bulk unbinds
				}
			}
			if v := s.Check(); len(v) > 0 {
				t.Fatalf("step %d (op %d): %v", step, op, v)
			}
		}
	})
}

// visible reports whether a binding ID is found by its mode's query.
func visible(s *Store, id string) bool {
	if _, e := s.AXBQuery("f-axb", AXBQueryInput{SubscriptionID: id}); e == nil {
		return true
	}
	if _, e := s.AXQuery("f-ax", AXQueryInput{SubscriptionID: id}); e == nil {
		return true
	}
	_, e := s.AXEQuery("f-axe", AXEKey{SubscriptionID: id})
	return e == nil
}

// FuzzUnbindGone checks that a successful unbind by subscriptionId makes the binding
// disappear, whatever happened before.
func FuzzUnbindGone(f *testing.F) {
	f.Add([]byte{0, 1, 2, 3, 4, 5}, uint8(0))
	f.Add([]byte{7, 7, 7, 1, 1, 1, 9, 200}, uint8(3))
	f.Fuzz(func(t *testing.T, data []byte, which uint8) {
		if len(data) > 256 {
			return
		}
		s, c := fuzzStore(t)
		var ids []string
		for i := 0; i+2 < len(data); i += 3 {
			r := &fuzzReader{data: data[i : i+3]}
			b, e := s.AXBBind("f-axb", AXBBindInput{CallerNum: r.num(), CalleeNum: r.num(), LooseArea: true, Duration: r.byte() % 3})
			if e == nil {
				ids = append(ids, b.SubscriptionID)
			}
			c.Advance(300 * time.Millisecond)
		}
		if len(ids) == 0 {
			return
		}
		id := ids[int(which)%len(ids)]
		_, e := s.AXBUnbind("f-axb", AXBUnbindInput{SubscriptionID: id})
		if e != nil && e.Code != pns.CodeRecordNotExist {
			t.Fatalf("unbind: %v", e)
		}
		if visible(s, id) {
			t.Fatalf("binding %s visible after unbind (%v)", id, e)
		}
		if v := s.Check(); len(v) > 0 {
			t.Fatal(v)
		}
	})
}
