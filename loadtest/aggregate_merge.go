// Split from aggregate.go (issue 23): merging shards' aggregates and results.

package loadtest

import (
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"
)

// merge adds b into a.
func (a *aggregate) merge(b *aggregate) error {
	if a.scenario != b.scenario || a.mode != b.mode {
		return fmt.Errorf("merge: cannot merge scenario %s/%s with %s/%s", a.scenario, a.mode, b.scenario, b.mode)
	}
	for _, s := range b.shards {
		for _, t := range a.shards {
			if s == t && s != "" {
				return fmt.Errorf("merge: shard %s appears twice", s)
			}
		}
	}
	a.shards = append(a.shards, b.shards...)
	a.attacks = append(a.attacks, b.attacks...)
	if a.started.IsZero() || (!b.started.IsZero() && b.started.Before(a.started)) {
		a.started = b.started
	}
	if b.ended.After(a.ended) {
		a.ended = b.ended
	}
	a.mergePlan(b.plan)
	a.targetHits += b.targetHits
	a.sentHits += b.sentHits
	a.elapsed = math.Max(a.elapsed, b.elapsed)
	a.mergeIfaces(b.ifaces)
	for ev, h := range b.callbacks {
		x := a.callbacks[ev]
		a.drop("callback "+ev, mergeInto(&x, h))
		a.callbacks[ev] = x
	}
	for t, s := range b.secs {
		if err := a.mergeSecond(t, s); err != nil {
			return err
		}
	}
	a.mergeChecks(b)
	a.drop("generator lag", mergeInto(&a.lag, b.lag))
	a.drop("generator blocked", mergeInto(&a.blocked, b.blocked))
	for name, n := range b.dropped {
		a.drop(name, n)
	}
	a.lagLimit = math.Max(a.lagLimit, b.lagLimit)
	a.mergeRejections(b.rejections)
	a.flows = mergeFlows(a.flows, b.flows)
	if a.aborted == "" {
		a.aborted = b.aborted
	}
	if a.couldNotCheck == "" {
		a.couldNotCheck = b.couldNotCheck
	}
	a.warnings = append(a.warnings, b.warnings...)
	a.files = append(a.files, b.files...)
	return nil
}

// mergePlan adds the rates of plan, a shard's, into a's; plans of different step lengths
// cannot be added and leave no plan.
func (a *aggregate) mergePlan(plan Plan) {
	if len(a.plan) != len(plan) {
		a.plan = nil
		return
	}
	for i := range a.plan {
		if a.plan[i].Duration != plan[i].Duration {
			a.plan = nil
			return
		}
		a.plan[i].Rate += plan[i].Rate
		a.plan[i].From += plan[i].From
	}
}

// mergeIfaces adds the per-interface, per-code counts and histograms of ifaces into a's.
func (a *aggregate) mergeIfaces(ifaces map[string]map[string]*codeAgg) {
	for id, codes := range ifaces {
		ac := a.ifaces[id]
		if ac == nil {
			ac = map[string]*codeAgg{}
			a.ifaces[id] = ac
		}
		for code, c := range codes {
			x := ac[code]
			if x == nil {
				x = &codeAgg{statuses: map[string]int64{}}
				ac[code] = x
			}
			x.count += c.count
			for k, v := range c.statuses {
				x.statuses[k] += v
			}
			name := id + " code " + code
			a.drop(name+" service", mergeInto(&x.service, c.service))
			a.drop(name+" corrected", mergeInto(&x.corrected, c.corrected))
		}
	}
}

// mergeSecond adds second t of another aggregate, s, into a's same second.
func (a *aggregate) mergeSecond(t int64, s *secAgg) error {
	x := a.secs[t]
	if x == nil {
		x = &secAgg{}
		a.secs[t] = x
	}
	x.target += s.target
	x.sent += s.sent
	x.requests += s.requests
	x.success += s.success
	x.conf += s.conf
	x.callbacks += s.callbacks
	x.busy += s.busy
	x.sessionTime += s.sessionTime
	for id, si := range s.ifaces {
		h, err := si.view()
		if err != nil {
			return fmt.Errorf("merge: second %d interface %s: %w", t, id, err)
		}
		xi := x.iface(id)
		xi.requests += si.requests
		a.drop("second "+strconv.FormatInt(t, 10)+" "+id, mergeInto(&xi.hist, h))
	}
	svc, cor, err := s.view()
	if err != nil {
		return fmt.Errorf("merge: second %d: %w", t, err)
	}
	if svc != nil || cor != nil || len(x.ifaces) > 0 {
		x.inflate()
		name := "second " + strconv.FormatInt(t, 10)
		a.drop(name+" service", mergeInto(&x.service, svc))
		a.drop(name+" corrected", mergeInto(&x.corrected, cor))
		if err := x.compact(); err != nil {
			return err
		}
	}
	return nil
}

