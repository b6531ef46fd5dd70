package loadtest

import (
	"encoding/json"
	"net/http"
	"testing"
	"time"

	"github.com/pns-harness/pns-harness/pns"
	"github.com/pns-harness/pns-harness/schemas"
)

// TestLoadSignerMatchesPNS: for the same nonce and time, the load signer's headers are the ones
// pns.Signer.Sign sets, and fresh headers verify with the secret and carry distinct nonces.
func TestLoadSignerMatchesPNS(t *testing.T) {
	tests := []struct{ key, secret, nonce string }{
		{"demo-axb", "demo-axb-secret", "0123456789ABCDEF0123456789ABCDEF"},
		{"k", "", "FFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFF"},
		{"app with space", "s3cr3t/+=", "00000000000000000000000000000000"},
	}
	now := time.Date(2026, 11, 27, 5, 40, 59, 999, time.UTC)
	for _, tc := range tests {
		t.Run(tc.key, func(t *testing.T) {
			want := http.Header{}
			want.Set("Content-Type", pns.ContentTypeJSON)
			pns.Signer{AppKey: tc.key, AppSecret: tc.secret, Scheme: pns.SchemeAKSK,
				Now: func() time.Time { return now }, Nonce: func() string { return tc.nonce }}.Sign(want)
			s := newLoadSigner(tc.key, tc.secret)
			st := s.states.Get().(*signState)
			for range 2 { // the second round reuses the HMAC state and buffers
				got := s.header()
				got.Set(pns.HeaderXAKSK, s.token(st, []byte(tc.nonce), s.createdAt(now)))
				if len(got) != len(want) {
					t.Fatalf("headers %v, want %v", got, want)
				}
				for k, v := range want {
					if len(got[k]) != 1 || got[k][0] != v[0] {
						t.Errorf("%s = %q, want %q", k, got[k], v)
					}
				}
			}
			seen := map[string]bool{}
			for range 100 {
				h := s.header()
				tok, perr := pns.ParseRequestAuth(h)
				if perr != nil {
					t.Fatalf("parse %v: %v", h, perr)
				}
				if _, verr := tok.Verify(tc.secret, pns.VerifyOptions{Now: time.Now(), Skew: 5 * time.Minute}); verr != nil {
					t.Fatalf("verify %v: %v", h, verr)
				}
				if len(tok.Nonce) != 32 || seen[tok.Nonce] {
					t.Fatalf("nonce %q: want 32 characters, never repeated", tok.Nonce)
				}
				seen[tok.Nonce] = true
			}
		})
	}
}

// TestLoadSignerHeaderInto: signing into a recycled header map gives the headers a fresh map
// gets (each verifying, with a new nonce), whatever the map held before, and reuses the map.
func TestLoadSignerHeaderInto(t *testing.T) {
	s := newLoadSigner("demo-axb", "demo-axb-secret")
	var prev string
	for i, old := range []http.Header{
		nil,
		{},
		{"Content-Type": {"application/json"}}, // a call step's header
		{"Content-Type": {"x"}, "Authorization": {"y"}, "X-Aksk": {"a", "b"}},    // two tokens
		{"Content-Type": {"x"}, "Authorization": {"y"}, "X-Other": {"z"}},        // three keys, not ours
		{"Content-Type": {"x"}, "Authorization": {"y"}, "X-Aksk": {"old token"}}, // a previous request's
	} {
		h := s.headerInto(old)
		if old != nil {
			h["X-Marker"] = []string{"kept?"} // the map itself is the one given
			if old["X-Marker"] == nil {
				t.Fatalf("case %d: headerInto made a new map instead of filling the one given", i)
			}
			delete(h, "X-Marker")
		}
		if len(h) != 3 || h.Get("Content-Type") != pns.ContentTypeJSON || h.Get("Authorization") != pns.AuthorizationValue(pns.SchemeAKSK) || len(h.Values(pns.HeaderXAKSK)) != 1 {
			t.Fatalf("case %d: %v", i, h)
		}
		tok, err := pns.ParseRequestAuth(h)
		if err != nil {
			t.Fatalf("case %d: parse %v: %v", i, h, err)
		}
		if _, err := tok.Verify("demo-axb-secret", pns.VerifyOptions{Now: time.Now(), Skew: 5 * time.Minute}); err != nil {
			t.Fatalf("case %d: verify %v: %v", i, h, err)
		}
		if tok.Nonce == prev {
			t.Fatalf("case %d: nonce %q repeated", i, tok.Nonce)
		}
		prev = tok.Nonce
	}
}

