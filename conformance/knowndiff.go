package conformance

import (
	"errors"
	"fmt"
	"os"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/pns-harness/pns-harness/conformance/results"
	"github.com/pns-harness/pns-harness/internal/yamlx"
)

// KnownDifferences is a user's list of accepted differences between their platform and the
// suite (harness conform --known-differences FILE), modelled on Kubernetes conformance skips
// and ceph s3-tests' fails_on_aws: a failure an entry matches is reported as a known
// difference with the entry's reason instead of failing the verdict. An entry that matched no
// failure of the run, or whose expiry date has passed, is stale: the difference it excuses is
// gone (or its time is up), and `--strict` fails the run until the file is updated.
type KnownDifferences struct {
	// Path is the file the entries came from (for messages).
	Path    string            `yaml:"-" json:"path"`
	Entries []KnownDifference `yaml:"differences" json:"differences"`

	mu      sync.Mutex
	matched []int
}

// KnownDifference is one entry of a known-differences file.
type KnownDifference struct {
	// Scenario names the scenario: "file.feature:LINE" (the line of its Scenario keyword, or
	// of its Examples row), "file.feature:Scenario name" or the scenario name alone.
	Scenario string `yaml:"scenario,omitempty" json:"scenario,omitempty"`
	// Rule names every scenario carrying a tag instead: "@rule:business:x-reuse",
	// "@code:1012001" or "@decision:D41".
	Rule string `yaml:"rule,omitempty" json:"rule,omitempty"`
	// ResultCode, when set, limits the entry to failures where the platform's last answer
	// carried this resultcode.
	ResultCode string `yaml:"resultcode,omitempty" json:"resultcode,omitempty"`
	// Reason says why the difference is accepted; it is printed with every match.
	Reason string `yaml:"reason" json:"reason"`
	// Expires (YYYY-MM-DD), when set, is the last day the entry excuses a failure.
	Expires string `yaml:"expires,omitempty" json:"expires,omitempty"`

	expires time.Time // the day after Expires, 00:00 UTC; zero without an expiry
}

// StaleDifference is a known-differences entry that excused nothing in a run
// (results.StaleDifference).
type StaleDifference = results.StaleDifference

// LoadKnownDifferences reads and checks a known-differences file. Every problem is an error
// naming the file and the entry: a file that silently excuses too much or too little would
// make the verdict wrong.
func LoadKnownDifferences(path string) (*KnownDifferences, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("known differences: %w", err)
	}
	k, err := ParseKnownDifferences(data)
	if err != nil {
		return nil, fmt.Errorf("known differences %s: %w", path, err)
	}
	k.Path = path
	return k, nil
}

// ParseKnownDifferences decodes a known-differences document (unknown keys are errors).
func ParseKnownDifferences(data []byte) (*KnownDifferences, error) {
	var k KnownDifferences
	if err := yamlx.DecodeStrict(data, &k); err != nil {
		return nil, err
	}
	if len(k.Entries) == 0 {
		return nil, errors.New(`no entries under "differences"`)
	}
	for i := range k.Entries {
		e := &k.Entries[i]
		n := i + 1
		switch {
		case e.Scenario == "" && e.Rule == "":
			return nil, fmt.Errorf("entry %d: name a scenario (scenario:) or a tag (rule:)", n)
		case e.Scenario != "" && e.Rule != "":
			return nil, fmt.Errorf("entry %d: scenario: and rule: both set; write one entry for each", n)
		case strings.TrimSpace(e.Reason) == "":
			return nil, fmt.Errorf("entry %d (%s): reason: is required (why the difference is accepted)", n, e.name())
		case e.Rule != "" && !strings.HasPrefix(e.Rule, "@"):
			return nil, fmt.Errorf("entry %d: rule %q: want a tag with its @, e.g. @rule:business:x-reuse", n, e.Rule)
		}
		if e.ResultCode != "" {
			if _, err := strconv.ParseUint(e.ResultCode, 10, 64); err != nil {
				return nil, fmt.Errorf("entry %d (%s): resultcode %q: want digits, e.g. \"1012001\"", n, e.name(), e.ResultCode)
			}
		}
		if e.Expires != "" {
			d, err := time.Parse(time.DateOnly, e.Expires)
			if err != nil {
				return nil, fmt.Errorf("entry %d (%s): expires %q: want a date YYYY-MM-DD", n, e.name(), e.Expires)
			}
			e.expires = d.AddDate(0, 0, 1)
		}
	}
	k.matched = make([]int, len(k.Entries))
	return &k, nil
}

func (e *KnownDifference) name() string {
	if e.Scenario != "" {
		return "scenario " + e.Scenario
	}
	return "rule " + e.Rule
}

// expired tells whether the entry's last day is before now.
func (e *KnownDifference) expired(now time.Time) bool {
	return !e.expires.IsZero() && !now.Before(e.expires)
}

// scenarioRef is what an entry can name a scenario by.
type scenarioRef struct {
	key, feature, name string
	lines              []int
	tags               map[string]bool
}

func (e *KnownDifference) names(s scenarioRef) bool {
	if e.Rule != "" {
		return s.tags[e.Rule]
	}
	if e.Scenario == s.key || e.Scenario == s.name {
		return true
	}
	f, line, ok := strings.Cut(e.Scenario, ":")
	if !ok || f != s.feature {
		return false
	}
	n, err := strconv.Atoi(line)
	if err != nil {
		return false
	}
	for _, l := range s.lines {
		if l == n {
			return true
		}
	}
	return false
}

// match returns the first unexpired entry that accepts a failure of s whose last answer
// carried resultCode, and counts the match; nil when none does. k may be nil.
func (k *KnownDifferences) match(s scenarioRef, resultCode string, now time.Time) *KnownDifference {
	if k == nil {
		return nil
	}
	for i := range k.Entries {
		e := &k.Entries[i]
		if e.expired(now) || !e.names(s) || (e.ResultCode != "" && e.ResultCode != resultCode) {
			continue
		}
		k.mu.Lock()
		k.matched[i]++
		k.mu.Unlock()
		return e
	}
	return nil
}

// stale lists the entries that excused nothing: expired ones and those no failure matched.
func (k *KnownDifferences) stale(now time.Time) []StaleDifference {
	if k == nil {
		return nil
	}
	k.mu.Lock()
	defer k.mu.Unlock()
	var out []StaleDifference
	for i := range k.Entries {
		e := &k.Entries[i]
		switch {
		case e.expired(now):
			out = append(out, StaleDifference{Entry: e.name(), Why: "expired on " + e.Expires + " (its failures count as failed again)"})
		case k.matched[i] == 0:
			out = append(out, StaleDifference{Entry: e.name(), Why: "matched no failure in this run (fixed on the platform, renamed, or not selected): remove or correct the entry"})
		}
	}
	return out
}
