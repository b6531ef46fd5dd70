package conformance

import "testing"

// TestAXYBForcedCausesFeature runs axyb_causes.feature against the embedded emulator: each AXYB
// hang-up cause (8030-8032) forced through the call simulator (D91) ends the call as a routed
// AXYB failure does, in both directions of the relation.
func TestAXYBForcedCausesFeature(t *testing.T) {
	res := RunTest(t, Options{Tags: "@axyb.bind && @rule:business:forced-cause", OutDir: t.TempDir()})
	if res.Passed != 6 || res.Skipped != 0 || res.Failed != 0 {
		t.Errorf("passed %d, skipped %d, failed %d; want the 6 forced AXYB causes passed", res.Passed, res.Skipped, res.Failed)
	}
	assertCodeTags(t, res)
}
