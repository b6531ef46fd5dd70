package loadtest

import (
	"fmt"
	"math"
	"time"

	hdr "github.com/HdrHistogram/hdrhistogram-go"
)

// Histogram geometry: nanoseconds from 1 µs to 1 h. Three significant digits for the run-wide
// histograms, two for the per-second ones, which only feed the time series.
const (
	histLowest      = int64(time.Microsecond)
	histHighest     = int64(time.Hour)
	histSigFigs     = 3
	histSecSigFigs  = 2
	histEncodeError = "encode histogram"
)

func newHist() *hdr.Histogram    { return hdr.New(histLowest, histHighest, histSigFigs) }
func newSecHist() *hdr.Histogram { return hdr.New(histLowest, histHighest, histSecSigFigs) }

// record adds a duration, clamped into the histogram's range so that nothing is dropped.
func record(h *hdr.Histogram, d time.Duration) {
	v := int64(d)
	if v < 0 {
		v = 0
	}
	if v > histHighest {
		v = histHighest
	}
	_ = h.RecordValue(v) // in range by construction
}

func encodeHist(h *hdr.Histogram) (string, error) {
	b, err := h.Encode(hdr.V2CompressedEncodingCookieBase)
	if err != nil {
		return "", fmt.Errorf("%s: %w", histEncodeError, err)
	}
	return string(b), nil
}

func decodeHist(s string) (*hdr.Histogram, error) {
	if s == "" {
		return nil, nil
	}
	h, err := hdr.Decode([]byte(s))
	if err != nil {
		return nil, fmt.Errorf("decode histogram: %w", err)
	}
	return h, nil
}

// mergeInto adds src to *dst, creating *dst with src's geometry when nil. It returns how many
// of src's values *dst could not hold (outside its trackable range): a merge is exact only
// when every call returns 0, so callers count what it returns (aggregate.drop).
func mergeInto(dst **hdr.Histogram, src *hdr.Histogram) int64 {
	if src == nil {
		return 0
	}
	if *dst == nil {
		*dst = src.Clone()
		return 0
	}
	return (*dst).Merge(src)
}

// Latency is a latency summary in milliseconds.
type Latency struct {
	Count int64   `json:"count"`
	Min   float64 `json:"minMs"`
	Mean  float64 `json:"meanMs"`
	P50   float64 `json:"p50Ms"`
	P90   float64 `json:"p90Ms"`
	P95   float64 `json:"p95Ms"`
	P99   float64 `json:"p99Ms"`
	P999  float64 `json:"p999Ms"`
	Max   float64 `json:"maxMs"`
}

func ms(ns int64) float64 { return math.Round(float64(ns)/1e3) / 1e3 }

func summarize(h *hdr.Histogram) Latency {
	if h == nil || h.TotalCount() == 0 {
		return Latency{}
	}
	return Latency{
		Count: h.TotalCount(),
		Min:   ms(h.Min()),
		Mean:  ms(int64(h.Mean())),
		P50:   ms(h.ValueAtQuantile(50)),
		P90:   ms(h.ValueAtQuantile(90)),
		P95:   ms(h.ValueAtQuantile(95)),
		P99:   ms(h.ValueAtQuantile(99)),
		P999:  ms(h.ValueAtQuantile(99.9)),
		Max:   ms(h.Max()),
	}
}

// Bucket is one bar of a latency histogram: Count values at most LE milliseconds and above the
// previous bucket's bound. The last bucket has LE = -1 (+Inf).
type Bucket struct {
	LE    float64 `json:"leMs"`
	Count int64   `json:"count"`
}

// bucketBounds are the fixed bounds of the report histograms.
var bucketBounds = []time.Duration{
	time.Millisecond, 2 * time.Millisecond, 5 * time.Millisecond, 10 * time.Millisecond,
	20 * time.Millisecond, 50 * time.Millisecond, 100 * time.Millisecond, 200 * time.Millisecond,
	500 * time.Millisecond, time.Second, 2 * time.Second, 5 * time.Second, 10 * time.Second,
}

func buckets(h *hdr.Histogram) []Bucket {
	if h == nil || h.TotalCount() == 0 {
		return nil
	}
	out := make([]Bucket, len(bucketBounds)+1)
	for i, b := range bucketBounds {
		out[i].LE = ms(int64(b))
	}
	out[len(bucketBounds)].LE = -1
	for _, bar := range h.Distribution() {
		if bar.Count == 0 {
			continue
		}
		i := 0
		for i < len(bucketBounds) && bar.From > int64(bucketBounds[i]) {
			i++
		}
		out[i].Count += bar.Count
	}
	return out
}
