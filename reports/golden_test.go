package reports

import (
	"bytes"
	"flag"
	"os"
	"path/filepath"
	"strconv"
	"testing"
)

var update = flag.Bool("update", false, "rewrite testdata/*.golden from the current output")

// golden compares got with testdata/name, or rewrites the file with -update.
func golden(t *testing.T, name string, got []byte) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *update {
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test ./reports -run TestGolden -update to create it)", err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("%s differs from golden file (-update to accept):\n%s", name, firstDiff(want, got))
	}
}

// firstDiff shows the first differing line with some context.
func firstDiff(want, got []byte) string {
	wl, gl := bytes.Split(want, []byte("\n")), bytes.Split(got, []byte("\n"))
	for i := 0; i < len(wl) || i < len(gl); i++ {
		var w, g []byte
		if i < len(wl) {
			w = wl[i]
		}
		if i < len(gl) {
			g = gl[i]
		}
		if !bytes.Equal(w, g) {
			return "line " + strconv.Itoa(i+1) + ":\n  want: " + string(w) + "\n   got: " + string(g)
		}
	}
	return "(same lines, different bytes)"
}

func TestGolden(t *testing.T) {
	s := fixtureSummary(t)
	Normalize(s)
	tests := []struct {
		file  string
		write func(*bytes.Buffer, *Summary) error
	}{
		{"summary.json.golden", func(b *bytes.Buffer, s *Summary) error { return WriteJSON(b, s) }},
		{"junit.xml.golden", func(b *bytes.Buffer, s *Summary) error { return WriteJUnit(b, s) }},
		{"ctrf.json.golden", func(b *bytes.Buffer, s *Summary) error { return WriteCTRF(b, s) }},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			var b bytes.Buffer
			if err := tt.write(&b, s); err != nil {
				t.Fatal(err)
			}
			golden(t, tt.file, b.Bytes())
		})
	}
}

// TestNormalizeMakesRunsComparable renders two fixtures built at different times and checks
// that normalisation removes every difference.
func TestNormalizeMakesRunsComparable(t *testing.T) {
	a, b := fixtureSummary(t), fixtureSummary(t)
	b.Manifest.Start = b.Manifest.Start.Add(3 * 3600e9)
	b.Manifest.End = b.Manifest.End.Add(5 * 3600e9)
	b.Manifest.Machine.Hostname = "other-host"
	b.Conformance.Scenarios[0].Duration += 12345
	b.Conformance.Scenarios[0].Steps[0].Duration += 12345
	var ja, jb bytes.Buffer
	if err := WriteJSON(&ja, a); err != nil {
		t.Fatal(err)
	}
	if err := WriteJSON(&jb, b); err != nil {
		t.Fatal(err)
	}
	if bytes.Equal(ja.Bytes(), jb.Bytes()) {
		t.Fatal("fixture differences did not show in the output; test is ineffective")
	}
	Normalize(a)
	Normalize(b)
	ja.Reset()
	jb.Reset()
	if err := WriteJSON(&ja, a); err != nil {
		t.Fatal(err)
	}
	if err := WriteJSON(&jb, b); err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(ja.Bytes(), jb.Bytes()) {
		t.Errorf("normalised summaries differ:\n%s", firstDiff(ja.Bytes(), jb.Bytes()))
	}
}

// TestJUnitModelRoundTrip: the JUnit model reads the report's own junit.xml and writes it back
// byte for byte, so that the conformance suite, which reads godog's file into it and writes it
// back, and WriteJUnit share one model that loses nothing either writes.
func TestJUnitModelRoundTrip(t *testing.T) {
	want, err := os.ReadFile(filepath.Join("testdata", "junit.xml.golden"))
	if err != nil {
		t.Fatal(err)
	}
	doc, err := ReadJUnit(want)
	if err != nil {
		t.Fatal(err)
	}
	var got bytes.Buffer
	if err := doc.Write(&got); err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got.Bytes(), want) {
		t.Errorf("junit.xml.golden read and written back differs:\n%s", got.Bytes())
	}
}
