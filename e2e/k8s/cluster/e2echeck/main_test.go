package main

import (
	"bytes"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

const testProfile = `apps:
  AXB:
    appKey: k
    xNumbers: ["+8617000000009"]
    xRanges:
      - {from: "+8617001100000", count: 5}
numbers:
  a: {start: "+8613400000000", count: 100}
  b: {start: "+8613500000000", count: 100}
`

// fixture writes a two-shard run: shard i binds X positions i, i+2 and A/B from its slice,
// unless bad[i] names a replacement journal line.
func fixture(t *testing.T, bad map[int]string, mergeExit int, mergedRequests int) *checker {
	t.Helper()
	dir := t.TempDir()
	results := filepath.Join(dir, "run-1")
	write := func(name, body string) string {
		p := filepath.Join(dir, name)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	// X positions: 0 = +8617000000009, 1.. = the range.
	xs := []string{"+8617000000009", "+8617001100000", "+8617001100001", "+8617001100002"}
	var pods []string
	for i := 0; i < 2; i++ {
		write(fmt.Sprintf("run-1/shard-%d/load.json", i), fmt.Sprintf(
			`{"shards":["%d/2"],"run":{"id":"run-1"},"interfaces":[{"count":3},{"count":2}]}`, i))
		journal := fmt.Sprintf(`{"op":"run"}
{"op":"bind","mode":"AXB","a":"+86134000000%02d","b":"+86135000000%02d","x":"%s"}
{"op":"bind","mode":"AXB","a":"+86134000000%02d","b":"+86135000000%02d","x":"%s"}
`, i*50, i*50, xs[i], i*50+1, i*50+1, xs[i+2])
		if l, ok := bad[i]; ok {
			journal += l + "\n"
		}
		write(fmt.Sprintf("run-1/shard-%d/bindings.jsonl", i), journal)
		pods = append(pods, fmt.Sprintf(`{"metadata":{"annotations":{"batch.kubernetes.io/job-completion-index":"%d"}},"status":{"phase":"Succeeded","containerStatuses":[{"state":{"terminated":{"exitCode":0}}}]}}`, i))
	}
	status := "PASS"
	if mergeExit != 0 {
		status = "FAIL"
	}
	write("run-1/report/summary.json", fmt.Sprintf(
		`{"verdict":{"status":%q},"load":{"scenarios":[{"name":"run-1 axb-bind-unbind merged (2 shards)","requests":%d}]},"thresholds":[]}`,
		status, mergedRequests))
	platform := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprint(w, `{"axb":[],"ax":[],"axe":[]}`)
	}))
	t.Cleanup(platform.Close)
	return &checker{
		results: results, shards: 2, mode: "AXB", killed: -1,
		profile:   write("profile.yaml", testProfile),
		loadPods:  write("load.json", `{"items":[`+strings.Join(pods, ",")+`]}`),
		mergePods: write("merge.json", fmt.Sprintf(`{"items":[{"status":{"phase":"Succeeded","containerStatuses":[{"state":{"terminated":{"exitCode":%d}}}]}}]}`, mergeExit)),
		admin:     platform.URL,
		out:       &bytes.Buffer{},
	}
}

func TestShardedPassesOnAConsistentRun(t *testing.T) {
	c := fixture(t, nil, 0, 10)
	if err := c.sharded(); err != nil {
		t.Fatal(err)
	}
	if c.failed != 0 {
		t.Fatalf("%d checks failed:\n%s", c.failed, c.out)
	}
}

func TestShardedFailsOnEachBrokenPromise(t *testing.T) {
	for name, tc := range map[string]struct {
		bad       map[int]string
		exit      int
		requests  int
		wantInOut string
	}{
		"another shard's X": {bad: map[int]string{0: `{"op":"bind","a":"+8613400000002","b":"+8613500000002","x":"+8617001100000"}`},
			exit: 0, requests: 10, wantInOut: "X +8617001100000 is at position 1, shard 1's"},
		"A outside the slice": {bad: map[int]string{1: `{"op":"bind","a":"+8613400000002","b":"+8613500000052","x":"+8617001100002"}`},
			exit: 0, requests: 10, wantInOut: "A +8613400000002 is outside shard 1's slice"},
		"an X not in the profile": {bad: map[int]string{1: `{"op":"bind","a":"+8613400000052","b":"+8613500000052","x":"+8617009999999"}`},
			exit: 0, requests: 10, wantInOut: "is not in the profile"},
		"merged requests are not the sum":      {exit: 0, requests: 9, wantInOut: "its requests (9) are the sum of the shards' (10)"},
		"exit code disagrees with the verdict": {exit: 1, requests: 10, wantInOut: "the merge step exited 1"},
	} {
		t.Run(name, func(t *testing.T) {
			c := fixture(t, tc.bad, tc.exit, tc.requests)
			if err := c.sharded(); err != nil {
				t.Fatal(err)
			}
			out := c.out.(*bytes.Buffer).String()
			if c.failed == 0 || !strings.Contains(out, "FAIL") || !strings.Contains(out, tc.wantInOut) {
				t.Fatalf("want a failed check saying %q, got %d failed:\n%s", tc.wantInOut, c.failed, out)
			}
		})
	}
}

func TestBindingsFailsWhenThePlatformHoldsOne(t *testing.T) {
	platform := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprint(w, `{"axb":[{"subscriptionId":"s1"}],"ax":[],"axe":[]}`)
	}))
	defer platform.Close()
	c := &checker{admin: platform.URL, out: &bytes.Buffer{}}
	if err := c.noBindings(); err != nil {
		t.Fatal(err)
	}
	if c.failed != 1 || !strings.Contains(c.out.(*bytes.Buffer).String(), "holds 1 bindings (ax=0 axb=1 axe=0)") {
		t.Fatalf("want one failed check, got %d:\n%s", c.failed, c.out)
	}
}

func TestLeakedIsBetweenOneAndTheJournalsOpenBindings(t *testing.T) {
	journal := filepath.Join(t.TempDir(), "bindings.jsonl")
	// ids 0, 1, 2 bound, 1 unbound, 3 sent without an answer: 3 may be live; the last line was
	// cut by the kill.
	body := `{"op":"run"}
{"op":"bind","x":"+8617001100000"}
{"op":"bound","x":"+8617001100000","sub":"s0"}
{"op":"bind","id":1,"x":"+8617001100002"}
{"op":"bound","id":1,"x":"+8617001100002","sub":"s1"}
{"op":"bind","id":2,"x":"+8617001100004"}
{"op":"bound","id":2,"x":"+8617001100004","sub":"s2"}
{"op":"gone","id":1}
{"op":"bind","id":3,"x":"+8617001100006"}
{"op":"go`
	if err := os.WriteFile(journal, []byte(body), 0o644); err != nil {
		t.Fatal(err)
	}
	for live, wantFailed := range map[int]int{0: 1, 1: 0, 3: 0, 4: 1} {
		platform := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			fmt.Fprintf(w, `{"axb":[%s],"ax":[],"axe":[]}`, strings.TrimSuffix(strings.Repeat(`{},`, live), ","))
		}))
		c := &checker{admin: platform.URL, journal: journal, out: &bytes.Buffer{}}
		err := c.leaked()
		platform.Close()
		if err != nil {
			t.Fatal(err)
		}
		if c.failed != wantFailed {
			t.Errorf("%d live bindings, 3 open in the journal: %d failed checks, want %d:\n%s", live, c.failed, wantFailed, c.out)
		}
	}
}
