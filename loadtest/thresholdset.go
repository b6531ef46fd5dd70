package loadtest

// This file is the one entry point of the threshold language for every subcommand: a
// subcommand's --threshold expressions go into a ThresholdSet, which parses each in the one
// grammar and keeps it with the results that judge it (the registry's Judge), so that the
// dispatch between load and callback metrics is written once and an unknown metric is
// refused while the flags are parsed.

// ThresholdSet is a subcommand's thresholds, split by the results that judge them.
type ThresholdSet struct {
	// Load are the thresholds evaluated on a load's result.
	Load []Threshold
	// Callback are the expressions of the thresholds evaluated on the callback receiver's
	// results (assemble.CallbackThresholds evaluates them), each parsed once already.
	Callback []string
}

// Add parses expr and keeps it with the results that judge it. A callback metric
// (callback.…) is parsed in the callback grammar and judged on the receiver's results; every
// other metric is parsed by ParseThreshold and judged on a load's result.
func (s *ThresholdSet) Add(expr string) error {
	if JudgeOf(expr) == JudgedOnCallbacks {
		return s.AddCallback(expr)
	}
	t, err := ParseThreshold(expr)
	if err != nil {
		return err
	}
	s.Load = append(s.Load, t)
	return nil
}

// AddCallback parses expr as a callback threshold only, for a subcommand that judges
// nothing else (`harness receive`): any other metric is refused by the callback grammar.
func (s *ThresholdSet) AddCallback(expr string) error {
	if _, err := ParseCallbackThreshold(expr); err != nil {
		return err
	}
	s.Callback = append(s.Callback, expr)
	return nil
}

// JudgeOf says which results judge expr, from the registry: the callback family owns every
// expression that starts with its prefix, the load families the rest.
func JudgeOf(expr string) Judge {
	if IsCallbackThreshold(expr) {
		return JudgedOnCallbacks
	}
	return JudgedOnLoad
}

// ParseThresholdSet parses every expression into one set, stopping at the first error.
func ParseThresholdSet(exprs []string) (ThresholdSet, error) {
	var s ThresholdSet
	for _, e := range exprs {
		if err := s.Add(e); err != nil {
			return ThresholdSet{}, err
		}
	}
	return s, nil
}