// mergeChecks adds b's conformance checks and binding cleanup counts into a's.
func (a *aggregate) mergeChecks(b *aggregate) {
	a.conf.Checked += b.conf.Checked
	a.conf.SchemaChecked += b.conf.SchemaChecked
	a.conf.Errors += b.conf.Errors
	for _, e := range b.conf.Examples {
		a.conf.Examples = addExample(a.conf.Examples, e)
	}
	a.cleanup.Bound += b.cleanup.Bound
	a.cleanup.Unbound += b.cleanup.Unbound
	a.cleanup.Retried += b.cleanup.Retried
	a.cleanup.Leaked += b.cleanup.Leaked
	a.cleanup.Unknown += b.cleanup.Unknown
	a.cleanup.LifetimeSeconds = max(a.cleanup.LifetimeSeconds, b.cleanup.LifetimeSeconds)
	for _, id := range b.cleanup.LeakedIDs {
		if len(a.cleanup.LeakedIDs) < maxLeakedIDs {
			a.cleanup.LeakedIDs = append(a.cleanup.LeakedIDs, id)
		}
	}
	for _, e := range b.cleanup.Errors {
		a.cleanup.Errors = addExample(a.cleanup.Errors, e)
	}
}

// mergeRejections adds the refusals of rejections into a's, keeping the earliest first one.
func (a *aggregate) mergeRejections(rejections map[rejectKey]*rejectAgg) {
	for k, x := range rejections {
		y := a.rejections[k]
		if y == nil {
			y = &rejectAgg{first: x.first, ifaces: map[string]int64{}}
			a.rejections[k] = y
		}
		y.count += x.count
		for i, n := range x.ifaces {
			y.ifaces[i] += n
		}
		if x.first.Before(y.first) {
			y.first = x.first
		}
	}
}

// aggregateFromResult rebuilds the aggregate of a result from its encoded histograms.
func aggregateFromResult(r *Result) (*aggregate, error) {
	a := newAggregate()
	a.scenario, a.mode, a.primary = r.Scenario, r.Mode, r.Primary
	a.shards = append([]string(nil), r.Shards...)
	a.attacks = append([]string(nil), r.Attacks...)
	a.started, a.ended = r.Started, r.Ended
	a.plan = append(Plan(nil), r.Plan...)
	a.hold = r.HoldSeconds
	a.targetHits, a.sentHits, a.elapsed = r.TargetHits, r.SentHits, r.ElapsedSeconds
	a.conf = r.Conformance
	a.conf.Examples = append([]string(nil), r.Conformance.Examples...)
	a.cleanup = r.Cleanup
	a.cleanup.Errors = append([]string(nil), r.Cleanup.Errors...)
	a.aborted = r.Aborted
	a.couldNotCheck = r.CouldNotCheck
	a.cleanup.LeakedIDs = append([]string(nil), r.Cleanup.LeakedIDs...)
	// Deep: a merge adds into the flows' plans and steps, which must not write into r.
	a.flows = make([]FlowStats, len(r.Flows))
	for i, f := range r.Flows {
		f.Plan = append(Plan(nil), f.Plan...)
		f.Steps = append([]StepStats(nil), f.Steps...)
		a.flows[i] = f
	}
	a.lagLimit = r.Generator.LimitMs
	if h, err := decodeHist(r.Generator.LagHist); err != nil {
		return nil, fmt.Errorf("generator lag: %w", err)
	} else if h != nil {
		a.lag = h
	}
	if h, err := decodeHist(r.Generator.BlockedHist); err != nil {
		return nil, fmt.Errorf("generator blocked: %w", err)
	} else if h != nil {
		a.blocked = h
	}
	for _, x := range r.Rejections {
		ifs := map[string]int64{}
		for k, v := range x.Interfaces {
			ifs[k] = v
		}
		a.rejections[rejectKey{x.Code, x.Throttling}] = &rejectAgg{count: x.Count, ifaces: ifs,
			first: r.Started.Add(time.Duration(x.BeganOffsetSeconds * float64(time.Second)))}
	}
	a.warnings = append([]string(nil), r.Warnings...)
	a.files = append([]string(nil), r.Files...)
	a.run = r.Run
	for _, d := range r.MergeDropped {
		// An interface's "all codes" loss is the render's (result), found again on the next.
		if !strings.HasSuffix(d.Histogram, allCodes) {
			a.drop(d.Histogram, d.Values)
		}
	}
	if err := a.decodeIfaces(r.Interfaces); err != nil {
		return nil, err
	}
	for _, cb := range r.Callbacks {
		h, err := decodeHist(cb.Hist)
		if err != nil {
			return nil, fmt.Errorf("callback %s: %w", cb.Event, err)
		}
		if h != nil {
			a.callbacks[cb.Event] = h
		}
	}
	a.loadSeries(r.Series)
	return a, nil
}

