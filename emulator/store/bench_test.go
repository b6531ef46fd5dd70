package store

import (
	"fmt"
	"sync/atomic"
	"testing"

	"github.com/pns-harness/pns-harness/emulator/clock"
	"github.com/pns-harness/pns-harness/pns"
)

// benchStore is one AXB app with 200 X numbers over 4 cities, like a mid-size deployment.
func benchStore(b *testing.B) *Store {
	o := Options{
		Clock: clock.NewVirtual(1),
		Apps:  []App{{Key: "bench", Mode: pns.ModeAXB}, {Key: "bench-axe", Mode: pns.ModeAXE}},
		Areas: map[string]string{"0755": "Guangdong", "020": "Guangdong", "010": "Beijing", "021": "Shanghai"},
	}
	cities := []string{"0755", "020", "010", "021"}
	for i := range 200 {
		o.Pool = append(o.Pool, XNumber{Number: fmt.Sprintf("+86176%08d", i), App: "bench", CityCode: cities[i%4]})
	}
	for i := range 10 {
		o.Pool = append(o.Pool, XNumber{Number: fmt.Sprintf("+86177%08d", i), App: "bench-axe", CityCode: "0755"})
	}
	s, err := New(o)
	if err != nil {
		b.Fatal(err)
	}
	return s
}

// BenchmarkAXBBindUnbind measures a bind with automatic selection by area followed by an
// unbind by subscriptionId, from parallel goroutines with distinct numbers.
func BenchmarkAXBBindUnbind(b *testing.B) {
	s := benchStore(b)
	var worker atomic.Int64
	b.ReportAllocs()
	b.RunParallel(func(pb *testing.PB) {
		w := worker.Add(1)
		i := 0
		for pb.Next() {
			i++
			a := fmt.Sprintf("+86138%03d%05d", w%1000, i%100000)
			c := fmt.Sprintf("+86139%03d%05d", w%1000, i%100000)
			got, e := s.AXBBind("bench", AXBBindInput{CallerNum: a, CalleeNum: c, AreaCode: "0755"})
			if e != nil {
				b.Fatal(e)
			}
			if _, e := s.AXBUnbind("bench", AXBUnbindInput{SubscriptionID: got.SubscriptionID}); e != nil {
				b.Fatal(e)
			}
		}
	})
}

// BenchmarkAXBBindLoaded binds into a pool that already holds many bindings, with explicit and
// automatic X, keeping the population stable by unbinding the oldest binding.
func BenchmarkAXBBindLoaded(b *testing.B) {
	s := benchStore(b)
	for i := range 20000 {
		if _, e := s.AXBBind("bench", AXBBindInput{CallerNum: fmt.Sprintf("+86150%08d", i), CalleeNum: fmt.Sprintf("+86151%08d", i), AreaCode: "0755", LooseArea: true}); e != nil {
			b.Fatal(e)
		}
	}
	var worker atomic.Int64
	b.ReportAllocs()
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		w := worker.Add(1)
		i := 0
		for pb.Next() {
			i++
			in := AXBBindInput{CallerNum: fmt.Sprintf("+86138%03d%05d", w%1000, i%100000), CalleeNum: fmt.Sprintf("+86139%03d%05d", w%1000, i%100000), AreaCode: "020"}
			if i%2 == 0 {
				in.RelationNum = fmt.Sprintf("+86176%08d", i%200)
			}
			got, e := s.AXBBind("bench", in)
			if e != nil {
				b.Fatal(e)
			}
			s.AXBQuery("bench", AXBQueryInput{RelationNum: got.RelationNum, CallerNum: got.CallerNum})
			s.AXBUnbind("bench", AXBUnbindInput{SubscriptionID: got.SubscriptionID})
		}
	})
}

// BenchmarkAXEBindUnbind measures AXE bind with extension allocation and unbind.
func BenchmarkAXEBindUnbind(b *testing.B) {
	s := benchStore(b)
	var worker atomic.Int64
	b.RunParallel(func(pb *testing.PB) {
		w := worker.Add(1)
		i := 0
		for pb.Next() {
			i++
			got, e := s.AXEBind("bench-axe", AXEBindInput{BindNum: fmt.Sprintf("+86138%03d%05d", w%1000, i%100000), AreaCode: "0755"})
			if e != nil {
				b.Fatal(e)
			}
			s.AXEUnbind("bench-axe", AXEKey{SubscriptionID: got.SubscriptionID})
		}
	})
}
