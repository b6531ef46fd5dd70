package main

import (
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/pns-harness/pns-harness/pns"
	"github.com/pns-harness/pns-harness/profile"
)

// planLoad chooses the bind rate of each mode's load and prints the plan with its reasons. An
// explicit rate is kept and refused, with the arithmetic, when the mode's X numbers or the
// platform's flow control cannot carry it; the default rate is lowered to what fits
// (profile.FitRate) and the plan says which limit decided. The lockout is no limit of a load
// with good credentials; a refused signature stops the run (pns.RefusalLimit), as printed.
func planLoad(w io.Writer, prof *profile.Profile, modes []pns.Mode, rate float64, dur, hold time.Duration, explicit bool, maxRate float64) (map[pns.Mode]float64, error) {
	rates := map[pns.Mode]float64{}
	for _, m := range modes {
		_, a := prof.AppFor(m)
		c := profile.CapacityOf(m, a)
		fmt.Fprintf(w, "capacity %s\n", c.String(hold))
		if explicit {
			if err := c.Check(rate, hold); err != nil {
				return nil, fmt.Errorf("%w (without --rate and load.rate the run chooses a rate that fits)", err)
			}
			if err := profile.CheckFlowControl(m, rate, prof.FlowControl); err != nil {
				return nil, err
			}
			rates[m] = rate
			fmt.Fprintf(w, "load plan %s: %g binds/s (as given) for %s, hold %s: about %.0f sessions\n", m, rate, dur, hold, rate*dur.Seconds())
			continue
		}
		f := profile.FitRate(c, rate, hold, prof.FlowControl, maxRate)
		if f.Rate <= 0 {
			return nil, fmt.Errorf("%s: no bind rate fits this platform: %s", m, strings.Join(f.Reasons, "; "))
		}
		rates[m] = f.Rate
		line := fmt.Sprintf("load plan %s: %g binds/s for %s, hold %s: about %.0f sessions", m, f.Rate, dur, hold, f.Rate*dur.Seconds())
		if len(f.Reasons) > 0 {
			line += fmt.Sprintf(" (the default %g/s is lowered: %s)", rate, strings.Join(f.Reasons, "; "))
		}
		fmt.Fprintln(w, line)
	}
	lock := "not stated in the profile, assumed 10 failures within 60s"
	if prof.Lockout.Failures > 0 {
		lock = fmt.Sprintf("%d failures within %s", prof.Lockout.Failures, time.Duration(prof.Lockout.Window))
	}
	fmt.Fprintf(w, "lockout: %s; a refused signature stops the run after %d refusals\n", lock, pns.RefusalLimit(prof.Lockout.Failures))
	return rates, nil
}

// ratesString lists the bind rate of each mode, for the manifest.
func ratesString(modes []pns.Mode, rates map[pns.Mode]float64) string {
	parts := make([]string, 0, len(modes))
	for _, m := range modes {
		if r, ok := rates[m]; ok {
			parts = append(parts, fmt.Sprintf("%s %g/s", m, r))
		}
	}
	return strings.Join(parts, ", ")
}
