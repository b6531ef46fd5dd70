// Split from aggregate.go (issue 23): turning an aggregate into a Result.

package loadtest

import (
	"fmt"
	"maps"
	"math"
	"slices"
	"sort"
	"time"

	hdr "github.com/HdrHistogram/hdrhistogram-go"
)

func pct(n, d int64) float64 {
	if d == 0 {
		return 0
	}
	return math.Round(float64(n)/float64(d)*1e6) / 1e4
}

// ifaceHists returns the merged service and corrected histograms of the interfaces selected
// by match, their total and success counts, and the values the adding of the codes' service
// and corrected histograms dropped (0 unless the codes' histograms have different ranges).
func (a *aggregate) ifaceHists(match func(id string) bool) (svc, cor *hdr.Histogram, count, success, svcLost, corLost int64) {
	// In sorted order: which histogram a merge starts from decides what it can hold, so an
	// unordered walk would make the dropped counts (and the percentiles) vary between runs.
	for _, id := range slices.Sorted(maps.Keys(a.ifaces)) {
		if !match(id) {
			continue
		}
		codes := a.ifaces[id]
		for _, code := range slices.Sorted(maps.Keys(codes)) {
			c := codes[code]
			svcLost += mergeInto(&svc, c.service)
			corLost += mergeInto(&cor, c.corrected)
			count += c.count
			if code == "0" {
				success += c.count
			}
		}
	}
	return
}

// result renders the aggregate; encode adds the encoded histograms (skipped for cheap
// progress snapshots).
func (a *aggregate) result(encode bool) (*Result, error) {
	r := &Result{
		Version: ResultVersion, Scenario: a.scenario, Mode: a.mode, Primary: a.primary,
		Shards: a.shards, Attacks: a.attacks, Started: a.started, Ended: a.ended,
		Plan: a.plan, HoldSeconds: a.hold, TargetHits: a.targetHits, SentHits: a.sentHits,
		ElapsedSeconds: a.elapsed, Conformance: a.conf, Cleanup: a.cleanup, Aborted: a.aborted,
		CouldNotCheck: a.couldNotCheck, Warnings: a.warnings, Files: a.files, Run: a.run, agg: a,
	}
	r.Conformance.Examples = append([]string(nil), a.conf.Examples...)
	r.Cleanup.LeakedIDs = append([]string(nil), a.cleanup.LeakedIDs...)
	r.Flows = append([]FlowStats(nil), a.flows...)
	r.Generator = Generator{Lag: summarize(a.lag), Blocked: summarize(a.blocked), LimitMs: a.lagLimit}
	r.Generator.Bound = a.lagLimit > 0 && r.Generator.Lag.P99 > a.lagLimit
	if encode {
		var err error
		if r.Generator.LagHist, err = encodeHist(a.lag); err != nil {
			return nil, err
		}
		if r.Generator.BlockedHist, err = encodeHist(a.blocked); err != nil {
			return nil, err
		}
	}
	r.Rejections = a.rejectionList()
	r.MergeDropped = a.droppedList()
	if a.elapsed > 0 {
		r.TargetRate = round3(a.targetHits / a.elapsed)
		r.AchievedRate = round3(float64(a.sentHits) / a.elapsed)
	}
	if a.targetHits > 0 && float64(a.sentHits) < a.targetHits {
		r.ShortfallPct = round3(100 * (1 - float64(a.sentHits)/a.targetHits))
	}
	ids := make([]string, 0, len(a.ifaces))
	for id := range a.ifaces {
		ids = append(ids, id)
	}
	sort.Strings(ids)
	for _, id := range ids {
		is, lost, err := a.interfaceStats(id, encode)
		if err != nil {
			return nil, err
		}
		if lost > 0 {
			// Rendering only: recorded in the result, not in a, so that a render is repeatable.
			r.MergeDropped = append(r.MergeDropped, DroppedValues{Histogram: id + allCodes, Values: lost})
		}
		r.Interfaces = append(r.Interfaces, is)
	}
	var err error
	if r.Callbacks, err = a.callbackStats(encode); err != nil {
		return nil, err
	}
	ts := make([]int64, 0, len(a.secs))
	for t := range a.secs {
		ts = append(ts, t)
	}
	sort.Slice(ts, func(i, j int) bool { return ts[i] < ts[j] })
	for _, t := range ts {
		sec, err := a.secondStats(t, encode)
		if err != nil {
			return nil, err
		}
		r.Series = append(r.Series, sec)
	}
	if r.Interfaces == nil {
		r.Interfaces = []InterfaceStats{}
	}
	if r.Series == nil {
		r.Series = []Second{}
	}
	return r, nil
}

