package pns

import (
	"net/http"
	"testing"
	"time"
)

// The worked example of reference §2.3.
const (
	exKey     = "pnsDemoAppKey0001"
	exSecret  = "pnsDemoAppSecret0001"
	exNonce   = "66C92B11FF8A425FB8D4CCFE0ED9ED1F"
	exCreated = "2018-02-12T15:30:20Z"
)

func TestDigestWorkedExample(t *testing.T) {
	if got, want := AKSKDigest(exSecret, exNonce, exCreated), "edoPv9NeDOQEyccAt9HCo29kOyU0bLmIdLylp9OjFNk="; got != want {
		t.Errorf("AKSKDigest = %q, want %q", got, want)
	}
	if got, want := WSSEDigest(exSecret, exNonce, exCreated), "1VveoXaFc2qWs6HuUjAM2WJAK6zk76kQj4YnDO9dC0E="; got != want {
		t.Errorf("WSSEDigest = %q, want %q", got, want)
	}
	// The common client mistakes of §2.3 must not verify.
	for _, bad := range []string{
		"USDOhlsuIvICV9DD6a+XGoEYZSN9q8Dc1N2FMqza57M=",
		"7boj1oLprqmuAriO7VPOPahKj/Swl7vgN+rEdiEMqZQ=",
		"NzlkYTBmYmZkMzVlMGNlNDA0YzljNzAwYjdkMWMyYTM2ZjY0M2IyNTM0NmNiOTg4NzRiY2E1YTdkM2EzMTRkOQ==",
	} {
		tok := Token{Scheme: SchemeAKSK, Username: exKey, PasswordDigest: bad, Nonce: exNonce, Created: exCreated}
		if tok.DigestMatches(exSecret) {
			t.Errorf("mistaken digest %q verified", bad)
		}
	}
}

func TestSignerHeadersMatchExample(t *testing.T) {
	s := Signer{AppKey: exKey, AppSecret: exSecret,
		Now:   func() time.Time { return time.Date(2018, 2, 12, 15, 30, 20, 0, time.UTC) },
		Nonce: func() string { return exNonce }}
	h := http.Header{}
	s.Sign(h)
	if got, want := h.Get("Authorization"), `AKSK realm="SDP",profile="UsernameToken",type="Appkey"`; got != want {
		t.Errorf("Authorization = %q, want %q", got, want)
	}
	want := `UsernameToken Username="pnsDemoAppKey0001",PasswordDigest="edoPv9NeDOQEyccAt9HCo29kOyU0bLmIdLylp9OjFNk=",Nonce="66C92B11FF8A425FB8D4CCFE0ED9ED1F",Created="2018-02-12T15:30:20Z"`
	if got := h.Get("X-AKSK"); got != want {
		t.Errorf("X-AKSK = %q\nwant    %q", got, want)
	}
	tok, perr := ParseRequestAuth(h)
	if perr != nil {
		t.Fatalf("ParseRequestAuth: %v", perr)
	}
	// A live request with the 2018 Created is rejected on time before the digest (§2.3).
	if _, err := tok.Verify(exSecret, VerifyOptions{Now: time.Now(), Skew: 300 * time.Second}); err == nil || err.Code != CodeTimeOutLimit {
		t.Errorf("Verify now = %v, want 1010013", err)
	}
	if _, err := tok.Verify(exSecret, VerifyOptions{Now: time.Date(2018, 2, 12, 15, 31, 0, 0, time.UTC), Skew: 300 * time.Second}); err != nil {
		t.Errorf("Verify at Created = %v, want ok", err)
	}
	if _, err := tok.Verify("other", VerifyOptions{Now: time.Date(2018, 2, 12, 15, 31, 0, 0, time.UTC), Skew: 300 * time.Second}); err == nil || err.Code != CodeInvalidDigest {
		t.Errorf("Verify wrong secret = %v, want 1010010", err)
	}
}

