package receiver

import (
	"encoding/json"
	"testing"

	"github.com/HdrHistogram/hdrhistogram-go"
)

// A receiver merge whose delay histograms cannot hold each other's values says so: the
// dropped values are counted by histogram (reference/type), survive a JSON round trip and a
// merge of merges, and NotExact names them. Receivers of the same geometry merge exactly.
func TestMergeCountsDroppedDelays(t *testing.T) {
	lat := func(h *hdrhistogram.Histogram, values ...int64) Latency {
		for _, v := range values {
			if err := h.RecordValue(v); err != nil {
				t.Fatal(err)
			}
		}
		l, err := summarise(RefTrigger, "fee", h)
		if err != nil {
			t.Fatal(err)
		}
		return l
	}
	narrow := Report{Latency: []Latency{lat(newHist(), 1000)}}
	same := Report{Latency: []Latency{lat(newHist(), 2000, 3000)}}
	wide := Report{Latency: []Latency{lat(hdrhistogram.New(histMin, 100*histMax, histSigFigs), 2000, 50*histMax, 60*histMax)}}

	exact, err := Merge(narrow, same)
	if err != nil || exact.NotExact() != "" || exact.MergeDropped != nil || exact.Latency[0].Count != 3 {
		t.Fatalf("same geometry: %v %q %v", err, exact.NotExact(), exact.Latency)
	}
	m, err := Merge(narrow, wide)
	if err != nil {
		t.Fatal(err)
	}
	if m.MergeDropped["trigger/fee"] != 2 || m.Latency[0].Count != 2 {
		t.Fatalf("dropped %v, merged count %d", m.MergeDropped, m.Latency[0].Count)
	}
	raw, err := json.Marshal(m)
	if err != nil {
		t.Fatal(err)
	}
	var back Report
	if err := json.Unmarshal(raw, &back); err != nil {
		t.Fatal(err)
	}
	again, err := Merge(back, same)
	if err != nil {
		t.Fatal(err)
	}
	want := "merge not exact: 2 callback delay value(s) fell outside the range of the histogram they were merged into and were dropped (trigger/fee 2): the merged delay percentiles leave them out"
	if again.NotExact() != want {
		t.Fatalf("NotExact %q, want %q", again.NotExact(), want)
	}
}
