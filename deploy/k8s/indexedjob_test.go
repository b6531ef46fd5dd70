package k8s_test

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"maps"
	"math"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/prometheus/common/expfmt"
	"github.com/prometheus/common/model"
	vegeta "github.com/tsenart/vegeta/v12/lib"
	corev1 "k8s.io/api/core/v1"

	"github.com/pns-harness/pns-harness/loadtest"
	"github.com/pns-harness/pns-harness/pns"
	"github.com/pns-harness/pns-harness/reports"
)

// buildHarness builds the harness binary the Job's image runs.
func buildHarness(t *testing.T) string {
	t.Helper()
	goBin, err := exec.LookPath("go")
	if err != nil {
		t.Skip("no go toolchain on PATH to build the harness binary")
	}
	bin := filepath.Join(t.TempDir(), "harness")
	cmd := exec.Command(goBin, "build", "-o", bin, "github.com/pns-harness/pns-harness/cmd/harness")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	return bin
}

// startEmulator runs the demo Deployment's emulator container (its exact args, e.g.
// --platform-only: TLS, flow control and lockout on, no admin API on the platform port) on a
// free loopback port instead of 0.0.0.0:8443, plus --admin-listen on loopback so that the test
// can read the emulator's own counters. It returns the platform URL and the admin base URL.
func startEmulator(t *testing.T, bin string, c corev1.Container) (target, admin string) {
	t.Helper()
	args := slices.Clone(c.Args)
	i := slices.Index(args, "--listen")
	if i < 0 || i+1 >= len(args) {
		t.Fatalf("emulator args %v: no --listen ADDRESS", c.Args)
	}
	args[i+1] = "127.0.0.1:0" // the traffic rule: loopback only
	args = append(args, "--admin-listen", "127.0.0.1:0")
	cmd := exec.Command(bin, args...)
	stderr, err := cmd.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	type urls struct{ target, admin string }
	urlc := make(chan urls, 1)
	var logs bytes.Buffer
	var mu sync.Mutex
	go func() {
		sc := bufio.NewScanner(stderr)
		for sc.Scan() {
			line := sc.Text()
			mu.Lock()
			logs.WriteString(line + "\n")
			mu.Unlock()
			if strings.Contains(line, "emulator listening") {
				var u urls
				for _, f := range strings.Fields(line) {
					if v, ok := strings.CutPrefix(f, "url="); ok {
						u.target = v
					}
					if v, ok := strings.CutPrefix(f, "admin="); ok {
						u.admin = strings.TrimSuffix(v, "/emulator/v1/")
					}
				}
				urlc <- u
			}
		}
		close(urlc)
	}()
	t.Cleanup(func() {
		_ = cmd.Process.Signal(os.Interrupt)
		_ = cmd.Wait()
	})
	u, ok := <-urlc
	if !ok || u.target == "" || u.admin == "" {
		mu.Lock()
		defer mu.Unlock()
		t.Fatalf("emulator %v did not report its platform and admin addresses:\n%s", args, logs.String())
	}
	return u.target, u.admin
}

// kubeletPaths maps the container's mount paths onto directories under root, writing the
// files of ConfigMap volumes there, as the kubelet would mount them.
func kubeletPaths(t *testing.T, r *rendered, pod corev1.PodSpec, c corev1.Container, root string) map[string]string {
	t.Helper()
	vols := map[string]corev1.Volume{}
	for _, v := range pod.Volumes {
		vols[v.Name] = v
	}
	paths := map[string]string{}
	for _, m := range c.VolumeMounts {
		v, ok := vols[m.Name]
		if !ok {
			t.Fatalf("container %s mounts undeclared volume %s", c.Name, m.Name)
		}
		local := filepath.Join(root, filepath.FromSlash(m.MountPath))
		if err := os.MkdirAll(local, 0o755); err != nil {
			t.Fatal(err)
		}
		if v.ConfigMap != nil {
			cm := r.configMaps[v.ConfigMap.Name]
			if cm == nil {
				t.Fatalf("volume %s: ConfigMap %s not rendered", m.Name, v.ConfigMap.Name)
			}
			for k, data := range cm.Data {
				if err := os.WriteFile(filepath.Join(local, k), []byte(data), 0o644); err != nil {
					t.Fatal(err)
				}
			}
		}
		paths[m.MountPath] = local
	}
	return paths
}