func TestParseRequestAuth(t *testing.T) {
	const auth = `AKSK realm="SDP",profile="UsernameToken",type="Appkey"`
	const tok = `UsernameToken Username="k",PasswordDigest="d+/=",Nonce="n",Created="2018-02-12T15:30:20Z"`
	cases := []struct {
		name    string
		hdr     map[string]string
		want    Code
		wantTok Token
	}{
		{"ok", map[string]string{"Authorization": auth, "X-AKSK": tok}, "", Token{SchemeAKSK, "k", "d+/=", "n", "2018-02-12T15:30:20Z"}},
		{"spaces after commas and around =", map[string]string{"authorization": `AKSK realm = "SDP", profile="UsernameToken" ,	type="Appkey"`, "x-aksk": `UsernameToken Username="k", PasswordDigest="d", Nonce="n", Created="c"`}, "", Token{SchemeAKSK, "k", "d", "n", "c"}},
		{"attributes in any order", map[string]string{"Authorization": `AKSK type="Appkey",realm="SDP",profile="UsernameToken"`, "X-AKSK": `UsernameToken Created="c",Nonce="n",PasswordDigest="d",Username="k"`}, "", Token{SchemeAKSK, "k", "d", "n", "c"}},
		{"first duplicate wins", map[string]string{"Authorization": auth, "X-AKSK": `UsernameToken Username="k",Username="z",PasswordDigest="d",Nonce="n",Created="c"`}, "", Token{SchemeAKSK, "k", "d", "n", "c"}},
		{"no authorization", map[string]string{"X-AKSK": tok}, CodeAuthorizationMissing, Token{}},
		{"empty authorization", map[string]string{"Authorization": "  ", "X-AKSK": tok}, CodeAuthorizationMissing, Token{}},
		{"bearer", map[string]string{"Authorization": "Bearer abc", "X-AKSK": tok}, CodeRealmMissing, Token{}},
		{"profile missing", map[string]string{"Authorization": `AKSK realm="SDP",type="Appkey"`, "X-AKSK": tok}, CodeProfileMissing, Token{}},
		{"type missing", map[string]string{"Authorization": `AKSK realm="SDP",profile="UsernameToken"`, "X-AKSK": tok}, CodeTypeMissing, Token{}},
		{"realm wrong", map[string]string{"Authorization": `AKSK realm="sdp",profile="UsernameToken",type="Appkey"`, "X-AKSK": tok}, CodeRealmInvalid, Token{}},
		{"profile wrong", map[string]string{"Authorization": `AKSK realm="SDP",profile="Token",type="Appkey"`, "X-AKSK": tok}, CodeProfileInvalid, Token{}},
		{"type wrong", map[string]string{"Authorization": `AKSK realm="SDP",profile="UsernameToken",type="app_key"`, "X-AKSK": tok}, CodeTypeInvalid, Token{}},
		{"realm unquoted counts as missing", map[string]string{"Authorization": `AKSK realm=SDP,profile="UsernameToken",type="Appkey"`, "X-AKSK": tok}, CodeRealmMissing, Token{}},
		{"realm misspelled counts as missing", map[string]string{"Authorization": `AKSK Realm="SDP",profile="UsernameToken",type="Appkey"`, "X-AKSK": tok}, CodeRealmMissing, Token{}},
		{"x-aksk missing", map[string]string{"Authorization": auth}, CodeXAKSKMissing, Token{}},
		{"not UsernameToken", map[string]string{"Authorization": auth, "X-AKSK": `Username="k",PasswordDigest="d",Nonce="n",Created="c"`}, CodeUsernameTokenMissing, Token{}},
		{"username missing", map[string]string{"Authorization": auth, "X-AKSK": `UsernameToken PasswordDigest="d",Nonce="n",Created="c"`}, CodeUsernameMissing, Token{}},
		{"UserName spelled differently", map[string]string{"Authorization": auth, "X-AKSK": `UsernameToken UserName="k",PasswordDigest="d",Nonce="n",Created="c"`}, CodeUsernameMissing, Token{}},
		{"nonce missing", map[string]string{"Authorization": auth, "X-AKSK": `UsernameToken Username="k",PasswordDigest="d",Created="c"`}, CodeNonceMissing, Token{}},
		{"created missing", map[string]string{"Authorization": auth, "X-AKSK": `UsernameToken Username="k",PasswordDigest="d",Nonce="n"`}, CodeCreatedMissing, Token{}},
		{"digest empty", map[string]string{"Authorization": auth, "X-AKSK": `UsernameToken Username="k",PasswordDigest="",Nonce="n",Created="c"`}, CodeDigestMissing, Token{}},
		{"a character after the last attribute: Created counts as missing", map[string]string{"Authorization": auth, "X-AKSK": tok + "x"}, CodeCreatedMissing, Token{}},
		{"a character after a middle attribute: Nonce counts as missing", map[string]string{"Authorization": auth, "X-AKSK": `UsernameToken Username="k",PasswordDigest="d",Nonce="n"x,Created="c"`}, CodeNonceMissing, Token{}},
		{"a quote after the last attribute: Created counts as missing", map[string]string{"Authorization": auth, "X-AKSK": tok + `"`}, CodeCreatedMissing, Token{}},
		{"a character after type: type counts as missing", map[string]string{"Authorization": auth + "x", "X-AKSK": tok}, CodeTypeMissing, Token{}},
		{"spaces after the last attribute and a trailing comma are fine", map[string]string{"Authorization": auth + " \t", "X-AKSK": tok + " ,"}, "", Token{SchemeAKSK, "k", "d+/=", "n", "2018-02-12T15:30:20Z"}},
		{"wsse path", map[string]string{"Authorization": `WSSE realm="SDP", profile="UsernameToken", type="Appkey"`, "X-WSSE": tok}, "", Token{SchemeWSSE, "k", "d+/=", "n", "2018-02-12T15:30:20Z"}},
		{"wsse header missing", map[string]string{"Authorization": `wsse realm="SDP",profile="UsernameToken",type="Appkey"`, "X-AKSK": tok}, CodeXWSSEMissing, Token{}},
		{"wsse nonce missing", map[string]string{"Authorization": `WSSE realm="SDP",profile="UsernameToken",type="Appkey"`, "X-WSSE": `UsernameToken Username="k",PasswordDigest="d",Created="c"`}, CodeWSSENonceMissing, Token{}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			h := http.Header{}
			for k, v := range c.hdr {
				h.Set(k, v)
			}
			got, err := ParseRequestAuth(h)
			if c.want == "" {
				if err != nil {
					t.Fatalf("err = %v, want ok", err)
				}
				if got != c.wantTok {
					t.Fatalf("token = %+v, want %+v", got, c.wantTok)
				}
				return
			}
			if err == nil || err.Code != c.want {
				t.Fatalf("err = %v, want %s", err, c.want)
			}
			if err.Desc != c.want.Desc() {
				t.Errorf("desc = %q, want %q", err.Desc, c.want.Desc())
			}
		})
	}
}

