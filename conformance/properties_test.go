package conformance

import (
	"context"
	"os"
	"strconv"
	"testing"
)

// propertyChecks is the number of generated values per field: PNS_PROPERTY_CHECKS (make fuzz
// sets it high), else a small number so that `go test` stays short.
func propertyChecks(t *testing.T) int {
	if s := os.Getenv("PNS_PROPERTY_CHECKS"); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil {
			t.Fatalf("PNS_PROPERTY_CHECKS=%q: %v", s, err)
		}
		return n
	}
	return 8
}

// TestPropertiesHoldOnEmulator runs the property checks of every number field of every
// interface against the embedded emulator: each generated value is judged by the request
// schema's format and length, and every binding created is removed again.
func TestPropertiesHoldOnEmulator(t *testing.T) {
	url, stop, err := StartEmulator()
	if err != nil {
		t.Fatal(err)
	}
	defer stop()
	rep, err := RunProperties(context.Background(), PropertyOptions{Target: url, Profile: EmulatorProfile(), Checks: propertyChecks(t)})
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range rep.Failed() {
		f := r.Failure
		t.Errorf("%s %s: %q: want %s (decision %q); sent %s; answer %s", r.Interface, r.Field, f.Value, f.Want, f.Decision, f.Request, f.Answer)
	}
	if len(rep.Cleanup) > 0 {
		t.Errorf("bindings left: %v", rep.Cleanup)
	}
	seen := map[string]bool{}
	for _, r := range rep.Results {
		seen[r.Interface] = true
		if r.Checks == 0 {
			t.Errorf("%s %s: no request sent", r.Interface, r.Field)
		}
	}
	if len(seen) != len(propSchemas) {
		t.Errorf("checked interfaces %v, want the %d with number fields", seen, len(propSchemas))
	}
	t.Logf("seed %d: %d fields, %d requests", rep.Seed, len(rep.Results), rep.Requests)
}