// localArgs are the container's args as the kubelet would pass them, with mount paths moved
// under the test's directory.
func localArgs(t *testing.T, args []string, env map[string]string, paths map[string]string) []string {
	t.Helper()
	out := expand(t, args, env)
	for i := range out {
		for mount, local := range paths {
			out[i] = strings.ReplaceAll(out[i], mount, local)
		}
	}
	return out
}

func envList(env map[string]string) []string {
	var out []string
	for _, k := range slices.Sorted(maps.Keys(env)) {
		out = append(out, k+"="+env[k])
	}
	return out
}

func exitCode(err error) int {
	var ee *exec.ExitError
	if errors.As(err, &ee) {
		return ee.ExitCode()
	}
	if err != nil {
		return -1
	}
	return 0
}

// emulatorCounts reads the emulator's own request counters (Prometheus /metrics):
// interface → resultcode → requests answered.
func emulatorCounts(t *testing.T, base string) map[string]map[string]int64 {
	t.Helper()
	resp, err := http.Get(base + "/metrics")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	p := expfmt.NewTextParser(model.UTF8Validation)
	fams, err := p.TextToMetricFamilies(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]map[string]int64{}
	fam := fams["pns_emulator_requests_total"]
	if fam == nil {
		t.Fatal("emulator /metrics has no pns_emulator_requests_total")
	}
	for _, m := range fam.GetMetric() {
		labels := map[string]string{}
		for _, l := range m.GetLabel() {
			labels[l.GetName()] = l.GetValue()
		}
		if out[labels["interface"]] == nil {
			out[labels["interface"]] = map[string]int64{}
		}
		out[labels["interface"]][labels["resultcode"]] += int64(m.GetCounter().GetValue())
	}
	return out
}

// rawLatencies decodes every shard's vegeta result files: interface (by the request's method
// and path) → service latencies.
func rawLatencies(t *testing.T, shardDirs []string) map[string][]time.Duration {
	t.Helper()
	out := map[string][]time.Duration{}
	for _, d := range shardDirs {
		s, err := loadtest.ReadResult(d)
		if err != nil {
			t.Fatal(err)
		}
		for _, a := range s.Attacks { // one vegeta file per flow and shard, e.g. axb.bind-unbind.s2
			f, err := os.Open(filepath.Join(d, a+".gob"))
			if err != nil {
				t.Fatal(err)
			}
			dec := vegeta.NewDecoder(f)
			for {
				var r vegeta.Result
				if err := dec.Decode(&r); err != nil {
					if !errors.Is(err, io.EOF) {
						t.Fatalf("%s: %v", a, err)
					}
					break
				}
				u, err := url.Parse(r.URL)
				if err != nil {
					t.Fatalf("%s: result URL %q: %v", a, r.URL, err)
				}
				iface, ok, _ := pns.Route(r.Method, u.Path)
				if !ok {
					t.Fatalf("%s: %s %s is no PNS interface", a, r.Method, u.Path)
				}
				out[iface.ID] = append(out[iface.ID], r.Latency)
			}
			f.Close()
		}
	}
	return out
}

// quantile is the q-th percentile (0-100) of sorted values by HdrHistogram's definition: the
// value of rank q·n rounded to the nearest integer (at least 1).
func quantile(sorted []time.Duration, q float64) time.Duration {
	rank := int(math.Floor(q/100*float64(len(sorted)) + 0.5))
	return sorted[min(max(rank, 1), len(sorted))-1]
}