func TestVerifyRules(t *testing.T) {
	now := time.Date(2026, 3, 1, 8, 0, 0, 0, time.UTC)
	mk := func(scheme Scheme, nonce string, created time.Time, secret string) Token {
		s := Signer{AppKey: "k", AppSecret: secret, Scheme: scheme, Now: func() time.Time { return created }, Nonce: func() string { return nonce }}
		return s.Token()
	}
	opts := VerifyOptions{Now: now, Skew: 300 * time.Second, LocalOffset: 8 * time.Hour}
	cases := []struct {
		name      string
		tok       Token
		want      Code
		localTime bool
	}{
		{"fresh", mk(SchemeAKSK, "n", now, "s"), "", false},
		{"299s old", mk(SchemeAKSK, "n", now.Add(-299*time.Second), "s"), "", false},
		{"301s old", mk(SchemeAKSK, "n", now.Add(-301*time.Second), "s"), CodeTimeOutLimit, false},
		{"301s ahead", mk(SchemeAKSK, "n", now.Add(301*time.Second), "s"), CodeTimeOutLimit, false},
		{"one day old", mk(SchemeAKSK, "n", now.Add(-24*time.Hour), "s"), CodeTimeOutLimit, false},
		{"local time as UTC", mk(SchemeAKSK, "n", now.Add(8*time.Hour+10*time.Second), "s"), "", true},
		{"nonce 128", mk(SchemeAKSK, string(make129()[:128]), now, "s"), "", false},
		{"nonce 129", mk(SchemeAKSK, string(make129()), now, "s"), CodeInvalidDigest, false},
		{"wrong secret", mk(SchemeAKSK, "n", now, "other"), CodeInvalidDigest, false},
		{"wsse ok", mk(SchemeWSSE, "n", now, "s"), "", false},
		{"malformed created", Token{SchemeAKSK, "k", "d", "n", "2026-03-01 08:00:00"}, CodeTimeOutLimit, false},
		{"malformed created wsse", Token{SchemeWSSE, "k", "d", "n", "2026-03-01T08:00:00.000Z"}, CodeWSSECreatedInvalid, false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			lt, err := c.tok.Verify("s", opts)
			if c.want == "" {
				if err != nil {
					t.Fatalf("err = %v", err)
				}
			} else if err == nil || err.Code != c.want {
				t.Fatalf("err = %v, want %s", err, c.want)
			}
			if lt != c.localTime {
				t.Errorf("localTime = %v, want %v", lt, c.localTime)
			}
		})
	}
}

