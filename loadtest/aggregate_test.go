package loadtest

import (
	"encoding/json"
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
