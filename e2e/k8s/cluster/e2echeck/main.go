// Command e2echeck judges what one scenario of `make k8s-e2e` left behind: the shards'
// results on the results volume, the Jobs' pods (as `kubectl get pods -o json` printed them),
// the merged report and the platform's live bindings. It prints one line per check and exits
// 0 when every check passed, 1 when one failed, 2 on bad usage.
//
//	e2echeck sharded   every shard ran with its index and its own numbers; one merged verdict
//	e2echeck partial   one shard was killed: the merge names it and fails (--killed K)
//	e2echeck unreachable  the platform was unreachable: every shard failed, the merge could not check
//	e2echeck leaked    the killed shard left bindings: between 1 and what its journal has open (--journal)
//	e2echeck bindings  the platform holds no binding (after `harness cleanup`)
package main

import (
	"bufio"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"time"

	"sigs.k8s.io/yaml"
)

func main() {
	if len(os.Args) < 2 {
		fmt.Fprintln(os.Stderr, "usage: e2echeck sharded|partial|unreachable|bindings [flags]")
		os.Exit(2)
	}
	c := &checker{out: os.Stdout}
	fs := flag.NewFlagSet(os.Args[1], flag.ContinueOnError)
	fs.StringVar(&c.results, "results", "", "the run's result directory (shard-i/, report/)")
	fs.IntVar(&c.shards, "shards", 0, "N: the shards of the run")
	fs.StringVar(&c.profile, "profile", "", "the load profile the shards used")
	fs.StringVar(&c.mode, "mode", "AXB", "the profile's app the shards bound")
	fs.StringVar(&c.loadPods, "load-pods", "", "kubectl get pods -o json of the load Job")
	fs.StringVar(&c.mergePods, "merge-pods", "", "kubectl get pods -o json of the merge Job")
	fs.StringVar(&c.admin, "platform-admin", "", "the emulator's admin URL (loopback), for its live bindings")
	fs.IntVar(&c.killed, "killed", -1, "partial: the index of the shard that was killed")
	fs.StringVar(&c.shardLog, "shard-log", "", "unreachable: the log of one load pod")
	fs.StringVar(&c.journal, "journal", "", "leaked: the killed shard's bindings.jsonl")
	if err := fs.Parse(os.Args[2:]); err != nil {
		os.Exit(2)
	}
	var err error
	switch os.Args[1] {
	case "sharded":
		err = c.sharded()
	case "partial":
		err = c.partial()
	case "unreachable":
		err = c.unreachable()
	case "bindings":
		err = c.noBindings()
	case "leaked":
		err = c.leaked()
	default:
		err = fmt.Errorf("unknown check %q", os.Args[1])
		fmt.Fprintln(os.Stderr, "e2echeck:", err)
		os.Exit(2)
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "e2echeck:", err)
		os.Exit(2)
	}
	if c.failed > 0 {
		fmt.Printf("   %d check(s) FAILED\n", c.failed)
		os.Exit(1)
	}
}

type checker struct {
	results, profile, mode, loadPods, mergePods, admin, shardLog, journal string
	shards, killed                                                        int
	failed                                                                int
	out                                                                   io.Writer
}

// expect records one check: passed when ok, failed otherwise, with what was seen.
func (c *checker) expect(ok bool, format string, args ...any) bool {
	verdict := "ok  "
	if !ok {
		verdict = "FAIL"
		c.failed++
	}
	fmt.Fprintf(c.out, "   %s %s\n", verdict, fmt.Sprintf(format, args...))
	return ok
}

// ---------------------------------------------------------------------------------------------
// Scenarios

func (c *checker) sharded() error {
	if err := c.needShards(); err != nil {
		return err
	}
	pods, err := readPods(c.loadPods)
	if err != nil {
		return err
	}
	c.checkLoadPods(pods, -1)
	xs, slices, err := c.numbers()
	if err != nil {
		return err
	}
	total, seenX := 0, map[string]int{}
	for i := 0; i < c.shards; i++ {
		total += c.checkShard(i, xs, slices, seenX)
	}
	c.checkMerged(total, fmt.Sprintf("merged (%d shards)", c.shards), []int{0, 99})
	return c.checkBindings()
}

