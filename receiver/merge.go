// Split from report.go (issue 23): merging the reports of several receivers (one per
// load-generator process).

package receiver

import (
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/HdrHistogram/hdrhistogram-go"
)

// Merge combines reports of several receivers (e.g. one per load-generator process):
// counters add up, histograms merge, details concatenate. Started is the earliest and Elapsed
// the longest. Sessions are assumed disjoint across reports.
func Merge(reports ...Report) (Report, error) {
	out := Report{ByKind: map[string]int64{}, ByEventType: map[string]int64{}, ByScheme: map[string]int64{}}
	type key struct{ ref, typ string }
	hists := map[key]*hdrhistogram.Histogram{}
	for _, r := range reports {
		if out.Started.IsZero() || (!r.Started.IsZero() && r.Started.Before(out.Started)) {
			out.Started = r.Started
		}
		out.Elapsed = max(out.Elapsed, r.Elapsed)
		out.Counters.add(r.Counters)
		out.Sessions.add(r.Sessions)
		out.Final = out.Final || r.Final
		out.mergeByType(r.ByType)
		out.mergePlatformClock(r.PlatformClock)
		if len(r.Causes) > 0 && out.Causes == nil {
			out.Causes = map[string]int64{}
		}
		if len(r.BlockReplies) > 0 && out.BlockReplies == nil {
			out.BlockReplies = map[string]int64{}
		}
		for _, pair := range []struct{ dst, src map[string]int64 }{
			{out.ByKind, r.ByKind}, {out.ByEventType, r.ByEventType}, {out.ByScheme, r.ByScheme}, {out.Causes, r.Causes},
			{out.BlockReplies, r.BlockReplies}} {
			for k, v := range pair.src {
				pair.dst[k] += v
			}
		}
		for _, l := range r.Latency {
			h, err := l.Hist()
			if err != nil {
				return Report{}, fmt.Errorf("receiver: merge %s/%s: %w", l.Reference, l.Type, err)
			}
			k := key{l.Reference, l.Type}
			if acc := hists[k]; acc != nil {
				if n := acc.Merge(h); n > 0 {
					addDropped(&out, l.Reference+"/"+l.Type, n)
				}
			} else {
				hists[k] = h
			}
		}
		for k, n := range r.MergeDropped {
			addDropped(&out, k, n)
		}
		out.Settle = max(out.Settle, r.Settle)
		if out.Format == 0 || r.Format < out.Format {
			out.Format = r.Format
		}
		if r.Deliveries != nil {
			out.mergeDeliveries(r.Deliveries)
		}
		out.Failures = append(out.Failures, r.Failures...)
		out.Violations = append(out.Violations, r.Violations...)
		out.BadSignatures = append(out.BadSignatures, r.BadSignatures...)
		out.Duplicates = append(out.Duplicates, r.Duplicates...)
	}
	for k, h := range hists {
		l, err := summarise(k.ref, k.typ, h)
		if err != nil {
			return Report{}, err
		}
		out.Latency = append(out.Latency, l)
	}
	sortLatency(out.Latency)
	return out, nil
}

// mergeByType adds the per-type counts of byType into out's.
func (out *Report) mergeByType(byType map[string]TypeCounts) {
	for t, c := range byType {
		if out.ByType == nil {
			out.ByType = map[string]TypeCounts{}
		}
		o := out.ByType[t]
		o.Expected += c.Expected
		o.Received += c.Received
		o.OfExpected += c.OfExpected
		o.Missing += c.Missing
		o.TypeAnomalies.Add(c.TypeAnomalies)
		out.ByType[t] = o
	}
}

// mergePlatformClock widens out's spread of platform clock offsets by pc (nil: none).
func (out *Report) mergePlatformClock(pc *ClockOffset) {
	if pc == nil {
		return
	}
	if out.PlatformClock == nil {
		c := *pc
		out.PlatformClock = &c
		return
	}
	out.PlatformClock.Samples += pc.Samples
	out.PlatformClock.MinMs = min(out.PlatformClock.MinMs, pc.MinMs)
	out.PlatformClock.MaxMs = max(out.PlatformClock.MaxMs, pc.MaxMs)
}

// mergeDeliveries adds the delivery attempts and re-push intervals of d into out's.
func (out *Report) mergeDeliveries(d *Deliveries) {
	if out.Deliveries == nil {
		out.Deliveries = &Deliveries{Attempts: map[string]int64{}}
	}
	for k, v := range d.Attempts {
		out.Deliveries.Attempts[k] += v
	}
	out.Deliveries.FirstRepush = mergeIntervals(out.Deliveries.FirstRepush, d.FirstRepush)
	out.Deliveries.FirstAttemptDelay = mergeIntervals(out.Deliveries.FirstAttemptDelay, d.FirstAttemptDelay)
}

// addDropped counts n values the merge of the delay histogram name dropped.
func addDropped(r *Report, name string, n int64) {
	if r.MergeDropped == nil {
		r.MergeDropped = map[string]int64{}
	}
	r.MergeDropped[name] += n
}

// NotExact says, in a sentence, which delay histograms a Merge dropped values from and how
// many; "" when the merge was exact.
func (r Report) NotExact() string {
	if len(r.MergeDropped) == 0 {
		return ""
	}
	names := make([]string, 0, len(r.MergeDropped))
	var total int64
	for k, n := range r.MergeDropped {
		names = append(names, fmt.Sprintf("%s %d", k, n))
		total += n
	}
	sort.Strings(names)
	return fmt.Sprintf("merge not exact: %d callback delay value(s) fell outside the range of the histogram they were merged into and were dropped (%s): the merged delay percentiles leave them out",
		total, strings.Join(names, ", "))
}

// mergeIntervals combines two interval summaries (either may be nil).
func mergeIntervals(a, b *IntervalStats) *IntervalStats {
	switch {
	case b == nil:
		return a
	case a == nil:
		c := *b
		return &c
	}
	sum := a.Mean*time.Duration(a.Count) + b.Mean*time.Duration(b.Count)
	a.Count += b.Count
	a.Min, a.Max = min(a.Min, b.Min), max(a.Max, b.Max)
	a.Mean = sum / time.Duration(a.Count)
	return a
}
