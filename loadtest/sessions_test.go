package loadtest

import (
	"encoding/json"
	"math"
	"testing"
	"time"
)

// TestActiveSessionsPerSecond: a session in progress counts in each second by the time it
// spent in it (Second.ActiveSessions, Gatling's active users averaged over the second); the
// figure survives JSON and adds up in a merge of shards.
func TestActiveSessionsPerSecond(t *testing.T) {
	at := func(sec float64) time.Time { return time.Unix(1000, 0).Add(time.Duration(sec * float64(time.Second))) }
	mk := func(shard string) *aggregate {
		a := newAggregate()
		a.scenario, a.mode = ScenarioBindUnbind, "axb"
		a.started = at(0)
		a.shards = []string{shard}
		return a
	}
	a := mk("0/2")
	a.observeSession(at(0.5), at(2.25)) // 0.5 s in second 0, 1 s in second 1, 0.25 s in second 2
	a.observeSession(at(0.1), at(0.3))  // 0.2 s in second 0
	a.observeSession(at(1.5), at(1.5))  // no time in progress: counts nowhere
	r, err := a.result(true)
	if err != nil {
		t.Fatal(err)
	}
	if len(r.Series) != 3 {
		t.Fatalf("series %+v", r.Series)
	}
	for i, want := range []float64{0.7, 1, 0.25} {
		if got := r.Series[i].ActiveSessions; math.Abs(got-want) > 1e-9 {
			t.Errorf("second %d: %v sessions in progress, want %v", i, got, want)
		}
	}
	data, err := json.Marshal(r)
	if err != nil {
		t.Fatal(err)
	}
	var back Result
	if err := json.Unmarshal(data, &back); err != nil {
		t.Fatal(err)
	}
	b := mk("1/2")
	b.observeSession(at(0.9), at(1.1))
	rb, err := b.result(true)
	if err != nil {
		t.Fatal(err)
	}
	m, err := MergeResults(&back, rb)
	if err != nil {
		t.Fatal(err)
	}
	for i, want := range []float64{0.8, 1.1, 0.25} {
		if got := m.Series[i].ActiveSessions; math.Abs(got-want) > 1e-9 {
			t.Errorf("merged second %d: %v sessions in progress, want %v", i, got, want)
		}
	}
}
