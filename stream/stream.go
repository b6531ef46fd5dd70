// Package stream writes the harness's live event stream: newline-delimited JSON (NDJSON), one
// object a line, as k6's --out json does, so that a CI dashboard or `tail -f | jq` follows a
// run while it goes. Every line has a "type" (one of the Type constants) and a "time" (RFC 3339,
// UTC); docs/output.md describes the lines and docs/stream.schema.json is the JSON Schema of
// one line.
//
// Each line is written with a single write call on an unbuffered file, so that a reader
// tailing the file sees it as soon as it is written and a crash leaves whole lines: a valid
// prefix of the stream.
package stream

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"sync"
	"time"
)

// The line types.
const (
	// TypeStart opens the stream: which command, against which target.
	TypeStart = "start"
	// TypeMetrics is one second of a load: per interface, the requests recorded in it.
	TypeMetrics = "metrics"
	// TypeScenario is one conformance scenario's result.
	TypeScenario = "scenario"
	// TypeLoad closes one load: its totals per interface (the sums of its metrics lines) and
	// why it stopped early, if it did.
	TypeLoad = "load"
	// TypeThreshold is one threshold's outcome.
	TypeThreshold = "threshold"
	// TypeVerdict is the last line: the run's verdict and exit code.
	TypeVerdict = "verdict"
)

// Start is the first line.
type Start struct {
	Command string `json:"command"`
	Target  string `json:"target,omitempty"`
	Version string `json:"version,omitempty"`
}

// Metrics is one second of a load.
type Metrics struct {
	// Load names the load (its workload or scenario); Offset is the second's start in
	// seconds from the load's start, Seconds its length (1 but for a load's last second).
	Load       string               `json:"load"`
	Offset     int64                `json:"offset"`
	Seconds    float64              `json:"seconds"`
	Interfaces map[string]Interface `json:"interfaces"`
}

// Interface is one interface's requests in a second (Metrics) or a whole load (Load).
type Interface struct {
	// Requests counts every request with an answer or a transport failure; Rate is
	// Requests per second of the line's time span; Success those with resultcode "0";
	// Errors the rest; Codes every outcome by result code ("transport": no answer).
	Requests int64            `json:"requests"`
	Rate     float64          `json:"rate"`
	Success  int64            `json:"success"`
	Errors   int64            `json:"errors"`
	Codes    map[string]int64 `json:"codes"`
	// LatencyMs is the service time of the timed requests, absent when none was timed.
	LatencyMs *Latency `json:"latencyMs,omitempty"`
}

// Latency is a latency summary in milliseconds (HdrHistogram values, 3 significant digits).
type Latency struct {
	Count int64   `json:"count"`
	P50   float64 `json:"p50"`
	P90   float64 `json:"p90"`
	P95   float64 `json:"p95"`
	P99   float64 `json:"p99"`
	Max   float64 `json:"max"`
}

// Scenario is one conformance scenario.
type Scenario struct {
	Feature   string `json:"feature"`
	Name      string `json:"name"`
	ID        string `json:"id,omitempty"`
	Line      int    `json:"line,omitempty"`
	Interface string `json:"interface,omitempty"`
	// Status is godog's (passed, failed, skipped, …); State the conformance judgement when
	// known (passed, failed, not checked, known difference, …) and Reason why.
	Status string `json:"status"`
	State  string `json:"state,omitempty"`
	Reason string `json:"reason,omitempty"`
}

// Load closes one load.
type Load struct {
	Load string `json:"load"`
	// ElapsedSeconds is the load's length; Aborted why it stopped early ("" when it ran its
	// plan).
	ElapsedSeconds float64              `json:"elapsedSeconds"`
	Aborted        string               `json:"aborted,omitempty"`
	Interfaces     map[string]Interface `json:"interfaces"`
}

// Threshold outcome states.
const (
	ThresholdPassed     = "passed"
	ThresholdFailed     = "failed"
	ThresholdNotChecked = "not checked"
)

// Threshold is one threshold's outcome.
type Threshold struct {
	// Load names the load whose result it judged ("" for run-wide ones such as callbacks).
	Load   string  `json:"load,omitempty"`
	Expr   string  `json:"expr"`
	Status string  `json:"status"`
	Actual float64 `json:"actual"`
	Unit   string  `json:"unit,omitempty"`
	Detail string  `json:"detail,omitempty"`
}

// Verdict is the last line.
type Verdict struct {
	Status   string   `json:"status"`
	ExitCode int      `json:"exitCode"`
	Reasons  []string `json:"reasons,omitempty"`
}

// Writer writes the stream. It is safe for concurrent use; a write error is kept (Err) and
// ends the writing, so that the stream stays a valid prefix.
type Writer struct {
	mu  sync.Mutex
	w   io.Writer
	c   io.Closer
	err error
	// now stamps the lines that are not about a past instant.
	now func() time.Time
}

// Create creates (or truncates) the stream file at path.
func Create(path string) (*Writer, error) {
	f, err := os.Create(path)
	if err != nil {
		return nil, fmt.Errorf("stream: %w", err)
	}
	return &Writer{w: f, c: f, now: time.Now}, nil
}

// New writes the stream to w, which must not buffer if readers are to see lines live.
func New(w io.Writer) *Writer { return &Writer{w: w, now: time.Now} }

// Write writes one line of type typ stamped at (the current time when at is zero) with v's
// fields (v must encode as a JSON object).
func (w *Writer) Write(typ string, at time.Time, v any) {
	if w == nil {
		return
	}
	if at.IsZero() {
		at = w.now()
	}
	// Unescaped HTML characters: a threshold's "<" stays readable to grep.
	var enc bytes.Buffer
	e := json.NewEncoder(&enc)
	e.SetEscapeHTML(false)
	err := e.Encode(v)
	body := bytes.TrimSpace(enc.Bytes())
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.err != nil {
		return
	}
	if err != nil || len(body) < 2 || body[0] != '{' {
		w.err = fmt.Errorf("stream: a %s line does not encode as an object: %v", typ, err)
		return
	}
	var b bytes.Buffer
	head, _ := json.Marshal(struct {
		Type string `json:"type"`
		Time string `json:"time"`
	}{typ, at.UTC().Format(time.RFC3339Nano)})
	b.Write(head[:len(head)-1])
	if len(body) > 2 {
		b.WriteByte(',')
		b.Write(body[1:])
	} else {
		b.WriteByte('}')
	}
	b.WriteByte('\n')
	if _, err := w.w.Write(b.Bytes()); err != nil {
		w.err = fmt.Errorf("stream: %w", err)
	}
}

// Err is the first write error.
func (w *Writer) Err() error {
	if w == nil {
		return nil
	}
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.err
}

// Close closes the file and returns the first error of the stream.
func (w *Writer) Close() error {
	if w == nil {
		return nil
	}
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.c != nil {
		if err := w.c.Close(); err != nil && w.err == nil {
			w.err = fmt.Errorf("stream: %w", err)
		}
		w.c = nil
	}
	return w.err
}
