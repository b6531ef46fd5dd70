package main

import (
	"fmt"
	"io"
	"sort"
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

// printBlockReplies writes the replies the receiver gave Block requests (X-mode callin, SMS
// control) as one line, so that a user sees what the platform was told. Nothing when none.
func printBlockReplies(w io.Writer, replies map[string]int64) {
	if len(replies) == 0 {
		return
	}
	keys := make([]string, 0, len(replies))
	for k := range replies {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	parts := make([]string, 0, len(keys))
	for _, k := range keys {
		parts = append(parts, fmt.Sprintf("%s ×%d", k, replies[k]))
	}
	fmt.Fprintf(w, "block replies: %s\n", strings.Join(parts, "; "))
}
