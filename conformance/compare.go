package conformance

import (
	"context"
	"fmt"
	"io"
	"sort"
	"strings"
	"text/tabwriter"
)

// Comparison is the fidelity diff of one suite run against a target and one against the
// embedded emulator: the scenarios where the two platforms answered differently, which is
// where the emulator's model of the platform (or the platform) is wrong.
type Comparison struct {
	// Target and Emulator are the two runs.
	Target   *Result `json:"-"`
	Emulator *Result `json:"-"`
	// TargetURL is the compared platform.
	TargetURL string `json:"target"`
	// Compared counts the scenarios that ran on both sides; NotCompared those skipped on at
	// least one (emulator control, an app the target's profile lacks, …).
	Compared    int `json:"compared"`
	NotCompared int `json:"notCompared"`
	// Differences lists the compared scenarios whose outcome or answers differ, in run order.
	Differences []Difference `json:"differences"`
}

// Difference is one scenario on which the target and the emulator disagree. Interfaces are
// those whose answers differ (the first differing answer of each side; when one side's answers
// are a prefix of the other's, the last answer of the shorter side; when the answers agree and
// only the outcome differs, the scenario's interface tags).
type Difference struct {
	Key        string   `json:"key"`
	Interfaces []string `json:"interfaces"`
	Target     Answer   `json:"target"`
	Emulator   Answer   `json:"emulator"`
}

// Answer is what one platform did in a scenario: the scenario's outcome and the answers to
// every request it sent (verification requests of assertion steps included, marked aux).
type Answer struct {
	Status  string        `json:"status"`
	Error   string        `json:"error,omitempty"`
	Answers []Observation `json:"answers"`
}

// String renders the answers as "axb.query 403 1010002; …" and the outcome.
func (a Answer) String() string {
	parts := make([]string, 0, len(a.Answers))
	for _, o := range a.Answers {
		aux := ""
		if o.Aux {
			aux = " (check)"
		}
		parts = append(parts, fmt.Sprintf("%s %d %s%s", orDash(o.Interface), o.Status, orDash(o.ResultCode), aux))
	}
	s := a.Status
	if len(parts) > 0 {
		s += ": " + strings.Join(parts, "; ")
	}
	return s
}

func orDash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}

// Compare runs the suite with o against o.Target and then with the same tags against a fresh
// embedded emulator (its own profile, same assertion regime: the emulator side runs as
// o.Emulator/the profile say the target is), and diffs them scenario by scenario. o.Target must
// be set: comparing the emulator with itself proves nothing.
func Compare(ctx context.Context, o Options) (*Comparison, error) {
	if o.Target == "" {
		return nil, fmt.Errorf("compare: a target is required (the embedded emulator is the other side)")
	}
	tres, err := Run(ctx, o)
	if err != nil {
		return nil, fmt.Errorf("target run: %w", err)
	}
	if ctx.Err() != nil {
		return nil, ctx.Err()
	}
	e := o
	e.Target, e.OutDir, e.HTTPClient, e.Pushes = "", "", nil, nil
	targetIsEmulator := o.Emulator || (o.Profile != nil && o.Profile.Emulator)
	p := EmulatorProfile()
	p.Emulator = targetIsEmulator
	e.Profile, e.Emulator = p, targetIsEmulator
	eres, err := Run(ctx, e)
	if err != nil {
		return nil, fmt.Errorf("emulator run: %w", err)
	}
	c := Diff(tres, eres)
	c.TargetURL = o.Target
	return c, nil
}

// Diff compares two results scenario by scenario. A scenario is compared when it ran (passed
// or failed) on both sides; it differs when the outcomes differ or the answers to its own
// requests (interface, HTTP status, resultcode) differ.
func Diff(target, emu *Result) *Comparison {
	c := &Comparison{Target: target, Emulator: emu, TargetURL: target.Target}
	byKey := map[string]ScenarioResult{}
	for _, s := range emu.Scenarios {
		byKey[s.Key] = s
	}
	for _, t := range target.Scenarios {
		m, ok := byKey[t.Key]
		if !ok || !judged(t) || !judged(m) {
			c.NotCompared++
			continue
		}
		c.Compared++
		ta, ma := answerOf(t), answerOf(m)
		if ta.Status == ma.Status && sameAnswers(ta.Answers, ma.Answers) {
			continue
		}
		c.Differences = append(c.Differences, Difference{Key: t.Key, Interfaces: differing(ta.Answers, ma.Answers, t.Tags), Target: ta, Emulator: ma})
	}
	return c
}

// judged tells whether a scenario ran to a judgement: a difference from an emulator decision
// or a known difference is a failed assertion that does not fail the verdict, and is compared
// like one.
func judged(s ScenarioResult) bool {
	return s.Status != "skipped" || s.State == StateDiffers || s.State == StateKnownDifference
}

func answerOf(s ScenarioResult) Answer {
	a := Answer{Status: s.Status, Answers: []Observation{}}
	if s.State == StateDiffers || s.State == StateKnownDifference {
		a.Status = StateFailed // to godog a skipped step; here the assertion that did not hold
		a.Error, _, _ = strings.Cut(s.Reason, "\n")
		a.Answers = append(a.Answers, s.Observations...)
		return a
	}
	if s.Status != "passed" {
		a.Error, _, _ = strings.Cut(s.Error, "\n")
	}
	a.Answers = append(a.Answers, s.Observations...)
	return a
}

// differing names the interfaces where two answer sequences part (see Difference).
func differing(a, b []Observation, tags []string) []string {
	n := min(len(a), len(b))
	set := map[string]bool{}
	for i := 0; i < n; i++ {
		if a[i] != b[i] {
			set[a[i].Interface], set[b[i].Interface] = true, true
			break
		}
	}
	if len(set) == 0 && len(a) != len(b) && n > 0 {
		set[a[n-1].Interface] = true
	}
	var out []string
	for i := range set {
		if i != "" {
			out = append(out, i)
		}
	}
	if len(out) == 0 {
		return interfacesOf(tags)
	}
	sort.Strings(out)
	return out
}

func sameAnswers(a, b []Observation) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

// interfacesOf returns the interface tags (@axb.bind, …) of a scenario, without the @.
func interfacesOf(tags []string) []string {
	var out []string
	for _, t := range tags {
		name := strings.TrimPrefix(t, "@")
		if _, ok := Rules[name]; ok {
			out = append(out, name)
		}
	}
	sort.Strings(out)
	return out
}

// DifferingInterfaces returns the interfaces of the differing scenarios, sorted.
func (c *Comparison) DifferingInterfaces() []string {
	seen := map[string]bool{}
	var out []string
	for _, d := range c.Differences {
		for _, i := range d.Interfaces {
			if !seen[i] {
				seen[i] = true
				out = append(out, i)
			}
		}
	}
	sort.Strings(out)
	return out
}

// WriteTable writes the differences side by side, then a one-line summary.
func (c *Comparison) WriteTable(w io.Writer) error {
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	if len(c.Differences) > 0 {
		fmt.Fprintf(tw, "SCENARIO\tTARGET\tEMULATOR\n")
		for _, d := range c.Differences {
			fmt.Fprintf(tw, "%s\t%s\t%s\n", d.Key, d.Target, d.Emulator)
		}
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	_, err := fmt.Fprintf(w, "fidelity: %d of %d compared scenarios differ between %s and the emulator (%d not compared: skipped on one side)\n",
		len(c.Differences), c.Compared, c.TargetURL, c.NotCompared)
	return err
}
