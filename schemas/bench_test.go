package schemas

import "testing"

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
