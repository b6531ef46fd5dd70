package conformance

import (
	"bytes"
	"context"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/pns-harness/pns-harness/reports"
)

// outcomesFeature has one of each thing godog reports differently: a pass, a failure with
// the steps after it skipped, a skipped @emulator scenario, an undefined step, an outline
// with a named Examples block, doc strings with and without a media type, a description.
const outcomesFeature = `@axb.bind
Feature: outcomes
  What godog reports of each kind of scenario.

  Scenario: passes
    Given the AXB app
    When I bind AXB with:
      """
      {"callerNum":"+8613800000001"}
      """
    Then the result code is "1010002"

  Scenario: fails
    Given the AXB app
    When I bind AXB with:
      """json
      {}
      """
    Then the result code is "0"
    And the result code is "1010002"

  @emulator
  Scenario: emulator only
    Given the AXB app
    Then the result code is "0"

  Scenario: undefined
    Given the AXB app
    Then nothing is defined for this step

  Scenario Outline: outline <code>
    Given the AXB app
    When I bind AXB with:
      """
      {}
      """
    Then the result code is "<code>"

    @row
    Examples: named rows
      | code    |
      | 1010002 |
      | 0       |
`

// TestOutcomesAreGodogs runs a suite with godog's own cucumber and junit formatters beside
// the runner's, and checks that the files written from the kept values are godog's: the
// cucumber JSON byte for byte, the JUnit document as godog's with only the skipped cases
// mended (its total time is the instant godog's formatter ran, so it is left out).
func TestOutcomesAreGodogs(t *testing.T) {
	srv := httptest.NewServer(fixed(403, `{"resultcode":"1010002","resultdesc":"Invalid request. callerNum"}`))
	defer srv.Close()
	tmp := t.TempDir()
	out := filepath.Join(tmp, "out")
	godogCuke, godogJUnit := filepath.Join(tmp, "godog.json"), filepath.Join(tmp, "godog.xml")
	p := DefaultProfile()
	p.Emulator = false // the @emulator scenario is skipped
	res, err := Run(context.Background(), Options{Target: srv.URL, Profile: p, OutDir: out, Concurrency: 3,
		Format: "progress,cucumber:" + godogCuke + ",junit:" + godogJUnit,
		FS:     fstest.MapFS{"outcomes.feature": &fstest.MapFile{Data: []byte(outcomesFeature)}}})
	if err != nil {
		t.Fatal(err)
	}
	if res.Passed != 2 || res.Failed != 3 || res.Skipped != 1 || res.Outcomes == nil {
		t.Fatalf("passed %d failed %d skipped %d outcomes %v: the feature did not run as meant: %+v", res.Passed, res.Failed, res.Skipped, res.Outcomes != nil, res.Scenarios)
	}

	want, got := readFile(t, godogCuke), readFile(t, filepath.Join(out, CucumberFile))
	if !bytes.Equal(got, want) {
		t.Errorf("cucumber.json differs from godog's:\n%s\ngodog's:\n%s", got, want)
	}
	var again bytes.Buffer
	if err := reports.WriteCucumber(&again, res.Outcomes.Cucumber); err != nil || !bytes.Equal(again.Bytes(), want) {
		t.Errorf("Result.Outcomes.Cucumber does not write godog's bytes (%v)", err)
	}

	gj, err := reports.ReadJUnit(readFile(t, godogJUnit))
	if err != nil {
		t.Fatal(err)
	}
	// godog's own formatter names the suite as the runner told godog (SuiteName#n, which leads
	// godog's factory to the run's collector); the runner's file says SuiteName.
	if gj.Skipped != 0 || !strings.HasPrefix(gj.Name, SuiteName+"#") {
		t.Fatalf("godog's junit: skipped %d name %q; the test expects godog's unmended document named %q#n", gj.Skipped, gj.Name, SuiteName)
	}
	gj.Name = SuiteName
	titles, err := featureTitles(fstest.MapFS{"outcomes.feature": &fstest.MapFile{Data: []byte(outcomesFeature)}}, res)
	if err != nil {
		t.Fatal(err)
	}
	mendJUnitSkips(gj, skipReasons(res, titles))
	oj, err := reports.ReadJUnit(readFile(t, filepath.Join(out, JUnitFile)))
	if err != nil {
		t.Fatal(err)
	}
	if oj.Skipped != 1 {
		t.Errorf("junit.xml: %d skipped cases, want the @emulator one", oj.Skipped)
	}
	gj.Time, oj.Time = "", ""
	var a, b bytes.Buffer
	if err := gj.Write(&a); err != nil {
		t.Fatal(err)
	}
	if err := oj.Write(&b); err != nil {
		t.Fatal(err)
	}
	if a.String() != b.String() {
		t.Errorf("junit.xml is not godog's mended:\n%s\nwant:\n%s", b.String(), a.String())
	}
}

// TestOutcomesOnlyWithOutDir: without an output directory nothing is kept or written.
func TestOutcomesOnlyWithOutDir(t *testing.T) {
	res := runFeature(t, outcomesFeature, fixed(403, `{"resultcode":"1010002","resultdesc":"Invalid request. callerNum"}`), false)
	if res.Outcomes != nil {
		t.Errorf("Outcomes kept without OutDir")
	}
}

func readFile(t *testing.T, path string) []byte {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return b
}
