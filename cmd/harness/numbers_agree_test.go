package main

import (
	"fmt"
	"html"
	"math"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/pns-harness/pns-harness/reports"
)

// assertNumbersAgree holds the console of a run (stdout), its summary.json and its index.html
// (both in dir) to the same figures: the verdict's counts, and per load scenario its headline,
// its rate/requests/success row and every interface's requests, rate, success and service
// percentiles. The page's figures are compared as the page prints them, from summary.json's
// values, as text; the console's by the console's own wording. It returns the summary for further
// checks.
func assertNumbersAgree(t *testing.T, stdout, dir string) *reports.Summary {
	t.Helper()
	s, err := reports.LoadSummary(filepath.Join(dir, reports.JSONFile))
	if err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(filepath.Join(dir, "index.html"))
	if err != nil {
		t.Fatal(err)
	}
	// Compared as text: html/template escapes more than html.EscapeString (+ as &#43;).
	page := html.UnescapeString(string(b))
	v := s.Verdict
	if v == nil {
		t.Fatal("summary.json has no verdict")
	}
	// The verdict line of the console and the page's verdict counts.
	for _, want := range []string{v.Status + "  scenarios: " + v.Counts(), fmt.Sprintf("load scenarios: %d; thresholds: %s", v.LoadScenarios, v.ThresholdCounts())} {
		if !strings.Contains(stdout, want) {
			t.Errorf("the console lacks summary.json's %q", want)
		}
	}
	for _, want := range []string{
		fmt.Sprintf("<li><b>%d</b> passed</li>", v.ScenariosPassed),
		fmt.Sprintf("<li><b>%d</b> failed</li>", v.ScenariosFailed),
		fmt.Sprintf("<li><b>%d</b> not checked</li>", v.ScenariosNotChecked),
		fmt.Sprintf("<li><b>%d/%d</b> thresholds met", v.ThresholdsPassed, v.ThresholdsPassed+v.ThresholdsFailed),
		fmt.Sprintf("<li><b>%d</b> load scenarios</li>", v.LoadScenarios),
	} {
		if !strings.Contains(page, want) {
			t.Errorf("the page's verdict lacks summary.json's %q", want)
		}
	}
	if s.Load == nil || len(s.Load.Scenarios) == 0 {
		t.Fatal("summary.json has no load scenario")
	}
	for _, ls := range s.Load.Scenarios {
		if ls.Requests == 0 || len(ls.Interfaces) == 0 {
			t.Errorf("load scenario %s sent nothing: the comparison would be empty", ls.Name)
			continue
		}
		h := ls.Headline()
		if !strings.Contains(stdout, h) || !strings.Contains(page, h) {
			t.Errorf("%s: headline %q missing from the console or the page", ls.Name, h)
		}
		row := fmt.Sprintf(`<td data-figure="target-rate">%s</td><td data-figure="achieved-rate">%s</td><td class="%s">%s</td><td>%s</td><td data-figure="requests">%s</td>`,
			reports.FormatRate(ls.TargetRate), reports.FormatRate(ls.AchievedRate), map[bool]string{true: "bad"}[ls.ShortfallPct > 5],
			reports.FormatPct(ls.ShortfallPct), reports.FormatDuration(ls.Duration), reports.FormatCount(ls.Requests))
		if !strings.Contains(page, row) {
			t.Errorf("%s: the page lacks the scenario row %s", ls.Name, row)
		}
		var sum int64
		for _, is := range ls.Interfaces {
			sum += is.Requests
			row := fmt.Sprintf(`<tr><td class="l mono">%s</td><td>%s</td><td>%s</td><td>%s</td><td>%s</td><td>%s</td><td>%s</td><td>%s</td><td>%s</td></tr>`,
				is.Interface, reports.FormatCount(is.Requests), reports.FormatRate(is.AchievedRate), reports.FormatRatio(is.SuccessRatio),
				reports.FormatDuration(is.Service.P50), reports.FormatDuration(is.Service.P90), reports.FormatDuration(is.Service.P99),
				reports.FormatDuration(is.Service.P999), reports.FormatDuration(is.Service.Max))
			if !strings.Contains(page, row) {
				t.Errorf("%s: the page lacks summary.json's interface row %s", ls.Name, row)
			}
		}
		if sum != ls.Requests {
			t.Errorf("%s: the interfaces' requests add up to %d, the scenario says %d", ls.Name, sum, ls.Requests)
		}
	}
	return s
}

// consoleInterfaceRE is a row of the interface table `harness load` prints: interface, count,
// success, then service p50 p90 p99 p99.9 max in ms.
var consoleInterfaceRE = regexp.MustCompile(`(?m)^([a-z]+\.[a-zA-Z]+)\s+(\d+)\s+([0-9.]+)%\s+([0-9.]+)ms\s+([0-9.]+)ms\s+([0-9.]+)ms\s+([0-9.]+)ms\s+([0-9.]+)ms\s`)

