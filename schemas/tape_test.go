package schemas

import (
	"errors"
	"fmt"
	"slices"
	"testing"
	"time"
)

// distinctQueryAnswers are n AXB query answers, each with a subscriptionId of its own (what the
// load generator's benchmark endpoint answers), one of them with an escaped string.
func distinctQueryAnswers(n int) [][]byte {
	out := make([][]byte, n)
	for i := range out {
		out[i] = fmt.Appendf(nil, `{"resultcode":"0","resultdesc":"Success","relationNumList":[{"subscriptionId":"s-%08x",`+
			`"relationNum":"+8617001100000","callerNum":"+8613400000000","calleeNum":"+8613500000000","callDirection":0,"duration":0,`+
			`"maxDuration":0,"recordFlag":"false","privateSms":"false","subscribeTime":"2026-12-01 00:00:00","userData":"a\u00e9\"b"}],`+
			`"totalCount":1,"pageIndex":1,"pageSize":50}`, i)
	}
	return out
}

// TestTapeAllocatesNothing: decoding a valid answer into a reused tape and validating it
// allocates nothing once the tape has grown, which is what the load generator relies on to
// check every answer at a plain client's cost. Under the race detector the answers are still
// checked, their allocations are not.
func TestTapeAllocatesNothing(t *testing.T) {
	for _, c := range []struct {
		name   string
		bodies [][]byte
	}{{"axb-bind.response", distinctBindAnswers(64)}, {"axb-query.response", distinctQueryAnswers(64)}} {
		var tp Tape
		i := 0
		check := func() {
			if err := tp.Decode(c.bodies[i%len(c.bodies)]); err != nil {
				t.Fatal(err)
			}
			if vs, err := tp.Validate(c.name); err != nil || vs != nil {
				t.Fatalf("%s: %v %v", c.name, vs, err)
			}
			i++
		}
		check()
		if n := testing.AllocsPerRun(200, check); n != 0 && !raceEnabled {
			t.Errorf("%s: %v allocations per answer, want 0", c.name, n)
		}
	}
}

// TestTapeFields: Fields gives the root object's members in order, duplicates included, with
// decoded text, and nothing for another root; a failed Decode leaves null.
func TestTapeFields(t *testing.T) {
	var tp Tape
	if err := tp.Decode([]byte(`{"a":"x\u00e9","n":-1.5e3,"o":{"a":"in"},"a":null,"l":[1],"t":true}`)); err != nil {
		t.Fatal(err)
	}
	var got string
	tp.Fields(func(key []byte, kind Kind, text []byte) bool {
		got += fmt.Sprintf("%s:%d:%s;", key, kind, text)
		return true
	})
	if want := "a:3:xé;n:2:-1.5e3;o:4:;a:0:;l:5:;t:1:;"; got != want {
		t.Errorf("Fields: %s, want %s", got, want)
	}
	if tp.Root() != Object {
		t.Errorf("Root %v", tp.Root())
	}
	n := 0
	tp.Fields(func([]byte, Kind, []byte) bool { n++; return n < 2 })
	if n != 2 {
		t.Errorf("Fields went on after false: %d calls", n)
	}
	for body, kind := range map[string]Kind{`[{"a":1}]`: Array, `"s"`: String, `null`: Null, `0`: Number, `false`: Bool} {
		if err := tp.Decode([]byte(body)); err != nil {
			t.Fatal(err)
		}
		tp.Fields(func([]byte, Kind, []byte) bool { t.Errorf("%s: a field", body); return true })
		if tp.Root() != kind {
			t.Errorf("%s: Root %v, want %v", body, tp.Root(), kind)
		}
	}
	if err := tp.Decode([]byte(`{"a":1`)); err == nil || tp.Root() != Null || tp.Value() != nil {
		t.Errorf("truncated body: %v, root %v", err, tp.Root())
	}
	// A tape after a failed Decode, and the zero Tape, hold null, and validate it as null.
	ref, err := mustNew(t).Validate("error.response", []byte("null"))
	if err != nil || len(ref) == 0 {
		t.Fatalf("reference on null: %v %v", ref, err)
	}
	for _, tp := range []*Tape{&tp, new(Tape)} {
		if got, err := tp.Validate("error.response"); err != nil || !slices.Equal(located(got), located(ref)) {
			t.Errorf("null tape: %q %v, want %q", located(got), err, located(ref))
		}
	}
	if _, err := tp.Validate("nope"); !errors.Is(err, ErrUnknownSchema) {
		t.Errorf("unknown schema: %v", err)
	}
}

// BenchmarkQueryAnswer decodes and validates distinct AXB query answers (the load generator's
// benchmark workload) as decoded maps (DecodeDocument, ValidateDecoded) and on a reused tape;
// "ratio" reports the tape's time over the maps'.
func BenchmarkQueryAnswer(b *testing.B) {
	const name = "axb-query.response"
	bodies := distinctQueryAnswers(1 << 12)
	b.Run("decoded", func(b *testing.B) {
		b.ReportAllocs()
		i := 0
		for b.Loop() {
			d, err := DecodeDocument(bodies[i%len(bodies)])
			if err != nil {
				b.Fatal(err)
			}
			if vs, err := ValidateDecoded(name, d); err != nil || vs != nil {
				b.Fatal(vs, err)
			}
			i++
		}
	})
	var tp Tape
	onTape := func(body []byte) {
		if err := tp.Decode(body); err != nil {
			b.Fatal(err)
		}
		if vs, err := tp.Validate(name); err != nil || vs != nil {
			b.Fatal(vs, err)
		}
	}
	b.Run("tape", func(b *testing.B) {
		b.ReportAllocs()
		i := 0
		for b.Loop() {
			onTape(bodies[i%len(bodies)])
			i++
		}
	})
	// ratio: tape over decoded, the two timed alternately in one loop so that a shared
	// machine's load weighs on both alike.
	b.Run("ratio", func(b *testing.B) {
		var decT, tapeT time.Duration
		i := 0
		for b.Loop() {
			body := bodies[i%len(bodies)]
			i++
			t0 := time.Now()
			d, err := DecodeDocument(body)
			if err != nil {
				b.Fatal(err)
			}
			if vs, err := ValidateDecoded(name, d); err != nil || vs != nil {
				b.Fatal(vs, err)
			}
			t1 := time.Now()
			onTape(body)
			tapeT += time.Since(t1)
			decT += t1.Sub(t0)
		}
		b.ReportMetric(float64(tapeT)/float64(decT), "ns-ratio")
	})
}
