package conformance

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
)

// The batching scenarios stop the emulator clock so that calls made one after the other end at
// one emulator instant however slow the machine; the scenario's end must restart it at its old
// speed, or every later scenario would wait on a clock that no longer runs.
func TestStoppedClockIsRestarted(t *testing.T) {
	var mu sync.Mutex
	var scales []float64
	var last []byte
	wrap := func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if r.Method == http.MethodPost && r.URL.Path == "/emulator/v1/clock/scale" {
				b, _ := io.ReadAll(r.Body)
				r.Body = io.NopCloser(bytes.NewReader(b))
				var body struct{ Scale float64 }
				_ = json.Unmarshal(b, &body)
				mu.Lock()
				scales = append(scales, body.Scale)
				mu.Unlock()
			}
			if r.URL.Path == "/emulator/v1/clock" {
				rec := httptest.NewRecorder()
				next.ServeHTTP(rec, r)
				mu.Lock()
				last = rec.Body.Bytes()
				mu.Unlock()
				for k, v := range rec.Header() {
					w.Header()[k] = v
				}
				w.WriteHeader(rec.Code)
				_, _ = w.Write(rec.Body.Bytes())
				return
			}
			next.ServeHTTP(w, r)
		})
	}
	res, err := Run(context.Background(), Options{Tags: "@rule:delivery:fee-batch,@rule:delivery:numstatus-cap", mutantHandler: wrap})
	if err != nil {
		t.Fatal(err)
	}
	if res.Status != 0 || res.Passed != 2 {
		t.Fatalf("status %d, %d passed, failed %v", res.Status, res.Passed, res.FailedKeys())
	}
	var st clockState
	if err := json.Unmarshal(last, &st); err != nil || st.Scale != 1 {
		t.Fatalf("clock before stopping %s (%v): want scale 1", last, err)
	}
	// Two scenarios: each stops the clock and restarts it at scale 1.
	if want := []float64{stoppedScale, 1, stoppedScale, 1}; len(scales) != len(want) || scales[0] != want[0] || scales[1] != want[1] || scales[2] != want[2] || scales[3] != want[3] {
		t.Fatalf("scales set %v, want %v", scales, want)
	}
}
