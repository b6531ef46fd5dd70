package loadtest

import (
	"strings"
	"testing"
)

// TestCausePickerShare: of n calls exactly ⌊n × share⌋ are forced, and the forced ones take
// the causes in turn.
func TestCausePickerShare(t *testing.T) {
	p := newCausePicker(Step{Op: OpCall, Causes: []int{8017, 7503}, CauseShare: 0.5})
	var got []int
	for range 8 {
		if c, ok := p.next(); ok {
			got = append(got, c)
		} else {
			got = append(got, 0)
		}
	}
	if want := []int{0, 8017, 0, 7503, 0, 8017, 0, 7503}; !equalInts(got, want) {
		t.Errorf("picks %v, want %v", got, want)
	}
	all := newCausePicker(Step{Op: OpCall, Causes: []int{8102}})
	for i := range 3 {
		if c, ok := all.next(); !ok || c != 8102 {
			t.Errorf("call %d without causeShare: %d %v, want 8102", i, c, ok)
		}
	}
	if c, ok := newCausePicker(Step{Op: OpCall}).next(); ok {
		t.Errorf("a step without causes forced %d", c)
	}
	third := newCausePicker(Step{Op: OpCall, Causes: []int{8102}, CauseShare: 1.0 / 3})
	forced := 0
	for range 300 {
		if _, ok := third.next(); ok {
			forced++
		}
	}
	if forced != 100 {
		t.Errorf("share 1/3 of 300 calls: %d forced, want 100", forced)
	}
}

func equalInts(a, b []int) bool {
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

// TestWorkloadCausesErrors: every misuse of causes is refused with a message naming the step.
func TestWorkloadCausesErrors(t *testing.T) {
	const head = "rate: 5\nflows:\n  - name: f\n    mode: axb\n    share: 1\n    steps:\n      - op: bind\n"
	for _, c := range []struct{ steps, want string }{
		{"      - op: call\n        causes: [9999]\n", `workload: flow "f": steps[1]: causes: 9999 is not a hang-up cause of the contract's table (reference §7.7)`},
		{"      - op: query\n        causes: [8017]\n", `workload: flow "f": steps[1]: causes: only a call step forces hang-up causes, not query`},
		{"      - op: call\n        causeShare: 0.5\n", `workload: flow "f": steps[1]: causeShare without causes: name the hang-up causes to force`},
		{"      - op: call\n        causes: [8017]\n        causeShare: 1.5\n", `workload: flow "f": steps[1]: causeShare 1.5 outside 0-1 (0 or absent: every call)`},
		{"      - op: call\n        causes: [8017]\n      - op: stop\n", `workload: flow "f": steps[1]: causes and a stop step exclude each other in one flow: a forced cause ends the call the stop would stop`},
	} {
		_, err := ParseWorkload([]byte(head + c.steps + "      - op: unbind\n"))
		if err == nil || err.Error() != c.want {
			t.Errorf("%s: got %v\nwant %s", strings.TrimSpace(c.steps), err, c.want)
		}
	}
	if _, err := ParseWorkload([]byte(head + "      - op: call\n        causes: [8017, 7503]\n        causeShare: 0.25\n      - op: unbind\n")); err != nil {
		t.Errorf("a valid call step with causes: %v", err)
	}
}