// TestIndexedJobLocally plays the Indexed Job's contract on this machine: the demo
// kustomization's load container run N times as the kubelet would (its env from the rendered
// ConfigMap and Secret, JOB_COMPLETION_INDEX=i, its exact args), all against ONE emulator run
// as the demo Deployment runs it (platform only, over TLS: the demo's --insecure-skip-verify
// is exercised), sharing one results directory; then the merge Job's container. The merged report must
// agree with the union of the shards' raw results and with the emulator's own counters, and
// a broken global threshold must make the merge exit 99.
func TestIndexedJobLocally(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs the harness binary")
	}
	bin := buildHarness(t)
	r := render(t, "demo")
	emuPod := r.deployments["pns-emulator"].Spec.Template.Spec
	target, admin := startEmulator(t, bin, emuPod.Containers[0])
	load, merge := r.jobs["pns-load"], r.jobs["pns-merge"]
	shards := int(*load.Spec.Completions)
	root := t.TempDir()

	// The values an overlay sets for a short run on this machine; the args stay the Job's.
	runID := "run-local"
	startAt := time.Now().Add(4 * time.Second).UTC().Truncate(time.Second)
	override := map[string]string{"TARGET": target, "RATE": "45", "MAX_RATE": "90", "DURATION": "2s", "HOLD": "300ms",
		"RUN_ID": runID, "START_AT": startAt.Format(time.RFC3339), "MERGE_WAIT": "2m"}

	lpod := load.Spec.Template.Spec
	lc := lpod.Containers[0]
	lpaths := kubeletPaths(t, r, lpod, lc, root)
	var wg sync.WaitGroup
	codes := make([]int, shards)
	outs := make([][]byte, shards)
	for i := range shards {
		env := r.containerEnv(t, lc)
		maps.Copy(env, override)
		env["JOB_COMPLETION_INDEX"] = fmt.Sprint(i)
		env["HOME"] = root
		args := localArgs(t, lc.Args, env, lpaths)[1:]
		cmd := exec.Command(bin, append([]string{lc.Args[0]}, args...)...)
		cmd.Env = envList(env)
		wg.Add(1)
		go func() {
			defer wg.Done()
			out, err := cmd.CombinedOutput()
			codes[i], outs[i] = exitCode(err), out
		}()
	}
	wg.Wait()
	var shardDirs []string
	for i := range shards {
		if codes[i] != 0 {
			t.Fatalf("shard %d exited %d:\n%s", i, codes[i], outs[i])
		}
		d := filepath.Join(lpaths["/results"], runID, fmt.Sprintf("shard-%d", i))
		s, err := loadtest.ReadResult(d)
		if err != nil {
			t.Fatalf("shard %d: %v", i, err)
		}
		if s.Run.ID != runID || !s.Run.StartAt.Equal(startAt) || s.Started.Before(startAt) || s.Shards[0] != fmt.Sprintf("%d/%d", i, shards) {
			t.Fatalf("shard %d: run %+v shards %v started %s; want run %s from %s", i, s.Run, s.Shards, s.Started, runID, startAt)
		}
		shardDirs = append(shardDirs, d)
	}

	// The merge step, as its Job runs it.
	mpod := merge.Spec.Template.Spec
	mc := mpod.Containers[0]
	menv := r.containerEnv(t, mc)
	maps.Copy(menv, override)
	menv["HOME"] = root
	mpaths := kubeletPaths(t, r, mpod, mc, root)
	runMerge := func(extra ...string) (int, string) {
		args := localArgs(t, mc.Args, menv, mpaths)[1:]
		// Extra thresholds go before the positional directory, as an overlay's patch adds them.
		args = append(args[:len(args)-1:len(args)-1], append(extra, args[len(args)-1])...)
		cmd := exec.Command(bin, append([]string{mc.Args[0]}, args...)...)
		cmd.Env = envList(menv)
		out, err := cmd.CombinedOutput()
		return exitCode(err), string(out)
	}
	code, out := runMerge()
	reportDir := filepath.Join(mpaths["/results"], runID, "report")
	sum, err := reports.LoadSummary(filepath.Join(reportDir, "summary.json"))
	if err != nil {
		t.Fatalf("merge exited %d without a report: %v\n%s", code, err, out)
	}
	wantCode := 0
	for _, th := range sum.Thresholds {
		if !th.Passed {
			wantCode = 99
		}
	}
	if code != wantCode || len(sum.Thresholds) == 0 {
		t.Fatalf("merge exited %d with thresholds %+v, want %d:\n%s", code, sum.Thresholds, wantCode, out)
	}
	if sum.Load == nil || len(sum.Load.Scenarios) != 1 {
		t.Fatalf("report load %+v: want one merged scenario", sum.Load)
	}
	sc := sum.Load.Scenarios[0]

	// Counts and percentiles: the merged report against the union of the raw results.
	raw := rawLatencies(t, shardDirs)
	emu := emulatorCounts(t, admin)
	for _, id := range []string{"axb.bind", "axb.unbind"} {
		lat := raw[id]
		slices.Sort(lat)
		var il *reports.InterfaceLoad
		for k := range sc.Interfaces {
			if sc.Interfaces[k].Interface == id {
				il = &sc.Interfaces[k]
			}
		}
		if il == nil || len(lat) == 0 {
			t.Fatalf("%s: report %+v, %d raw results", id, il, len(lat))
		}
		if il.Requests != int64(len(lat)) {
			t.Errorf("%s: merged %d requests, the shards' raw results %d", id, il.Requests, len(lat))
		}
		var atEmu int64
		for _, n := range emu[id] {
			atEmu += n
		}
		if il.Requests != atEmu {
			t.Errorf("%s: merged %d requests, the emulator answered %d (%v)", id, il.Requests, atEmu, emu[id])
		}
		for code, n := range emu[id] {
			var got int64
			for _, cs := range il.ResultCodes {
				if cs.Code == code {
					got = cs.Count
				}
			}
			if got != n {
				t.Errorf("%s resultcode %s: merged %d, emulator %d", id, code, got, n)
			}
		}
		// HdrHistogram keeps 3 significant digits and reports the highest equivalent value.
		for _, q := range []struct {
			name string
			q    float64
			got  time.Duration
		}{{"p50", 50, il.Service.P50}, {"p90", 90, il.Service.P90}, {"p99", 99, il.Service.P99}} {
			exact := quantile(lat, q.q)
			if tol := exact/500 + 2*time.Microsecond; q.got < exact-tol || q.got > exact+tol {
				t.Errorf("%s %s: merged %s, exact over the union %s", id, q.name, q.got, exact)
			}
		}
	}

	// The rate over time: one line per shard, adding up to the merged rate at every second
	// (the shards shared one start instant, so their seconds line up).
	if len(sc.ShardRates) != shards {
		t.Fatalf("report has %d shard rate series, want %d", len(sc.ShardRates), shards)
	}
	for _, p := range sc.Series {
		var sent float64
		for _, sr := range sc.ShardRates {
			for _, q := range sr.Points {
				if q.T == p.T {
					sent += q.AchievedRate
				}
			}
		}
		if sent != p.AchievedRate {
			t.Errorf("at %s the shards sent %v/s, the merged series says %v/s", p.T, sent, p.AchievedRate)
		}
	}

	// A global threshold: each shard's own bind count passes it, the merged one does not.
	var most int64
	for _, d := range shardDirs {
		s, _ := loadtest.ReadResult(d)
		if is, ok := s.Interface("axb.bind"); ok {
			most = max(most, is.Count)
		}
	}
	code, out = runMerge(fmt.Sprintf("--threshold=bind.count<=%d", most))
	if code != 99 {
		t.Fatalf("merge with a broken global threshold exited %d, want 99:\n%s", code, out)
	}
}