func (c *checker) partial() error {
	if err := c.needShards(); err != nil {
		return err
	}
	if c.killed < 0 || c.killed >= c.shards {
		return fmt.Errorf("--killed must be a shard index below --shards")
	}
	pods, err := readPods(c.loadPods)
	if err != nil {
		return err
	}
	c.checkLoadPods(pods, c.killed)
	xs, slices, err := c.numbers()
	if err != nil {
		return err
	}
	total, seenX := 0, map[string]int{}
	for i := 0; i < c.shards; i++ {
		if i == c.killed {
			_, err := os.Stat(filepath.Join(c.results, fmt.Sprintf("shard-%d", i), "load.json"))
			c.expect(errors.Is(err, os.ErrNotExist), "shard %d (killed) wrote no load.json", i)
			continue
		}
		total += c.checkShard(i, xs, slices, seenX)
	}
	c.checkMerged(total, fmt.Sprintf("merged (%d of %d shards)", c.shards-1, c.shards), []int{1})
	sum, err := os.ReadFile(filepath.Join(c.results, "report", "summary.json"))
	if err == nil {
		missing := fmt.Sprintf("shard %d/%d missing", c.killed, c.shards)
		c.expect(strings.Contains(string(sum), missing), "the merged report's run errors say %q", missing)
	}
	return nil
}

func (c *checker) unreachable() error {
	if err := c.needShards(); err != nil {
		return err
	}
	pods, err := readPods(c.loadPods)
	if err != nil {
		return err
	}
	c.expect(len(pods) == c.shards, "%d load pods ran (want %d)", len(pods), c.shards)
	for _, p := range pods {
		code, done := p.exitCode()
		c.expect(p.Status.Phase == "Failed" && done && code == 3,
			"shard %s: pod %s, exit code %d (want Failed, 3: could not check, target unreachable)", p.index(), p.Status.Phase, code)
	}
	if c.shardLog != "" {
		b, err := os.ReadFile(c.shardLog)
		if err != nil {
			return err
		}
		c.expect(strings.Contains(string(b), "not reachable"), "the shard's log says why: %q", lastLine(string(b)))
	}
	entries, _ := os.ReadDir(c.results)
	c.expect(len(entries) == 0, "no shard wrote a result (%d entries under the run's directory)", len(entries))
	merge, err := readPods(c.mergePods)
	if err != nil {
		return err
	}
	if c.expect(len(merge) == 1, "one merge pod ran (%d)", len(merge)); len(merge) == 1 {
		code, done := merge[0].exitCode()
		c.expect(done && code == 3, "the merge step exited %d (want 3: could not check, no shard wrote a result)", code)
	}
	return nil
}

func (c *checker) noBindings() error {
	n, modes, err := c.liveBindings()
	if err != nil {
		return err
	}
	c.expect(n == 0, "the platform holds %d bindings (%s)", n, modes)
	return nil
}

// leaked: after the other shards finished cleanly, every live binding is the killed shard's.
// There is at least one (it was killed while binding, with --hold keeping each for a while) and
// at most as many as its journal has binds not unbound: bound ones, and binds whose answer the
// kill cut off (the platform may have applied them; an unbind it applied may not have been
// journaled either).
func (c *checker) leaked() error {
	n, modes, err := c.liveBindings()
	if err != nil {
		return err
	}
	f, err := os.Open(c.journal)
	if err != nil {
		return err
	}
	defer f.Close()
	open := map[string]bool{}
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	for sc.Scan() {
		var e struct {
			Op string `json:"op"`
			ID int    `json:"id"`
		}
		if json.Unmarshal(sc.Bytes(), &e) != nil {
			continue // the kill may cut the last line
		}
		switch e.Op {
		case "bind":
			open[strconv.Itoa(e.ID)] = true
		case "gone":
			delete(open, strconv.Itoa(e.ID))
		}
	}
	if err := sc.Err(); err != nil {
		return err
	}
	c.expect(n >= 1 && n <= len(open), "the killed shard left %d bindings on the platform (%s); its journal has %d binds not unbound", n, modes, len(open))
	return nil
}

// ---------------------------------------------------------------------------------------------
// Checks

