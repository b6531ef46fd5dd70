package loadtest

import (
	"encoding/json"
	"math"
	"testing"
	"time"
)

// Old seconds are encoded to bound memory; late results, rendering and merging still see
// every value.
func TestSecondsCompaction(t *testing.T) {
	mk := func() *aggregate {
		a := newAggregate()
		a.scenario, a.mode = ScenarioBindUnbind, "axb"
		a.started = time.Unix(1000, 0)
		return a
	}
	a := mk()
	obs := func(a *aggregate, sec int64, d time.Duration) {
		a.observe(&observation{iface: "axb.bind", code: "0", status: 200, ts: time.Unix(sec, 0), service: d, corrected: 2 * d, primary: true, success: true})
	}
	for i := 1; i <= 10; i++ {
		obs(a, 1000, time.Duration(i)*time.Millisecond)
	}
	a.compactBefore(1001)
	if s := a.secs[1000]; s.service != nil || s.svcEnc == "" {
		t.Fatal("second 1000 not compacted")
	}
	obs(a, 1000, 100*time.Millisecond) // a late result
	obs(a, 1001, time.Millisecond)
	a.compactBefore(1002)
	r, err := a.result(true)
	if err != nil {
		t.Fatal(err)
	}
	if len(r.Series) != 2 || r.Series[0].Requests != 11 || r.Series[0].P99 < 99 || r.Series[0].CorrectedP99 < 199 {
		t.Fatalf("series %+v", r.Series)
	}
	// Through JSON and merge with a second shard.
	data, _ := json.Marshal(r)
	var back Result
	if err := json.Unmarshal(data, &back); err != nil {
		t.Fatal(err)
	}
	back.Shards = []string{"0/2"}
	b := mk()
	b.shards = []string{"1/2"}
	obs(b, 1000, 50*time.Millisecond)
	rb, _ := b.result(true)
	m, err := MergeResults(&back, rb)
	if err != nil {
		t.Fatal(err)
	}
	if m.Series[0].Requests != 12 || m.Series[0].AchievedRate != 12 {
		t.Fatalf("merged second %+v", m.Series[0])
	}
	svc, _, err := m.agg.secs[1000].view()
	if err != nil || svc.TotalCount() != 12 {
		t.Fatalf("merged histogram count %v %v", svc.TotalCount(), err)
	}
}

// Each second breaks its requests down by interface with their corrected percentiles, and
// counts the requests in flight as the service time spent within it; both survive JSON, the
// compaction of old seconds and a merge of shards.
func TestSecondInterfacesAndInFlight(t *testing.T) {
	mk := func(shard string) *aggregate {
		a := newAggregate()
		a.scenario, a.mode = ScenarioBindUnbind, "axb"
		a.started = time.Unix(1000, 0)
		a.shards = []string{shard}
		return a
	}
	at := func(sec float64) time.Time { return time.Unix(1000, 0).Add(time.Duration(sec * float64(time.Second))) }
	a := mk("0/2")
	// Second 0: ten binds of 1..10 ms corrected and one unbind of 40 ms corrected.
	for i := 1; i <= 10; i++ {
		a.observe(&observation{iface: "axb.bind", code: "0", status: 200, ts: at(0.1), service: time.Millisecond, corrected: time.Duration(i) * time.Millisecond, primary: true, success: true})
	}
	a.observe(&observation{iface: "axb.unbind", code: "0", status: 200, ts: at(0.2), service: time.Millisecond, corrected: 40 * time.Millisecond, success: true})
	// One request in flight from 0.5 s to 2.25 s: 0.5 s in second 0, 1 s in second 1, 0.25 s in second 2.
	a.observe(&observation{iface: "axb.unbind", code: "0", status: 200, ts: at(0.5), service: 1750 * time.Millisecond, corrected: 1750 * time.Millisecond, success: true})
	a.compactBefore(1001)
	r, err := a.result(true)
	if err != nil {
		t.Fatal(err)
	}
	if len(r.Series) != 3 {
		t.Fatalf("series %+v", r.Series)
	}
	s0 := r.Series[0]
	// 11 requests of 1 ms and half a second of the long one.
	if want := 0.011 + 0.5; s0.InFlight != want || r.Series[1].InFlight != 1 || r.Series[2].InFlight != 0.25 {
		t.Errorf("in flight %v %v %v, want %v 1 0.25", s0.InFlight, r.Series[1].InFlight, r.Series[2].InFlight, want)
	}
	if len(s0.Interfaces) != 2 || s0.Interfaces[0].ID != "axb.bind" || s0.Interfaces[0].Requests != 10 || s0.Interfaces[1].Requests != 2 {
		t.Fatalf("interfaces %+v", s0.Interfaces)
	}
	if b := s0.Interfaces[0]; b.P50 < 4.9 || b.P50 > 5.1 || b.P95 < 9.9 || b.P95 > 10.1 || b.P99 < 9.9 || b.P99 > 10.1 {
		t.Errorf("axb.bind percentiles %+v, want p50 5 ms, p95 and p99 10 ms", b)
	}
	if len(r.Series[1].Interfaces) != 0 {
		t.Errorf("second 1 started no request: %+v", r.Series[1].Interfaces)
	}
	data, _ := json.Marshal(r)
	var back Result
	if err := json.Unmarshal(data, &back); err != nil {
		t.Fatal(err)
	}
	b := mk("1/2")
	b.observe(&observation{iface: "axb.bind", code: "0", status: 200, ts: at(0.9), service: 200 * time.Millisecond, corrected: 500 * time.Millisecond, primary: true, success: true})
	rb, _ := b.result(true)
	m, err := MergeResults(&back, rb)
	if err != nil {
		t.Fatal(err)
	}
	m0 := m.Series[0]
	if want := 0.011 + 0.5 + 0.1; math.Abs(m0.InFlight-want) > 1e-9 || m.Series[1].InFlight != 1.1 {
		t.Errorf("merged in flight %v %v, want %v 1.1", m0.InFlight, m.Series[1].InFlight, want)
	}
	if bi := m0.Interfaces[0]; bi.ID != "axb.bind" || bi.Requests != 11 || bi.P99 < 495 || bi.P99 > 505 {
		t.Errorf("merged axb.bind %+v, want 11 requests, p99 500 ms (within 1 percent: the histograms of a second keep 2 significant figures)", bi)
	}
}
