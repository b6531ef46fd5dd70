package main

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"strconv"
	"strings"
	"sync/atomic"
	"time"

	"github.com/pns-harness/pns-harness/loadtest"
)

// The memory check of `harness calibrate --rss`: the generator's resident set over a run of
// n requests against a trivial in-process endpoint.

// calVMHWM reads the peak resident set size of this process from /proc/self/status, in KiB.
func calVMHWM() (int64, error) {
	f, err := os.Open("/proc/self/status")
	if err != nil {
		return 0, err
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if rest, ok := strings.CutPrefix(sc.Text(), "VmHWM:"); ok {
			return strconv.ParseInt(strings.TrimSuffix(strings.TrimSpace(rest), " kB"), 10, 64)
		}
	}
	return 0, errors.New("VmHWM not found in /proc/self/status")
}

// calRunRSS runs n requests (n/2 bind-unbind pairs) against a trivial in-process endpoint,
// writing the result files to a temporary directory, and reports how many were delivered and
// the peak RSS (the endpoint keeps no state, so the figure is the generator's and its
// connections'). It fails when a request of the plan was not sent, or when the peak reaches
// maxKiB: the generator's memory must be bounded by its histograms, not by the requests.
func calRunRSS(ctx context.Context, n int, rate float64, maxKiB int64, stdout, stderr io.Writer) int {
	var seq atomic.Uint64
	h := http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "application/json;charset=utf-8")
		_, _ = fmt.Fprintf(w, `{"resultcode":"0","resultdesc":"Success","subscriptionId":"s%d","relationNum":"+8617001100000"}`, seq.Add(1))
	})
	base, closeSrv, err := calServeLoopback(h)
	if err != nil {
		fmt.Fprintf(stderr, "harness calibrate: %v\n", err)
		return exitFailed
	}
	defer closeSrv()
	dir, err := os.MkdirTemp("", "pns-rss-")
	if err != nil {
		fmt.Fprintf(stderr, "harness calibrate: %v\n", err)
		return exitFailed
	}
	defer os.RemoveAll(dir)
	before, _ := calVMHWM()
	d := time.Duration(float64(n/2) / rate * float64(time.Second))
	if d > loadtest.MaxDuration {
		fmt.Fprintf(stderr, "harness calibrate: %d requests at %.0f/s exceed the %s bound\n", n, rate, loadtest.MaxDuration)
		return exitUsage
	}
	start := time.Now()
	res, err := loadtest.Run(ctx, loadtest.Config{Target: base, Profile: defaultLoadProfile(), Rate: rate, Duration: d, OutDir: dir})
	if err != nil {
		fmt.Fprintf(stderr, "harness calibrate: %v\n", err)
		return exitFailed
	}
	after, err := calVMHWM()
	if err != nil {
		fmt.Fprintf(stderr, "harness calibrate: %v\n", err)
		return exitFailed
	}
	var total int64
	for _, s := range res.Interfaces {
		total += s.Count
	}
	want := int64(n/2) * 2
	fmt.Fprintf(stdout, "%d of %d requests delivered in %s (%.0f/s, shortfall %.2f%%): peak RSS %.1f MiB (%.1f MiB before the run; limit %d MiB)\n",
		total, want, time.Since(start).Round(time.Millisecond), float64(total)/time.Since(start).Seconds(), res.ShortfallPct,
		float64(after)/1024, float64(before)/1024, maxKiB>>10)
	var v verdict
	if total < want {
		fmt.Fprintf(stderr, "harness calibrate: %d of the %d requests were not sent: lower --rss-rate (the generator fell behind)\n", want-total, want)
		v.failed++
	}
	if after >= maxKiB {
		fmt.Fprintf(stderr, "harness calibrate: peak RSS %.1f MiB reaches the %d MiB limit\n", float64(after)/1024, maxKiB>>10)
		v.failed++
	}
	return exitFor(v)
}
