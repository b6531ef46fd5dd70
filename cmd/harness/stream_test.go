package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/santhosh-tekuri/jsonschema/v6"

	"github.com/pns-harness/pns-harness/reports"
	"github.com/pns-harness/pns-harness/stream"
)

// streamSchema compiles docs/stream.schema.json, the documented schema of one line.
func streamSchema(t *testing.T) *jsonschema.Schema {
	t.Helper()
	raw, err := os.ReadFile(filepath.Join("..", "..", "docs", "stream.schema.json"))
	if err != nil {
		t.Fatal(err)
	}
	doc, err := jsonschema.UnmarshalJSON(bytes.NewReader(raw))
	if err != nil {
		t.Fatal(err)
	}
	c := jsonschema.NewCompiler()
	c.AssertFormat()
	if err := c.AddResource("stream.schema.json", doc); err != nil {
		t.Fatal(err)
	}
	s, err := c.Compile("stream.schema.json")
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// streamLine is the union of the fields of every line type that the tests read.
type streamLine struct {
	Type       string                      `json:"type"`
	Time       string                      `json:"time"`
	Command    string                      `json:"command"`
	Load       string                      `json:"load"`
	Offset     int64                       `json:"offset"`
	Aborted    string                      `json:"aborted"`
	Interfaces map[string]stream.Interface `json:"interfaces"`
	Expr       string                      `json:"expr"`
	Status     string                      `json:"status"`
	Name       string                      `json:"name"`
	ExitCode   *int                        `json:"exitCode"`
}

// readStream parses an NDJSON stream, checking every line against the schema.
func readStream(t *testing.T, sch *jsonschema.Schema, data []byte) []streamLine {
	t.Helper()
	var out []streamLine
	sc := bufio.NewScanner(bytes.NewReader(data))
	sc.Buffer(nil, 1<<20)
	for n := 1; sc.Scan(); n++ {
		doc, err := jsonschema.UnmarshalJSON(bytes.NewReader(sc.Bytes()))
		if err != nil {
			t.Fatalf("line %d is no JSON: %v\n%s", n, err, sc.Text())
		}
		if err := sch.Validate(doc); err != nil {
			t.Fatalf("line %d breaks docs/stream.schema.json: %v\n%s", n, err, sc.Text())
		}
		var l streamLine
		if err := json.Unmarshal(sc.Bytes(), &l); err != nil {
			t.Fatal(err)
		}
		if _, err := time.Parse(time.RFC3339Nano, l.Time); err != nil {
			t.Fatalf("line %d: time %q: %v", n, l.Time, err)
		}
		out = append(out, l)
	}
	if len(data) > 0 && data[len(data)-1] != '\n' {
		t.Fatalf("the stream ends in a partial line: %q", data[max(0, len(data)-80):])
	}
	return out
}

// TestStreamSchemaRefuses: the line schema is no rubber stamp.
func TestStreamSchemaRefuses(t *testing.T) {
	t.Parallel()
	sch := streamSchema(t)
	for _, bad := range []string{
		`{"type":"verdict","status":"PASS","exitCode":0}`,
		`{"type":"verdict","time":"2026-12-06T20:00:00+01:00","status":"PASS","exitCode":0}`,
		`{"type":"metrics","time":"2026-12-06T20:00:00Z","load":"x","offset":0,"seconds":1,"interfaces":{"axb.bind":{"requests":1}}}`,
		`{"type":"threshold","time":"2026-12-06T20:00:00Z","expr":"bind.p99<1s","status":"ok","actual":1}`,
		`{"type":"progress","time":"2026-12-06T20:00:00Z"}`,
	} {
		doc, err := jsonschema.UnmarshalJSON(strings.NewReader(bad))
		if err != nil {
			t.Fatal(err)
		}
		if sch.Validate(doc) == nil {
			t.Errorf("the schema accepts %s", bad)
		}
	}
}

// TestStreamNDJSONLoad: `harness load --out-json` writes a stream whose every line fits the
// schema: a start line, one metrics line per second with no gap, the load's totals, the
// thresholds and the verdict with the exit code the process returned. The per-second lines
// add up, interface by interface and code by code, to summary.json's figures.
func TestStreamNDJSONLoad(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	out, file := filepath.Join(dir, "load"), filepath.Join(dir, "stream.ndjson")
	code, stdout, stderr := runHarness(t, nil, "load", "--rate", "10", "--hold", "200ms", "--duration", "3s", "--generator-lag", "0",
		"--progress", "-1", "--out", out, "--out-json", file, "--threshold", "axb.bind.p99<10s", "--threshold", "axb.unbind.success[1s]>=50%")
	if code != exitOK {
		t.Fatalf("exit %d\n%s\n%s", code, stdout, stderr)
	}
	data, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	lines := readStream(t, streamSchema(t), data)
	if len(lines) < 4 || lines[0].Type != stream.TypeStart || lines[0].Command != "load" {
		t.Fatalf("the stream does not open with a start line:\n%s", data)
	}
	last := lines[len(lines)-1]
	if last.Type != stream.TypeVerdict || last.Status != "PASS" || last.ExitCode == nil || *last.ExitCode != code {
		t.Fatalf("the last line is not the verdict of exit %d: %+v", code, last)
	}
	sum := map[string]stream.Interface{}
	var load *streamLine
	thresholds := map[string]string{}
	offset := int64(0)
	for i := range lines {
		l := &lines[i]
		switch l.Type {
		case stream.TypeMetrics:
			if l.Offset != offset || l.Load != "axb-bind-unbind" {
				t.Fatalf("metrics line for second %d of %q, want second %d of axb-bind-unbind", l.Offset, l.Load, offset)
			}
			offset++
			for id, x := range l.Interfaces {
				s := sum[id]
				s.Requests += x.Requests
				s.Success += x.Success
				s.Errors += x.Errors
				if s.Codes == nil {
					s.Codes = map[string]int64{}
				}
				for c, n := range x.Codes {
					s.Codes[c] += n
				}
				sum[id] = s
			}
		case stream.TypeLoad:
			load = l
		case stream.TypeThreshold:
			thresholds[l.Expr] = l.Status
		}
	}
	if offset < 3 {
		t.Errorf("%d metrics lines for a 3 s load", offset)
	}
	if want := map[string]string{"axb.bind.p99<10s": "passed", "axb.unbind.success[1s]>=50%": "passed"}; !reflect.DeepEqual(thresholds, want) {
		t.Errorf("threshold lines %v, want %v", thresholds, want)
	}
	r := readLoadSummary(t, out)
	if load == nil || load.Load != "axb-bind-unbind" || len(load.Interfaces) != len(r.Interfaces) {
		t.Fatalf("load line %+v, summary.json has %d interfaces", load, len(r.Interfaces))
	}
	for _, is := range r.Interfaces {
		codes := map[string]int64{}
		for _, c := range is.Codes {
			codes[c.Code] = c.Count
		}
		got, tot := sum[is.ID], load.Interfaces[is.ID]
		if is.Count == 0 || got.Requests != is.Count || got.Success != is.Success || got.Errors != is.Count-is.Success || !reflect.DeepEqual(got.Codes, codes) {
			t.Errorf("%s: the metrics lines add up to %+v, summary.json says count %d success %d codes %v", is.ID, got, is.Count, is.Success, codes)
		}
		if tot.Requests != is.Count || tot.Success != is.Success || !reflect.DeepEqual(tot.Codes, codes) || tot.LatencyMs == nil || tot.LatencyMs.P99 != is.Service.P99 {
			t.Errorf("%s: the load line says %+v, summary.json %+v", is.ID, tot, is)
		}
	}
}

// TestStreamNDJSONLive: the stream is written while the load goes. A load planned for a
// minute is interrupted only once its stream file holds a metrics line, so the line was
// readable before the end; the interrupted run still leaves a stream of whole, valid lines
// that ends with its verdict.
func TestStreamNDJSONLive(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	file := filepath.Join(dir, "stream.ndjson")
	cmd := harnessCmd(t, "load", "--rate", "5", "--hold", "0s", "--duration", "60s", "--generator-lag", "0", "--progress", "-1", "--out-json", file)
	var o, e strings.Builder
	cmd.Stdout, cmd.Stderr = &o, &e
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	exited := make(chan error, 1)
	go func() { exited <- cmd.Wait() }()
	seen := false
	for !seen {
		select {
		case err := <-exited:
			t.Fatalf("the load ended (%v) before its stream showed a metrics line\n%s\n%s", err, o.String(), e.String())
		case <-time.After(50 * time.Millisecond): // polling the file, as `tail -f` does
		}
		data, _ := os.ReadFile(file)
		seen = bytes.Contains(data, []byte(`"type":"metrics"`))
	}
	if err := cmd.Process.Signal(os.Interrupt); err != nil {
		t.Fatal(err)
	}
	<-exited
	if code := cmd.ProcessState.ExitCode(); code != exitInterrupted {
		t.Fatalf("exit %d, want %d\n%s\n%s", code, exitInterrupted, o.String(), e.String())
	}
	data, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	lines := readStream(t, streamSchema(t), data)
	last := lines[len(lines)-1]
	if last.Type != stream.TypeVerdict || last.Status != "INTERRUPTED" || *last.ExitCode != exitInterrupted {
		t.Errorf("last line %+v", last)
	}
	var load *streamLine
	for i := range lines {
		if lines[i].Type == stream.TypeLoad {
			load = &lines[i]
		}
	}
	if load == nil || !strings.HasPrefix(load.Aborted, "interrupted") {
		t.Errorf("the load line does not say the load was interrupted: %+v", load)
	}
}

// TestStreamNDJSONRun: `harness run --out-json` streams every conformance scenario, each load's
// seconds and totals, every threshold and the verdict, and all of it agrees with the
// summary.json the run wrote: the same scenarios in the same order, per load and interface
// the same requests and result codes, the same thresholds with the same states, the same
// verdict and exit code.
func TestStreamNDJSONRun(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	out, file := filepath.Join(dir, "run"), filepath.Join(dir, "run.ndjson")
	code, stdout, stderr := runHarness(t, nil, "run", "--tags", "@axb.query", "--seed", "5", "--load-duration", "2s", "--out", out, "--out-json", file)
	if code != exitOK && code != exitThreshold {
		t.Fatalf("exit %d\n%s\n%s", code, stdout, stderr)
	}
	data, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	lines := readStream(t, streamSchema(t), data)
	b, err := os.ReadFile(filepath.Join(out, "summary.json"))
	if err != nil {
		t.Fatal(err)
	}
	var s reports.Summary
	if err := json.Unmarshal(b, &s); err != nil {
		t.Fatal(err)
	}
	if lines[0].Type != stream.TypeStart || lines[0].Command != "run" {
		t.Errorf("first line %+v", lines[0])
	}
	last := lines[len(lines)-1]
	if s.Verdict == nil || last.Type != stream.TypeVerdict || last.Status != s.Verdict.Status || *last.ExitCode != code {
		t.Errorf("last line %+v, summary.json verdict %+v, exit %d", last, s.Verdict, code)
	}
	var scenarios []string
	sums := map[string]map[string]stream.Interface{}
	loads := map[string]bool{}
	thresholds := map[string]string{}
	for _, l := range lines {
		switch l.Type {
		case stream.TypeScenario:
			scenarios = append(scenarios, l.Name)
		case stream.TypeMetrics:
			if sums[l.Load] == nil {
				sums[l.Load] = map[string]stream.Interface{}
			}
			for id, x := range l.Interfaces {
				acc := sums[l.Load][id]
				acc.Requests += x.Requests
				if acc.Codes == nil {
					acc.Codes = map[string]int64{}
				}
				for c, n := range x.Codes {
					acc.Codes[c] += n
				}
				sums[l.Load][id] = acc
			}
		case stream.TypeLoad:
			loads[l.Load] = true
		case stream.TypeThreshold:
			thresholds[l.Expr] = l.Status
		}
	}
	var want []string
	for _, sc := range s.Conformance.Scenarios {
		want = append(want, sc.Name)
	}
	if len(want) == 0 || !reflect.DeepEqual(scenarios, want) {
		t.Errorf("scenario lines %q, summary.json %q", scenarios, want)
	}
	if s.Load == nil || len(s.Load.Scenarios) != 2 || len(loads) != 2 {
		t.Fatalf("summary.json loads %+v, stream loads %v", s.Load, loads)
	}
	for _, ls := range s.Load.Scenarios {
		if !loads[ls.Name] {
			t.Errorf("no load line for %s", ls.Name)
		}
		for _, is := range ls.Interfaces {
			codes := map[string]int64{}
			for _, c := range is.ResultCodes {
				codes[c.Code] = c.Count
			}
			got := sums[ls.Name][is.Interface]
			if is.Requests == 0 || got.Requests != is.Requests || !reflect.DeepEqual(got.Codes, codes) {
				t.Errorf("%s %s: metrics lines add up to %d %v, summary.json %d %v", ls.Name, is.Interface, got.Requests, got.Codes, is.Requests, codes)
			}
		}
	}
	wantTh := map[string]string{}
	for _, th := range s.Thresholds {
		wantTh[th.Expression] = th.State()
	}
	if len(wantTh) == 0 || !reflect.DeepEqual(thresholds, wantTh) {
		t.Errorf("threshold lines %v, summary.json %v", thresholds, wantTh)
	}
}