// TestAppendBindBodyMatchesMarshal: the append-built bind bodies are byte for byte what
// json.Marshal writes for the pns request types.
func TestAppendBindBodyMatchesMarshal(t *testing.T) {
	tests := []struct {
		name                   string
		a, b, x, ext, area, mm string
	}{
		{"x given", "+8613400000001", "+8613500000001", "+8617001100000", "0001", "0755", "1"},
		{"platform chooses", "+8613400000001", "+8613500000001", "", "", "0755", "1"},
		{"no area", "+8613400000001", "+8613500000001", "", "", "", ""},
		{"escaping", `a"<>&\` + "\u2028é\x01", "b\xff", "", "x\ty", "", "1"},
		{"empty numbers", "", "", "", "", "", ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			area, mm := tc.area, tc.mm
			if tc.x != "" {
				area, mm = "", ""
			}
			secs, mins := 361, 7 // a lifetime of 6m0.5s: seconds and minutes rounded up
			axybMin := 60        // an AXYB duration is at least 60 s (§6.2)
			for _, m := range []struct {
				mode     pns.Mode
				lifetime time.Duration
				v        any
			}{
				{pns.ModeAXB, 0, pns.AXBBindRequest{CallerNum: tc.a, CalleeNum: tc.b, RelationNum: tc.x, AreaCode: area, AreaMatchMode: mm}},
				{pns.ModeAX, 0, pns.AXBindRequest{OrigNum: tc.a, PrivateNum: tc.x, AreaCode: area, AreaMatchMode: mm}},
				{pns.ModeAXE, 0, pns.AXEBindRequest{BindNum: tc.a, VirtualNum: tc.x, ExtendNum: tc.ext, AreaCode: area, AreaMatchMode: mm}},
				{pns.ModeAXB, 6*time.Minute + time.Second/2, pns.AXBBindRequest{CallerNum: tc.a, CalleeNum: tc.b, RelationNum: tc.x, AreaCode: area, AreaMatchMode: mm, Duration: &secs}},
				{pns.ModeAX, 6*time.Minute + time.Second/2, pns.AXBindRequest{OrigNum: tc.a, PrivateNum: tc.x, AreaCode: area, AreaMatchMode: mm}},
				{pns.ModeAXE, 6*time.Minute + time.Second/2, pns.AXEBindRequest{BindNum: tc.a, VirtualNum: tc.x, ExtendNum: tc.ext, AreaCode: area, AreaMatchMode: mm, TimeUnit: "1", BindExpiredTime: &mins}},
				{pns.ModeAXYB, 0, pns.AXYBBindRequest{OrigNum: tc.a, AreaCode: area, AreaMatchMode: mm}},
				{pns.ModeAXYB, 6*time.Minute + time.Second/2, pns.AXYBBindRequest{OrigNum: tc.a, AreaCode: area, AreaMatchMode: mm, Duration: &secs}},
				{pns.ModeAXYB, time.Second, pns.AXYBBindRequest{OrigNum: tc.a, AreaCode: area, AreaMatchMode: mm, Duration: &axybMin}},
			} {
				want, err := json.Marshal(m.v)
				if err != nil {
					t.Fatal(err)
				}
				got := appendBindBody(nil, m.mode, tc.a, tc.b, tc.x, tc.ext, tc.area, tc.mm, m.lifetime)
				if string(got) != string(want) {
					t.Errorf("%s %s: got  %s\nwant %s", m.mode, m.lifetime, got, want)
				}
			}
		})
	}
}

// TestLoadModesCoverModes: every mode the load can run has a row in loadModes, so that a new
// mode cannot reach the bind builder, the call or cleanup without its facts.
func TestLoadModesCoverModes(t *testing.T) {
	for _, m := range pns.Modes {
		lm, ok := loadModes[m]
		if !ok || lm.caller == nil || lm.reconcile == nil || len(lm.bindOrder) == 0 {
			t.Errorf("%s: loadModes row missing or incomplete: %+v", m, lm)
		}
		// The answer's X: a bind answer of the mode is read by answer.x().
		field := m.Spec().AnswerX
		var a answer
		var tp schemas.Tape
		if err := tp.Decode([]byte(`{"` + field + `":"+8617000000001"}`)); err != nil {
			t.Fatal(err)
		}
		decoded, _, _, exact := answerFromTape(&tp, &a)
		if !decoded || !exact || a.x() != "+8617000000001" {
			t.Errorf("%s: answer field %q not read as X (decoded %v, exact %v, x %q)", m, field, decoded, exact, a.x())
		}
	}
}
