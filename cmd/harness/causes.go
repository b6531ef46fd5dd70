package main

import (
	"fmt"
	"io"
	"strings"

	"github.com/pns-harness/pns-harness/reports"
)

// printCauses writes the cause table of a receiver's report as one line: each stateCode the
// calls' disconnects carried, with its count and the contract's meaning (reference §7.7), so
// that a user sees at a glance why calls ended. Nothing when no disconnect arrived.
func printCauses(w io.Writer, causes []reports.CallbackCause) {
	if len(causes) == 0 {
		return
	}
	parts := make([]string, 0, len(causes))
	for _, c := range causes {
		meaning := c.Meaning
		if !c.Listed {
			meaning = "not in the contract's cause table"
		}
		parts = append(parts, fmt.Sprintf("%s (%s) ×%d", c.Code, meaning, c.Count))
	}
	fmt.Fprintf(w, "hang-up causes: %s\n", strings.Join(parts, "; "))
}
