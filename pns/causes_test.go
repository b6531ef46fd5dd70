package pns

import "testing"

// The table holds each code once, with a meaning and a stateDesc, and every code the
// current cause table of reference §7.7 lists (the groups of issue 24 included).
func TestHangupCauseTable(t *testing.T) {
	seen := map[int]bool{}
	for _, c := range HangupCauses() {
		if seen[c.Code] {
			t.Errorf("code %d listed twice", c.Code)
		}
		seen[c.Code] = true
		if c.Meaning == "" || c.StateDesc == "" {
			t.Errorf("code %d lacks a meaning or stateDesc: %+v", c.Code, c)
		}
		if c.Stage < StageInbound || c.Stage > StageTalk {
			t.Errorf("code %d: stage %d", c.Code, c.Stage)
		}
	}
	for _, code := range []int{0, 7501, 7502, 7503, 7507, 7516, 8033, 8047, 8048, 8049, 8050, 8051, 8055, 8056, 8057,
		8102, 8103, 8104, 8105, 7100, 7101, 7105, 7106, 7108, 8006, 8010, 7001, 7002, 7003, 7004, 7005, 7107, 7109,
		7500, 8018, 8023, 8024, 8042, 8043, 8044, 8046, 522, 8007, 8008, 8015, 8041, 7102, 8011, 8020, 8040, 8139,
		7505, 7506, 7508, 8030, 8031, 8032, 8013, 8014, 8016, 8019, 8022, 8025, 7504, 8035, 8100, 8101, 8017, 8009} {
		if _, ok := LookupHangupCause(code); !ok {
			t.Errorf("code %d of reference §7.7 is missing", code)
		}
	}
	if _, ok := LookupHangupCause(8045); ok {
		t.Error("8045 is in no table of the reference")
	}
	if c, _ := LookupHangupCause(8102); c.Group != CauseGroupCallee || c.Stage != StageCallout {
		t.Errorf("8102: %+v", c)
	}
}