// TestWorkloadNumbersAgree: a workload run (`harness load --workload`, then `harness report`)
// prints the same numbers on the console, in summary.json and in index.html: the load's own
// interface table (count, success, service percentiles) against summary.json, and the page's
// verdict, headline, scenario and interface rows against summary.json. The page's active
// sessions chart (Gatling's active users) draws summary.json's sessions in progress per
// second, with its unit, and no second with arrivals has none.
func TestWorkloadNumbersAgree(t *testing.T) {
	t.Parallel()
	out := filepath.Join(t.TempDir(), "load")
	code, loadOut, stderr := runHarness(t, nil, "load", "--workload", filepath.Join("..", "..", "loadtest", "testdata", "mixed.yaml"),
		"--duration", "1s", "--generator-lag", "0", "--progress", "-1", "--out", out)
	if code != exitOK {
		t.Fatalf("load: exit %d\n%s\n%s", code, loadOut, stderr)
	}
	rep := filepath.Join(t.TempDir(), "rep")
	code, repOut, stderr := runHarness(t, nil, "report", out, "--out", rep)
	if code != exitOK {
		t.Fatalf("report: exit %d\n%s\n%s", code, repOut, stderr)
	}
	s := assertNumbersAgree(t, repOut, rep)
	ls := s.Load.Scenarios[0]
	if h := ls.Headline(); !strings.Contains(loadOut, h) {
		t.Errorf("the load's console lacks the report's headline %q:\n%s", h, loadOut)
	}
	rows := map[string][]string{}
	for _, m := range consoleInterfaceRE.FindAllStringSubmatch(loadOut, -1) {
		rows[m[1]] = m[2:]
	}
	if len(rows) != len(ls.Interfaces) || len(rows) < 3 {
		t.Fatalf("console interface rows %v, summary.json has %d interfaces:\n%s", rows, len(ls.Interfaces), loadOut)
	}
	// The console prints milliseconds to 2 decimals and percentages to 2 decimals: the
	// summary's value must round to what it printed.
	near := func(printed string, want, unit float64) bool {
		got, err := strconv.ParseFloat(printed, 64)
		return err == nil && math.Abs(got-want) <= unit/2+1e-9
	}
	ms := func(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }
	for _, is := range ls.Interfaces {
		r, ok := rows[is.Interface]
		if !ok {
			t.Errorf("%s: no console row", is.Interface)
			continue
		}
		if r[0] != strconv.FormatInt(is.Requests, 10) {
			t.Errorf("%s: console count %s, summary.json %d", is.Interface, r[0], is.Requests)
		}
		if !near(r[1], is.SuccessRatio*100, 0.01) {
			t.Errorf("%s: console success %s%%, summary.json %v", is.Interface, r[1], is.SuccessRatio)
		}
		for i, d := range []time.Duration{is.Service.P50, is.Service.P90, is.Service.P99, is.Service.P999, is.Service.Max} {
			if !near(r[2+i], ms(d), 0.01) {
				t.Errorf("%s: console percentile %d %sms, summary.json %v", is.Interface, i, r[2+i], d)
			}
		}
	}

	// Active sessions over time: the chart draws summary.json's figure at every second.
	page, err := os.ReadFile(filepath.Join(rep, "index.html"))
	if err != nil {
		t.Fatal(err)
	}
	chart := readChart(t, string(page), reports.SessionsChartTitle)
	if len(chart.series["sessions in progress"]) != len(ls.Series) || len(ls.Series) == 0 {
		t.Errorf("sessions chart has %d points, summary.json %d seconds", len(chart.series["sessions in progress"]), len(ls.Series))
	}
	for _, p := range ls.Series {
		x := p.T.Seconds()
		if v, ok := chart.at("sessions in progress", x); !ok || math.Abs(v-p.ActiveSessions) > chart.yTol {
			t.Errorf("t=%v: sessions drawn %v (%v), summary.json %v", x, v, ok, p.ActiveSessions)
		}
		// A session that started in a second was in progress for part of it.
		if p.AchievedRate > 0 && p.ActiveSessions <= 0 {
			t.Errorf("t=%v: %v arrivals but no session in progress", x, p.AchievedRate)
		}
	}
	i := strings.Index(string(page), `aria-label="`+reports.SessionsChartTitle+`"`)
	svg := string(page)[i:]
	svg = svg[:strings.Index(svg, "</svg>")]
	if !strings.Contains(svg, ">sessions in progress</text>") || !strings.Contains(svg, ">time since start (s)</text>") {
		t.Errorf("the sessions chart does not name its axes with units")
	}
}