// interfaceStats renders interface id: its counts and latencies over every code, then per
// code; lost is what merging its codes' histograms dropped.
func (a *aggregate) interfaceStats(id string, encode bool) (is InterfaceStats, lost int64, err error) {
	svc, cor, count, success, svcLost, corLost := a.ifaceHists(func(x string) bool { return x == id })
	is = InterfaceStats{ID: id, Count: count, Success: success, SuccessPct: pct(success, count),
		Service: summarize(svc), Corrected: summarize(cor), Buckets: buckets(svc)}
	for _, code := range slices.Sorted(maps.Keys(a.ifaces[id])) {
		c := a.ifaces[id][code]
		cs := CodeStats{Code: code, Count: c.count, Statuses: c.statuses,
			Service: summarize(c.service), Corrected: summarize(c.corrected)}
		if encode {
			if cs.ServiceHist, err = encodeHist(c.service); err != nil {
				return is, 0, err
			}
			if cs.CorrectedHist, err = encodeHist(c.corrected); err != nil {
				return is, 0, err
			}
		}
		is.Codes = append(is.Codes, cs)
	}
	return is, svcLost + corLost, nil
}

// callbackStats renders the callback delays of the generator's calls, one per event in
// name order.
func (a *aggregate) callbackStats(encode bool) ([]CallbackStats, error) {
	var out []CallbackStats
	for _, ev := range slices.Sorted(maps.Keys(a.callbacks)) {
		h := a.callbacks[ev]
		cs := CallbackStats{Event: ev, Count: h.TotalCount(), Latency: summarize(h)}
		if encode {
			var err error
			if cs.Hist, err = encodeHist(h); err != nil {
				return nil, err
			}
		}
		out = append(out, cs)
	}
	return out, nil
}

// secondStats renders second t of the series: its rates, counts and latencies, overall and per
// interface.
func (a *aggregate) secondStats(t int64, encode bool) (Second, error) {
	s := a.secs[t]
	sec := Second{T: t, Offset: t - a.started.Unix(), TargetRate: round3(s.target), AchievedRate: s.sent,
		Requests: s.requests, Success: s.success, SuccessPct: pct(s.success, s.requests),
		ConformanceErrors: s.conf, Callbacks: s.callbacks, InFlight: round6(float64(s.busy) / float64(time.Second)),
		ActiveSessions: round6(float64(s.sessionTime) / float64(time.Second))}
	for _, id := range slices.Sorted(maps.Keys(s.ifaces)) {
		si := s.ifaces[id]
		h, err := si.view()
		if err != nil {
			return sec, fmt.Errorf("second %d interface %s: %w", t, id, err)
		}
		x := SecondInterface{ID: id, Requests: si.requests}
		if h != nil && h.TotalCount() > 0 {
			x.P50, x.P95, x.P99 = ms(h.ValueAtQuantile(50)), ms(h.ValueAtQuantile(95)), ms(h.ValueAtQuantile(99))
			if encode {
				if x.CorrectedHist, err = encodeHist(h); err != nil {
					return sec, err
				}
			}
		}
		sec.Interfaces = append(sec.Interfaces, x)
	}
	svc, cor, err := s.view()
	if err != nil {
		return sec, fmt.Errorf("second %d: %w", t, err)
	}
	if svc != nil && svc.TotalCount() > 0 {
		sec.P50 = ms(svc.ValueAtQuantile(50))
		sec.P99 = ms(svc.ValueAtQuantile(99))
	}
	if cor != nil && cor.TotalCount() > 0 {
		sec.CorrectedP99 = ms(cor.ValueAtQuantile(99))
	}
	if encode {
		if sec.ServiceHist, sec.CorrectedHist, err = s.encoded(); err != nil {
			return sec, err
		}
	}
	return sec, nil
}

func round3(f float64) float64 { return math.Round(f*1e3) / 1e3 }

// round6 keeps microseconds of a count of seconds (Second.InFlight).
func round6(f float64) float64 { return math.Round(f*1e6) / 1e6 }

// rejectionList renders the refusals, throttling first, then by count.
func (a *aggregate) rejectionList() []Rejection {
	out := make([]Rejection, 0, len(a.rejections))
	for k, x := range a.rejections {
		rj := Rejection{Code: k.code, Throttling: k.throttled, Count: x.count, Interfaces: map[string]int64{}}
		for i, n := range x.ifaces {
			rj.Interfaces[i] = n
		}
		if !a.started.IsZero() {
			rj.BeganOffsetSeconds = round3(x.first.Sub(a.started).Seconds())
		}
		if s := a.secs[a.second(x.first)]; s != nil {
			rj.BeganAtRate = s.requests
			rj.BeganAtTargetRate = round3(s.target)
		}
		out = append(out, rj)
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].Throttling != out[j].Throttling {
			return out[i].Throttling
		}
		if out[i].Count != out[j].Count {
			return out[i].Count > out[j].Count
		}
		return out[i].Code < out[j].Code
	})
	if len(out) == 0 {
		return nil
	}
	return out
}
