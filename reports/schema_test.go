package reports

import (
	"bytes"
	"os"
	"strings"
	"testing"
	"time"
)

func TestSummarySchema(t *testing.T) {
	full := fixtureSummary(t)
	var fullJSON, emptyJSON bytes.Buffer
	if err := WriteJSON(&fullJSON, full); err != nil {
		t.Fatal(err)
	}
	if err := WriteJSON(&emptyJSON, &Summary{}); err != nil {
		t.Fatal(err)
	}
	golden, err := os.ReadFile("testdata/summary.json.golden")
	if err != nil {
		t.Fatal(err)
	}
	// Every optional field set at least once, so additionalProperties:false sees all of them.
	every := fixtureSummary(t)
	every.Errors = []string{"e"}
	every.Conformance.Scenarios[0].Attachments = []Attachment{{Name: "n", MediaType: "image/png", Step: "s", Base64: "iVBO"}}
	every.Load.Scenarios[0].Warnings = []string{"w"}
	every.Load.Scenarios[0].Histogram.DroppedOnMerge = 2
	every.Load.Scenarios[1].Steps[0].DroppedOnMerge = 1
	every.Callbacks.Events[0].DroppedOnMerge = 1
	every.Load.Scenarios[0].Cleanup = &LoadCleanup{Bound: 3, Leaked: 1, Unknown: 1, Problem: "left 1 binding(s) behind"}
	every.Load.Scenarios[0].ShardRates = []ShardRate{{Shard: "0/2", Points: []ShardRatePoint{{T: time.Second, TargetRate: 5, AchievedRate: 4}}}}
	var everyJSON bytes.Buffer
	if err := WriteJSON(&everyJSON, every); err != nil {
		t.Fatal(err)
	}
	valid := map[string]string{"full": fullJSON.String(), "empty": emptyJSON.String(), "golden": string(golden), "every": everyJSON.String()}
	for name, doc := range valid {
		if err := ValidateSummaryJSON([]byte(doc)); err != nil {
			t.Errorf("%s summary does not validate: %v", name, err)
		}
	}

	invalid := []struct{ name, from, to string }{
		{"unknown top-level field", `"schemaVersion": 1,`, `"schemaVersion": 1, "extra": true,`},
		{"wrong version", `"schemaVersion": 1,`, `"schemaVersion": 2,`},
		{"duration as string", `"duration": 60000000000,`, `"duration": "1m0s",`},
		{"bad status", `"status": "failed"`, `"status": "broken"`},
		{"bad time", `"start": "`, `"start": "yesterday", "x": "`},
	}
	for _, tt := range invalid {
		t.Run(tt.name, func(t *testing.T) {
			doc := strings.Replace(fullJSON.String(), tt.from, tt.to, 1)
			if doc == fullJSON.String() {
				t.Fatalf("mutation %q not applied", tt.from)
			}
			if err := ValidateSummaryJSON([]byte(doc)); err == nil {
				t.Error("invalid summary accepted")
			}
		})
	}
}