func (c *checker) needShards() error {
	if c.shards < 1 || c.results == "" {
		return fmt.Errorf("--results and --shards are required")
	}
	return nil
}

// checkLoadPods: one pod per completion index 0..N-1, each succeeded, except the killed one,
// which must have failed.
func (c *checker) checkLoadPods(pods []pod, killed int) {
	byIndex := map[string][]pod{}
	for _, p := range pods {
		byIndex[p.index()] = append(byIndex[p.index()], p)
	}
	c.expect(len(pods) == c.shards, "%d load pods for %d shards", len(pods), c.shards)
	for i := 0; i < c.shards; i++ {
		ps := byIndex[strconv.Itoa(i)]
		if len(ps) != 1 {
			c.expect(false, "completion index %d: %d pods (want 1)", i, len(ps))
			continue
		}
		code, done := ps[0].exitCode()
		if i == killed {
			c.expect(ps[0].Status.Phase == "Failed" && done && code != 0, "completion index %d (killed): pod %s, exit code %d", i, ps[0].Status.Phase, code)
			continue
		}
		c.expect(ps[0].Status.Phase == "Succeeded" && done && code == 0, "completion index %d: pod %s, exit code %d", i, ps[0].Status.Phase, code)
	}
}

// checkShard: shard i's summary says i/N and this run, and every bind it journaled used its
// own X numbers (positions i, i+N, ...) and its own slice of the A and B ranges. It returns the
// shard's requests.
func (c *checker) checkShard(i int, xs map[string]int, slices [2]numRange, seenX map[string]int) int {
	dir := filepath.Join(c.results, fmt.Sprintf("shard-%d", i))
	var s struct {
		Shards []string `json:"shards"`
		Run    struct {
			ID string `json:"id"`
		} `json:"run"`
		Interfaces []struct {
			Count int `json:"count"`
		} `json:"interfaces"`
	}
	if err := readJSON(filepath.Join(dir, "load.json"), &s); err != nil {
		c.expect(false, "shard %d: %v", i, err)
		return 0
	}
	want := fmt.Sprintf("%d/%d", i, c.shards)
	c.expect(len(s.Shards) == 1 && s.Shards[0] == want && s.Run.ID == filepath.Base(c.results),
		"shard %d: load.json is shard %v of run %q (want %s of %q)", i, s.Shards, s.Run.ID, want, filepath.Base(c.results))
	requests := 0
	for _, f := range s.Interfaces {
		requests += f.Count
	}
	binds, bad, err := c.checkJournal(i, filepath.Join(dir, "bindings.jsonl"), xs, slices, seenX)
	if err != nil {
		c.expect(false, "shard %d: %v", i, err)
		return requests
	}
	c.expect(binds > 0 && bad == "", "shard %d: %d binds, every one on its X numbers (position %% %d == %d) and its A/B slices%s",
		i, binds, c.shards, i, bad)
	fmt.Fprintf(c.out, "        shard %d: %d requests\n", i, requests)
	return requests
}

