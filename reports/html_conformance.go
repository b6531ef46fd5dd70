package reports

// This file is the view of the conformance section: its counts, scenarios and coverage
// rows per interface. It was split from html.go (issue 23), one file per section's view.

type confView struct {
	// CovByIface is the per-interface summary shown above the collapsed coverage matrix.
	CovByIface []covIfaceRow
	Rows       []ifaceRow
	Total      ifaceRow
	Scenarios  []Scenario
	Failures   []Scenario
	// Differences are the known differences and differences from emulator decisions, shown
	// on the first page with their reasons; Stale the known-differences entries that
	// excused nothing.
	Differences []Scenario
	Stale       []string
	Coverage    []CoverageRow
	CovCount    map[string]int
	Duration    string
}

// covIfaceRow summarizes the coverage matrix of one interface.
type covIfaceRow struct {
	Interface             string
	Rules, RulesCovered   int
	Codes, CodesCovered   int
	NotReachable, Missing int
	// NotChecked are the covered rules and codes not checked on this target.
	NotChecked int
}

func buildConf(c *Conformance) *confView {
	cv := &confView{Scenarios: c.Scenarios, Coverage: c.Coverage, CovCount: map[string]int{}}
	if c.Duration > 0 {
		cv.Duration = FormatDuration(c.Duration)
	}
	counts := c.Interfaces
	if len(counts) == 0 && len(c.Scenarios) > 0 {
		counts = CountByInterface(c.Scenarios)
	}
	for _, ic := range counts {
		r := ifaceRow{InterfaceCounts: ic, All: ic.Total()}
		cv.Total.Passed += ic.Passed
		cv.Total.Failed += ic.Failed
		cv.Total.Skipped += ic.Skipped
		cv.Total.Differences += ic.Differences
		cv.Total.Undefined += ic.Undefined
		setWidths(&r)
		cv.Rows = append(cv.Rows, r)
	}
	cv.Total.Interface = "total"
	cv.Total.All = cv.Total.InterfaceCounts.Total()
	setWidths(&cv.Total)
	cv.Stale = c.Stale
	for _, sc := range c.Scenarios {
		if sc.Status == StatusFailed || sc.Status == StatusUndefined {
			cv.Failures = append(cv.Failures, sc)
		}
		if sc.State == StateKnownDifference || sc.State == StateDiffers {
			cv.Differences = append(cv.Differences, sc)
		}
	}
	byIface := map[string]*covIfaceRow{}
	for _, r := range c.Coverage {
		cv.CovCount[r.Status]++
		row := byIface[r.Interface]
		if row == nil {
			row = &covIfaceRow{Interface: r.Interface}
			byIface[r.Interface] = row
			cv.CovByIface = append(cv.CovByIface, covIfaceRow{Interface: r.Interface})
		}
		covered := r.Status == CoverageCovered
		if r.Kind == KindRule {
			row.Rules++
			if covered {
				row.RulesCovered++
			}
		} else {
			row.Codes++
			if covered {
				row.CodesCovered++
			}
		}
		switch r.Status {
		case CoverageNotReachable:
			row.NotReachable++
		case CoverageMissing:
			row.Missing++
		case CoverageNotChecked:
			row.NotChecked++
		}
	}
	for i := range cv.CovByIface {
		cv.CovByIface[i] = *byIface[cv.CovByIface[i].Interface]
	}
	return cv
}
