package schemas

import (
	"fmt"
	"testing"
	"time"
)

// BenchmarkNew measures compiling every embedded schema (done once per process).
func BenchmarkNew(b *testing.B) {
	for b.Loop() {
		if _, err := New(); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkValidate measures decoding plus validation of typical bodies.
func BenchmarkValidate(b *testing.B) {
	v := mustNew(b)
	example := func(name string) string {
		for _, ex := range validExamples {
			if ex.name == name {
				return ex.body
			}
		}
		b.Fatalf("no example %q", name)
		return ""
	}
	cases := []struct{ name, schema, body string }{
		{"valid-axb-bind", "axb-bind.request", example("official AXB bind request")},
		{"valid-fee", "callback-fee.request", example("real 2022 AXB fee push")},
		{"invalid-axb-bind", "axb-bind.request", `{"callerNum":"x","calleeNum":"+864001234567","recordFlag":"yes","duration":-1}`},
	}
	for _, c := range cases {
		b.Run(c.name, func(b *testing.B) {
			body := []byte(c.body)
			b.ReportAllocs()
			for b.Loop() {
				if _, err := v.Validate(c.schema, body); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// distinctBindAnswers returns n AXB bind answers shaped like the official example, each with its
// own subscriptionId, as a real platform sends them (no two answers are byte for byte equal).
func distinctBindAnswers(n int) [][]byte {
	out := make([][]byte, n)
	for i := range out {
		out[i] = fmt.Appendf(nil, `{"resultcode":"0","resultdesc":"Success","subscriptionId":"c1564552-844a-4048-9ac7-%012x",`+
			`"relationNum":"+8613800006666","callDirection":0,"duration":0,"maxDuration":0}`, i)
	}
	return out
}

// BenchmarkBindAnswer decodes and validates distinct bind answers with the reference validator,
// with the compiled one and on a reused tape; "ratio" reports compiled over reference (ns/op measured
// interleaved in the same loop, so that the shared machine's load affects both alike, and
// allocs/op): lower is better.
func BenchmarkBindAnswer(b *testing.B) {
	v := mustNew(b)
	const name = "axb-bind.response"
	bodies := distinctBindAnswers(1 << 12)
	ref := func(body []byte) {
		if vs, err := v.Validate(name, body); err != nil || vs != nil {
			b.Fatalf("reference: %v %v", vs, err)
		}
	}
	comp := func(body []byte) {
		if vs, err := ValidateCompiledBody(name, body); err != nil || vs != nil {
			b.Fatalf("compiled: %v %v", vs, err)
		}
	}
	b.Run("reference", func(b *testing.B) {
		b.ReportAllocs()
		i := 0
		for b.Loop() {
			ref(bodies[i%len(bodies)])
			i++
		}
	})
	b.Run("compiled", func(b *testing.B) {
		b.ReportAllocs()
		i := 0
		for b.Loop() {
			comp(bodies[i%len(bodies)])
			i++
		}
	})
	b.Run("tape", func(b *testing.B) {
		b.ReportAllocs()
		var tp Tape
		i := 0
		for b.Loop() {
			if err := tp.Decode(bodies[i%len(bodies)]); err != nil {
				b.Fatal(err)
			}
			if vs, err := tp.Validate(name); err != nil || vs != nil {
				b.Fatalf("tape: %v %v", vs, err)
			}
			i++
		}
	})
	b.Run("ratio", func(b *testing.B) {
		var refT, compT time.Duration
		i := 0
		for b.Loop() {
			body := bodies[i%len(bodies)]
			i++
			t0 := time.Now()
			ref(body)
			t1 := time.Now()
			comp(body)
			compT += time.Since(t1)
			refT += t1.Sub(t0)
		}
		b.ReportMetric(float64(compT)/float64(refT), "ns-ratio")
		j := 0
		refA := testing.AllocsPerRun(200, func() { ref(bodies[j%len(bodies)]); j++ })
		compA := testing.AllocsPerRun(200, func() { comp(bodies[j%len(bodies)]); j++ })
		b.ReportMetric(compA/refA, "allocs-ratio")
		b.ReportMetric(float64(compT.Nanoseconds())/float64(i), "compiled-ns/op")
		b.ReportMetric(float64(refT.Nanoseconds())/float64(i), "reference-ns/op")
	})
}

// BenchmarkFeePush compares checking a valid fee push (what the receiver does with every push)
// by the reference alone and by ValidateCallback, which takes the compiled verdict.
func BenchmarkFeePush(b *testing.B) {
	v := mustNew(b)
	var body []byte
	for _, ex := range validExamples {
		if ex.name == "real 2022 AXB fee push" {
			body = []byte(ex.body)
		}
	}
	if body == nil {
		b.Fatal("no fee example")
	}
	b.Run("reference", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if vs, err := v.Validate("callback-fee.request", body); err != nil || vs != nil {
				b.Fatal(vs, err)
			}
		}
	})
	b.Run("ValidateCallback", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if vs := v.ValidateCallback("fee", body); vs != nil {
				b.Fatal(vs)
			}
		}
	})
}
