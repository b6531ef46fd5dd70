package reports

import (
	"fmt"
	"strings"
)

// Headline is the one-line account of a load scenario. The console of `harness run` and
// `harness report` prints it and the HTML report shows it under the scenario's table, so the
// two say the same thing from the same fields: the rates are the plan's session arrivals (the
// Primary interface's requests with one flow, every flow's arrivals with several; rateUnit
// says which), the request count is that of every interface.
func (ls LoadScenario) Headline() string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s: %s achieved of %s target (%s) over %s; %s requests of all interfaces",
		ls.Name, FormatRate(ls.AchievedRate), FormatRate(ls.TargetRate), rateUnit(ls), FormatDuration(ls.Duration), FormatCount(ls.Requests))
	var parts []string
	if ls.Primary != "" && ls.PrimaryRequests > 0 {
		parts = append(parts, FormatCount(ls.PrimaryRequests)+" "+ls.Primary)
	}
	if ls.AfterPlanRequests > 0 {
		parts = append(parts, FormatCount(ls.AfterPlanRequests)+" after the plan's end")
	}
	if len(parts) > 0 {
		fmt.Fprintf(&b, " (%s)", strings.Join(parts, ", "))
	}
	fmt.Fprintf(&b, ", %s successful", FormatRatio(ls.SuccessRatio))
	return b.String()
}

// Scope is the one account of what the callback figures count, the first line of the
// console's callback lines and the lead of the HTML section, so that both name the same scope
// with the same numbers: the records about the load's calls against what those calls must
// produce, apart from every other push (the conformance scenarios' calls, X-number status,
// SMS), which nothing expected and which must not be read against Expected.
func (c *Callbacks) Scope() string {
	switch {
	case c.ExpectedReceived == nil:
		// Results of an older receiver: the split was not recorded.
		return fmt.Sprintf("%s received in all (the load's calls and other pushes, not told apart in these results); %s expected from the load's calls",
			FormatCount(c.Received), FormatCount(c.Expected))
	case c.Expected == 0 && *c.ExpectedReceived == 0:
		return fmt.Sprintf("%s received, none expected (no load calls were announced to the receiver)", FormatCount(c.Received))
	}
	other := int64(0)
	if c.OtherReceived != nil {
		other = *c.OtherReceived
	}
	return fmt.Sprintf("load calls: %s received of %s expected; other pushes, not about the load's calls (such as conformance scenarios' calls, X-number status, SMS): %s; %s in all",
		FormatCount(*c.ExpectedReceived), FormatCount(c.Expected), FormatCount(other), FormatCount(c.Received))
}

// Lines are the console account of the callback section: the scope and counts, then one line
// per event type with its delay percentiles, as the HTML report's callback table shows them.
func (c *Callbacks) Lines() []string {
	out := []string{fmt.Sprintf("callbacks: %s; %s anomalies", c.Scope(), FormatCount(c.Counters.Total()))}
	switch c.MissingBasis {
	case MissingFromPushes:
		line := fmt.Sprintf("  missing %s, judged from the pushes (a call that pushed nothing cannot be seen)", FormatCount(c.Counters.Missing))
		if c.Unsettled > 0 {
			line += fmt.Sprintf("; %s calls within the settle time not judged", FormatCount(c.Unsettled))
		}
		out = append(out, line)
	case MissingUnknown:
		out = append(out, "  missing: unknown (nothing told the receiver which calls happened)")
	}
	if pc := c.PlatformClock; pc != nil {
		line := fmt.Sprintf("  platform clock: arrival − timestamp %s to %s over %s records", FormatDuration(pc.Min), FormatDuration(pc.Max), FormatCount(pc.Samples))
		if n := pc.Note(); n != "" {
			line += "; " + n
		}
		out = append(out, line)
	}
	if r := c.FirstRepush; r != nil {
		out = append(out, fmt.Sprintf("  re-push: %s refused first deliveries re-pushed after %s to %s (mean %s; contract %s)",
			FormatCount(r.Count), FormatDuration(r.Min), FormatDuration(r.Max), FormatDuration(r.Mean), FormatDuration(r.Contract)))
	}
	for _, e := range c.Events {
		// The delays are of every push of the type, whatever its scope.
		line := fmt.Sprintf("  %-12s %s  delay p50 %s  p90 %s  p99 %s  max %s", e.Event, FormatCount(e.Count),
			FormatDuration(e.Latency.P50), FormatDuration(e.Latency.P90), FormatDuration(e.Latency.P99), FormatDuration(e.Latency.Max))
		// The accounting of the type, as the HTML table shows it, when there is any to show.
		if e.Expected > 0 || e.Missing > 0 || e.Duplicate > 0 || e.Late > 0 {
			// received is of the load's calls, as expected is; the other pushes beside it.
			recv := FormatCount(e.Received) + " (all pushes)"
			if e.ExpectedReceived != nil {
				recv = FormatCount(*e.ExpectedReceived)
			}
			line += fmt.Sprintf("  expected %s received %s missing %s duplicate %s late %s", FormatCount(e.Expected),
				recv, FormatCount(e.Missing), FormatCount(e.Duplicate), FormatCount(e.Late))
			if o := e.Other(); o != nil {
				line += "  other pushes " + FormatCount(*o)
			}
		}
		out = append(out, line)
	}
	return out
}
