package pns

import (
	"net/http"
	"strings"
	"testing"
)

// refParseRequestAuth is ParseRequestAuth as it was before issue 25 (attribute maps and
// http.Header.Get); FuzzParseRequestAuthAsMaps holds the allocation-free version to it.
func refParseRequestAuth(h http.Header) (Token, *Error) {
	auth := strings.TrimSpace(h.Get(HeaderAuthorization))
	if auth == "" {
		return Token{}, NewError(CodeAuthorizationMissing)
	}
	schemeTok, rest := splitScheme(auth)
	scheme := SchemeAKSK
	if strings.EqualFold(schemeTok, string(SchemeWSSE)) {
		scheme = SchemeWSSE
	}
	attrs := ParseAttributes(rest)
	realm, okRealm := attrs["realm"]
	profile, okProfile := attrs["profile"]
	typ, okType := attrs["type"]
	switch {
	case !okRealm:
		return Token{}, NewError(CodeRealmMissing)
	case !okProfile:
		return Token{}, NewError(CodeProfileMissing)
	case !okType:
		return Token{}, NewError(CodeTypeMissing)
	case realm != "SDP":
		return Token{}, NewError(CodeRealmInvalid)
	case profile != "UsernameToken":
		return Token{}, NewError(CodeProfileInvalid)
	case typ != "Appkey":
		return Token{}, NewError(CodeTypeInvalid)
	}
	hdr, missing := HeaderXAKSK, CodeXAKSKMissing
	if scheme == SchemeWSSE {
		hdr, missing = HeaderXWSSE, CodeXWSSEMissing
	}
	val := strings.TrimSpace(h.Get(hdr))
	if val == "" {
		return Token{}, NewError(missing)
	}
	tokName, tokRest := splitScheme(val)
	if tokName != "UsernameToken" {
		return Token{}, NewError(CodeUsernameTokenMissing)
	}
	ta := ParseAttributes(tokRest)
	t := Token{Scheme: scheme, Username: ta["Username"], PasswordDigest: ta["PasswordDigest"], Nonce: ta["Nonce"], Created: ta["Created"]}
	codes := [4]Code{CodeUsernameMissing, CodeNonceMissing, CodeCreatedMissing, CodeDigestMissing}
	if scheme == SchemeWSSE {
		codes = [4]Code{CodeWSSEUsernameMissing, CodeWSSENonceMissing, CodeWSSECreatedMissing, CodeWSSEDigestMissing}
	}
	switch {
	case t.Username == "":
		return Token{}, NewError(codes[0])
	case t.Nonce == "":
		return Token{}, NewError(codes[1])
	case t.Created == "":
		return Token{}, NewError(codes[2])
	case t.PasswordDigest == "":
		return Token{}, NewError(codes[3])
	}
	return t, nil
}

// FuzzParseRequestAuthAsMaps: the same token or the same result code as the map-based parser.
func FuzzParseRequestAuthAsMaps(f *testing.F) {
	f.Add(`AKSK realm="SDP",profile="UsernameToken",type="Appkey"`, `UsernameToken Username="k",PasswordDigest="d",Nonce="n",Created="2018-02-12T15:30:20Z"`)
	f.Add(`WSSE realm="SDP", profile="UsernameToken", type="Appkey"`, `UsernameToken Username="k",Username="j",Nonce="",Nonce="n"`)
	f.Add(`AKSK realm="x",realm="SDP",profile=UsernameToken,type="Appkey"`, `UsernameToken ,,,=""`)
	f.Fuzz(func(t *testing.T, auth, tok string) {
		h := http.Header{}
		h.Set("Authorization", auth)
		if strings.HasPrefix(auth, "W") {
			h.Set("X-WSSE", tok)
		} else {
			h.Set("X-AKSK", tok)
		}
		got, gerr := ParseRequestAuth(h)
		want, werr := refParseRequestAuth(h)
		if got != want || (gerr == nil) != (werr == nil) || (gerr != nil && gerr.Code != werr.Code) {
			t.Fatalf("%q / %q: %+v %v, the map-based parser %+v %v", auth, tok, got, gerr, want, werr)
		}
	})
}
