package schemas

import "testing"

func TestValidateCallback(t *testing.T) {
	v, err := New()
	if err != nil {
		t.Fatal(err)
	}
	ok := []byte(`{"eventType":"callin","statusInfo":{"sessionId":"s1","timestamp":"2026-11-27 04:00:00","caller":"+8613800000001","called":"+8617000000001"}}`)
	if got := v.ValidateCallback("event", ok); got != nil {
		t.Errorf("valid event: %v", got)
	}
	if got := v.ValidateCallback("event", []byte(`{"eventType":"callin"}`)); len(got) == 0 {
		t.Error("event without statusInfo passed")
	}
	if got := v.ValidateCallback("nonsense", ok); len(got) != 1 {
		t.Errorf("unknown kind: %v, want one violation", got)
	}
	if got := (*Validator)(nil).ValidateCallback("event", ok); len(got) != 1 {
		t.Errorf("nil Validator: %v, want one violation (no validator, no verdict)", got)
	}
	// An invalid push is reported in the reference's words.
	bad := []byte(`{"eventType":"callin","statusInfo":{"sessionId":"s1","timestamp":"2026-11-27 04:00:00","caller":"+8613800000001","called":"x","stateCode":"1"}}`)
	vs, err := v.Validate("callback-event.request", bad)
	if err != nil || len(vs) == 0 {
		t.Fatalf("reference: %v %v", vs, err)
	}
	if got := v.ValidateCallback("event", bad); len(got) != len(vs) || got[0] != vs[0].String() {
		t.Errorf("invalid event: %q, want the reference's %v", got, vs)
	}
}