// decodeIfaces decodes the per-interface, per-code counts and histograms of a result.
func (a *aggregate) decodeIfaces(ifaces []InterfaceStats) error {
	for _, is := range ifaces {
		codes := map[string]*codeAgg{}
		for _, cs := range is.Codes {
			svc, err := decodeHist(cs.ServiceHist)
			if err != nil {
				return fmt.Errorf("interface %s code %s: %w", is.ID, cs.Code, err)
			}
			cor, err := decodeHist(cs.CorrectedHist)
			if err != nil {
				return fmt.Errorf("interface %s code %s: %w", is.ID, cs.Code, err)
			}
			if svc == nil && cs.Count > 0 {
				return fmt.Errorf("interface %s code %s: no histogram (summary written without histograms)", is.ID, cs.Code)
			}
			st := map[string]int64{}
			for k, v := range cs.Statuses {
				st[k] = v
			}
			codes[cs.Code] = &codeAgg{count: cs.Count, statuses: st, service: svc, corrected: cor}
		}
		a.ifaces[is.ID] = codes
	}
	return nil
}

// loadSeries keeps the per-second series of a result, its histograms still encoded: they
// are decoded when merged or rendered.
func (a *aggregate) loadSeries(series []Second) {
	for _, s := range series {
		// Kept encoded: decoded when merged or rendered.
		x := &secAgg{target: s.TargetRate, sent: s.AchievedRate, requests: s.Requests,
			success: s.Success, conf: s.ConformanceErrors, callbacks: s.Callbacks, svcEnc: s.ServiceHist, corEnc: s.CorrectedHist,
			busy:        int64(math.Round(s.InFlight * float64(time.Second))),
			sessionTime: int64(math.Round(s.ActiveSessions * float64(time.Second)))}
		for _, si := range s.Interfaces {
			if x.ifaces == nil {
				x.ifaces = map[string]*secIface{}
			}
			x.ifaces[si.ID] = &secIface{requests: si.Requests, enc: si.CorrectedHist}
		}
		a.secs[s.T] = x
	}
}

// mergeFlows adds the flows of b into a, by name.
func mergeFlows(a, b []FlowStats) []FlowStats {
	for _, f := range b {
		i := -1
		for j := range a {
			if a[j].Name == f.Name {
				i = j
			}
		}
		if i < 0 {
			f.Steps = append([]StepStats(nil), f.Steps...)
			f.Plan = append(Plan(nil), f.Plan...)
			a = append(a, f)
			continue
		}
		x := &a[i]
		x.TargetArrivals += f.TargetArrivals
		x.Arrivals += f.Arrivals
		x.Completed += f.Completed
		x.Ended += f.Ended
		x.Pool += f.Pool
		if len(x.Plan) == len(f.Plan) {
			for k := range x.Plan {
				x.Plan[k].Rate += f.Plan[k].Rate
				x.Plan[k].From += f.Plan[k].From
			}
		}
		for k := range x.Steps {
			if k < len(f.Steps) {
				x.Steps[k].Count += f.Steps[k].Count
				x.Steps[k].Success += f.Steps[k].Success
			}
		}
	}
	return a
}