func make129() []byte {
	b := make([]byte, 129)
	for i := range b {
		b[i] = 'a'
	}
	return b
}

func FuzzParseRequestAuth(f *testing.F) {
	f.Add(`AKSK realm="SDP",profile="UsernameToken",type="Appkey"`, `UsernameToken Username="k",PasswordDigest="d",Nonce="n",Created="2018-02-12T15:30:20Z"`)
	f.Add(`WSSE realm="SDP", profile="UsernameToken", type="Appkey"`, `UsernameToken Username="k"`)
	f.Add(`AKSK realm="`, `UsernameToken ,,,=""`)
	f.Fuzz(func(t *testing.T, auth, tok string) {
		h := http.Header{}
		h.Set("Authorization", auth)
		h.Set("X-AKSK", tok)
		h.Set("X-WSSE", tok)
		got, err := ParseRequestAuth(h)
		if err != nil {
			if _, ok := Lookup(err.Code); !ok {
				t.Fatalf("unknown code %s", err.Code)
			}
			if err.Code.HTTPStatus() != 400 {
				t.Fatalf("parse error %s has status %d, want 400", err.Code, err.Code.HTTPStatus())
			}
			return
		}
		if got.Username == "" || got.Nonce == "" || got.Created == "" || got.PasswordDigest == "" {
			t.Fatalf("accepted token with empty attribute: %+v", got)
		}
		_, _ = got.Verify("s", VerifyOptions{Now: time.Now(), Skew: time.Minute})
	})
}

// FuzzParseCreatedFast: ParseCreated's fast path accepts only what time.Parse(CreatedLayout)
// accepts, with the same instant, and everything ParseCreated returns is time.Parse's.
func FuzzParseCreatedFast(f *testing.F) {
	for _, s := range []string{"2026-03-01T08:00:00Z", "2024-02-29T23:59:59Z", "2023-02-29T00:00:00Z", "2026-13-01T00:00:00Z",
		"2026-00-10T00:00:00Z", "2026-04-31T00:00:00Z", "2026-04-30T24:00:00Z", "2026-04-30T23:60:00Z", "2026-04-30T23:00:60Z",
		"0000-01-01T00:00:00Z", "9999-12-31T23:59:59Z", "2026-03-01 08:00:00Z", "2026-03-01T08:00:00z", "2026-3-01T08:00:00Z",
		"+026-03-01T08:00:00Z", "2026-03-01T8:00:00ZZ", "2026-03-01T08:00:0-Z", "2026-03-00T08:00:00Z", "2026-03-01T08:00:00"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		want, werr := time.Parse(CreatedLayout, s)
		if len(s) == len(CreatedLayout) {
			if got, ok := parseCreatedFast(s); ok && (werr != nil || !got.Equal(want) || got.Location() != want.Location()) {
				t.Fatalf("%q: fast %v, time.Parse %v %v", s, got, want, werr)
			}
		}
		got, err := ParseCreated(s)
		if err == nil && (werr != nil || !got.Equal(want)) {
			t.Fatalf("%q: ParseCreated %v, time.Parse %v %v", s, got, want, werr)
		}
		if err != nil && werr == nil && len(s) == len(CreatedLayout) {
			t.Fatalf("%q: ParseCreated refuses what time.Parse accepts (%v)", s, want)
		}
	})
}

// TestParseCreatedFastTakesWellFormed: a Created as signers format it takes the fast path
// (FuzzParseCreatedFast alone would pass with a fast path that never answers).
func TestParseCreatedFastTakesWellFormed(t *testing.T) {
	for _, tm := range []time.Time{time.Date(2026, 3, 1, 8, 0, 0, 0, time.UTC), time.Date(2024, 2, 29, 23, 59, 59, 0, time.UTC)} {
		got, ok := parseCreatedFast(FormatCreated(tm))
		if !ok || !got.Equal(tm) {
			t.Errorf("%v: fast path %v %v", tm, got, ok)
		}
	}
}
