package reports

import (
	"bytes"
	"strings"
	"testing"
	"time"
)

// A merged scenario draws each shard's achieved rate next to the total; a single shard draws
// no such chart.
func TestHTMLShardRates(t *testing.T) {
	s := fixtureSummary(t)
	ls := &s.Load.Scenarios[0]
	var pts [2][]ShardRatePoint
	for _, p := range ls.Series {
		half := float64(int(p.AchievedRate) / 2)
		pts[0] = append(pts[0], ShardRatePoint{T: p.T, TargetRate: p.TargetRate / 2, AchievedRate: half})
		pts[1] = append(pts[1], ShardRatePoint{T: p.T, TargetRate: p.TargetRate / 2, AchievedRate: p.AchievedRate - half})
	}
	ls.ShardRates = []ShardRate{{Shard: "0/2", Points: pts[0]}, {Shard: "1/2", Points: pts[1]}}
	page := renderHTML(t, s)
	for _, want := range []string{"Achieved rate per shard and total (req/s, 2 shards)", ">shard 0/2<", ">shard 1/2<", ">total<"} {
		if !strings.Contains(page, want) {
			t.Errorf("page lacks %q", want)
		}
	}
	if err := wellFormed(page); err != nil {
		t.Fatal(err)
	}
	var js bytes.Buffer
	if err := WriteJSON(&js, s); err != nil {
		t.Fatal(err)
	}
	if err := ValidateSummaryJSON(js.Bytes()); err != nil {
		t.Fatalf("summary with shard rates: %v", err)
	}

	// Many shards: the total only, and where to find the rest.
	ls.ShardRates = nil
	for i := range 9 {
		ls.ShardRates = append(ls.ShardRates, ShardRate{Shard: string(rune('0'+i)) + "/9", Points: []ShardRatePoint{{T: time.Second, AchievedRate: 1}}})
	}
	page = renderHTML(t, s)
	if !strings.Contains(page, "Achieved rate, total of 9 shards (req/s; per-shard rates in summary.json)") || strings.Contains(page, ">shard 0/9<") {
		t.Error("nine shards: want the total only")
	}

	ls.ShardRates = nil
	if page := renderHTML(t, s); strings.Contains(page, "per shard") {
		t.Error("a single-shard scenario draws a per-shard chart")
	}
}