func (c *checker) checkJournal(i int, path string, xs map[string]int, slices [2]numRange, seenX map[string]int) (binds int, bad string, err error) {
	f, err := os.Open(path)
	if err != nil {
		return 0, "", err
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	for sc.Scan() {
		var e struct{ Op, Mode, A, B, X string }
		if err := json.Unmarshal(sc.Bytes(), &e); err != nil {
			return binds, "", fmt.Errorf("%s: %v", path, err)
		}
		if e.Op != "bind" {
			continue
		}
		binds++
		pos, ok := xs[e.X]
		switch {
		case !ok:
			bad = fmt.Sprintf(": X %s is not in the profile", e.X)
		case pos%c.shards != i:
			bad = fmt.Sprintf(": X %s is at position %d, shard %d's", e.X, pos, pos%c.shards)
		case seenX[e.X] != 0 && seenX[e.X] != i+1:
			bad = fmt.Sprintf(": X %s also used by shard %d", e.X, seenX[e.X]-1)
		case !slices[0].shard(i, c.shards).holds(e.A):
			bad = fmt.Sprintf(": A %s is outside shard %d's slice", e.A, i)
		case !slices[1].shard(i, c.shards).holds(e.B):
			bad = fmt.Sprintf(": B %s is outside shard %d's slice", e.B, i)
		}
		seenX[e.X] = i + 1
		if bad != "" {
			return binds, bad, nil
		}
	}
	return binds, "", sc.Err()
}

// checkMerged: the merge pod's exit code is one of want and agrees with the merged report,
// which has one load scenario whose name says `merged` and whose requests are the shards' sum.
func (c *checker) checkMerged(total int, merged string, want []int) {
	pods, err := readPods(c.mergePods)
	if err != nil {
		c.expect(false, "merge pods: %v", err)
		return
	}
	code, done := -1, false
	if c.expect(len(pods) == 1, "one merge pod ran (%d)", len(pods)); len(pods) == 1 {
		code, done = pods[0].exitCode()
	}
	var r struct {
		Verdict struct {
			Status string `json:"status"`
		} `json:"verdict"`
		Load struct {
			Scenarios []struct {
				Name     string `json:"name"`
				Requests int    `json:"requests"`
			} `json:"scenarios"`
		} `json:"load"`
		Thresholds []struct {
			Expression string `json:"expression"`
			Passed     bool   `json:"passed"`
		} `json:"thresholds"`
	}
	if err := readJSON(filepath.Join(c.results, "report", "summary.json"), &r); err != nil {
		c.expect(false, "merged report: %v", err)
		return
	}
	var broken []string
	for _, t := range r.Thresholds {
		if !t.Passed {
			broken = append(broken, t.Expression)
		}
	}
	ok := false
	for _, w := range want {
		ok = ok || (done && code == w)
	}
	agrees := (code == 0) == (r.Verdict.Status == "PASS") && (code == 99) == (len(broken) > 0 && code != 1)
	c.expect(ok && agrees, "the merge step exited %d (want one of %v), verdict %s, thresholds broken: %v", code, want, r.Verdict.Status, broken)
	if code == 99 {
		fmt.Fprintf(c.out, "        note: a global threshold broke (%s): the shards' timing on this busy machine, not the plumbing\n", strings.Join(broken, ", "))
	}
	if !c.expect(len(r.Load.Scenarios) == 1, "the merged report has one load scenario (%d)", len(r.Load.Scenarios)) {
		return
	}
	sc := r.Load.Scenarios[0]
	c.expect(strings.Contains(sc.Name, merged), "it is %s: %q", merged, sc.Name)
	c.expect(sc.Requests == total && total > 0, "its requests (%d) are the sum of the shards' (%d)", sc.Requests, total)
}

// checkBindings: the platform has no live binding (polling briefly: an unbind answered to the
// shard is applied before its answer, so none is in flight once the Jobs are done).
func (c *checker) checkBindings() error { return c.noBindings() }

// liveBindings: how many bindings the emulator holds, and per mode.
func (c *checker) liveBindings() (int, string, error) {
	if c.admin == "" {
		return 0, "", fmt.Errorf("--platform-admin is required")
	}
	u := strings.TrimRight(c.admin, "/") + "/emulator/v1/bindings"
	if !strings.HasPrefix(u, "http://127.") {
		return 0, "", fmt.Errorf("--platform-admin must be on loopback (127.0.0.0/8)")
	}
	cl := &http.Client{Timeout: 10 * time.Second}
	resp, err := cl.Get(u)
	if err != nil {
		return 0, "", fmt.Errorf("platform bindings: %w", err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil || resp.StatusCode != 200 {
		return 0, "", fmt.Errorf("platform bindings: status %d: %v", resp.StatusCode, err)
	}
	var live map[string][]json.RawMessage
	if err := json.Unmarshal(b, &live); err != nil {
		return 0, "", fmt.Errorf("platform bindings: %w", err)
	}
	n, modes := 0, []string{}
	for m, l := range live {
		n += len(l)
		modes = append(modes, fmt.Sprintf("%s=%d", m, len(l)))
	}
	sort.Strings(modes)
	return n, strings.Join(modes, " "), nil
}

// ---------------------------------------------------------------------------------------------
// Inputs

type pod struct {
	Metadata struct {
		Name        string            `json:"name"`
		Annotations map[string]string `json:"annotations"`
	} `json:"metadata"`
	Status struct {
		Phase             string `json:"phase"`
		ContainerStatuses []struct {
			State struct {
				Terminated *struct {
					ExitCode int `json:"exitCode"`
				} `json:"terminated"`
			} `json:"state"`
		} `json:"containerStatuses"`
	} `json:"status"`
}

func (p pod) index() string {
	return p.Metadata.Annotations["batch.kubernetes.io/job-completion-index"]
}

func (p pod) exitCode() (int, bool) {
	if len(p.Status.ContainerStatuses) != 1 || p.Status.ContainerStatuses[0].State.Terminated == nil {
		return -1, false
	}
	return p.Status.ContainerStatuses[0].State.Terminated.ExitCode, true
}

func readPods(path string) ([]pod, error) {
	var l struct{ Items []pod }
	if err := readJSON(path, &l); err != nil {
		return nil, err
	}
	return l.Items, nil
}

func readJSON(path string, v any) error {
	b, err := os.ReadFile(path)
	if err != nil {
		return err
	}
	if err := json.Unmarshal(b, v); err != nil {
		return fmt.Errorf("%s: %w", path, err)
	}
	return nil
}

// numRange is a range of numbers "+86" + 11 digits, as the profile's numbers.a and .b.
type numRange struct{ base, count uint64 }

// shard is the harness's slicing (loadtest/profile.go): N equal contiguous parts, the
// remainder unused.
func (r numRange) shard(i, n int) numRange {
	per := r.count / uint64(n)
	return numRange{base: r.base + uint64(i)*per, count: per}
}

func (r numRange) holds(number string) bool {
	v, err := strconv.ParseUint(strings.TrimPrefix(number, "+86"), 10, 64)
	return err == nil && strings.HasPrefix(number, "+86") && v >= r.base && v < r.base+r.count
}

func parseStart(s string) (uint64, error) {
	if !strings.HasPrefix(s, "+86") {
		return 0, fmt.Errorf("number %q does not start with +86", s)
	}
	return strconv.ParseUint(s[3:], 10, 64)
}

// numbers reads the profile: the position of every X number of the app (xNumbers, then the
// xRanges expanded, in order) and the A and B ranges.
func (c *checker) numbers() (map[string]int, [2]numRange, error) {
	var p struct {
		Apps map[string]struct {
			XNumbers       []string `json:"xNumbers"`
			PausedXNumbers []string `json:"pausedXNumbers"`
			XRanges        []struct {
				From  string `json:"from"`
				Count int    `json:"count"`
			} `json:"xRanges"`
		} `json:"apps"`
		Numbers struct {
			A, B struct {
				Start string `json:"start"`
				Count uint64 `json:"count"`
			}
		} `json:"numbers"`
	}
	var slices [2]numRange
	b, err := os.ReadFile(c.profile)
	if err != nil {
		return nil, slices, err
	}
	if err := yaml.Unmarshal(b, &p); err != nil {
		return nil, slices, fmt.Errorf("%s: %w", c.profile, err)
	}
	app, ok := p.Apps[c.mode]
	if !ok {
		return nil, slices, fmt.Errorf("%s: no app %s", c.profile, c.mode)
	}
	if len(app.PausedXNumbers) > 0 {
		return nil, slices, fmt.Errorf("%s: pausedXNumbers are not supported by this check", c.profile)
	}
	xs := map[string]int{}
	for _, x := range app.XNumbers {
		xs[x] = len(xs)
	}
	for _, r := range app.XRanges {
		base, err := parseStart(r.From)
		if err != nil {
			return nil, slices, err
		}
		for k := 0; k < r.Count; k++ {
			xs["+86"+strconv.FormatUint(base+uint64(k), 10)] = len(xs)
		}
	}
	for j, r := range []struct {
		Start string `json:"start"`
		Count uint64 `json:"count"`
	}{p.Numbers.A, p.Numbers.B} {
		base, err := parseStart(r.Start)
		if err != nil {
			return nil, slices, err
		}
		slices[j] = numRange{base: base, count: r.Count}
	}
	return xs, slices, nil
}

func lastLine(s string) string {
	l := strings.Split(strings.TrimSpace(s), "\n")
	return l[len(l)-1]
}
