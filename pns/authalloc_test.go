package pns

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"net/http"
	"testing"
	"time"
)

// TestDigestPoolInterleaved holds the pooled digest states to the plain computation when
// secrets and schemes alternate, so that a state keyed with one secret never signs for another.
func TestDigestPoolInterleaved(t *testing.T) {
	plainAKSK := func(secret, nonce, created string) string {
		m := hmac.New(sha256.New, []byte(secret))
		m.Write([]byte(nonce + created))
		return base64.StdEncoding.EncodeToString(m.Sum(nil))
	}
	plainWSSE := func(secret, nonce, created string) string {
		s := sha256.Sum256([]byte(nonce + created + secret))
		return base64.StdEncoding.EncodeToString(s[:])
	}
	secrets := []string{"s1", "another-secret", "", "s1"}
	for i := 0; i < 40; i++ {
		sec, nonce, created := secrets[i%len(secrets)], "N"+string(rune('a'+i%26)), "2026-12-06T23:00:00Z"
		if got, want := AKSKDigest(sec, nonce, created), plainAKSK(sec, nonce, created); got != want {
			t.Fatalf("AKSK %d: %s, want %s", i, got, want)
		}
		if got, want := WSSEDigest(sec, nonce, created), plainWSSE(sec, nonce, created); got != want {
			t.Fatalf("WSSE %d: %s, want %s", i, got, want)
		}
		for _, sc := range []Scheme{SchemeAKSK, SchemeWSSE} {
			tok := Token{Scheme: sc, Nonce: nonce, Created: created}
			tok.PasswordDigest = tok.Expected(sec)
			if !tok.DigestMatches(sec) || tok.DigestMatches(sec+"x") {
				t.Fatalf("%s %d: DigestMatches wrong for secret %q", sc, i, sec)
			}
			tok.PasswordDigest = tok.PasswordDigest[:len(tok.PasswordDigest)-1]
			if tok.DigestMatches(sec) {
				t.Fatalf("%s %d: a truncated digest matched", sc, i)
			}
		}
	}
}

// TestVerifyAllocatesNothing: parsing and verifying a signed request's headers, the
// emulator's and the receiver's per-request authentication, allocate nothing (issue 25).
func TestVerifyAllocatesNothing(t *testing.T) {
	if raceEnabled {
		t.Skip("sync.Pool drops items at random under the race detector")
	}
	now := time.Date(2026, 12, 6, 23, 0, 0, 0, time.UTC)
	for _, sc := range []Scheme{SchemeAKSK, SchemeWSSE} {
		s := Signer{AppKey: "app", AppSecret: "secret", Scheme: sc, Now: func() time.Time { return now }}
		h := http.Header{}
		s.Sign(h)
		allocs := testing.AllocsPerRun(100, func() {
			tok, perr := ParseRequestAuth(h)
			if perr != nil {
				t.Fatal(perr)
			}
			if _, err := tok.Verify("secret", VerifyOptions{Now: now, Skew: time.Minute}); err != nil {
				t.Fatal(err)
			}
		})
		if allocs != 0 {
			t.Errorf("%s: %.0f allocations per verified request, want 0", sc, allocs)
		}
	}
}

// TestParseUTCAllocatesNothing: the receiver parses every event's timestamp.
func TestParseUTCAllocatesNothing(t *testing.T) {
	if a := testing.AllocsPerRun(100, func() { _, _ = ParseUTC("2026-3-1 08:00:06") }); a != 0 {
		t.Errorf("%.0f allocations, want 0", a)
	}
}
