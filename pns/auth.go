package pns

import (
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"encoding/hex"
	"hash"
	"net/http"
	"net/textproto"
	"strings"
	"sync"
	"time"
)

// Scheme selects X-AKSK (current docs) or the legacy X-WSSE authentication (reference §2.2).
type Scheme string

// Authentication schemes.
const (
	SchemeAKSK Scheme = "AKSK"
	SchemeWSSE Scheme = "WSSE"
)

// Header names and fixed values of reference §2.1.
const (
	HeaderAuthorization = "Authorization"
	HeaderXAKSK         = "X-AKSK"
	HeaderXWSSE         = "X-WSSE"
	ContentTypeJSON     = "application/json;charset=UTF-8"
	// MaxNonceLen is the documented nonce length limit (1-128 characters); longer nonces get
	// 1010010 on the emulator (D7).
	MaxNonceLen = 128
)

// AuthorizationValue returns the fixed Authorization header value of a scheme.
func AuthorizationValue(s Scheme) string {
	return string(s) + ` realm="SDP",profile="UsernameToken",type="Appkey"`
}

// AKSKDigest computes the X-AKSK PasswordDigest: Base64(HMAC-SHA256(key=secret,
// message=nonce+created)), standard alphabet with padding over the raw MAC.
func AKSKDigest(secret, nonce, created string) string {
	var sum [sha256.Size]byte
	return base64.StdEncoding.EncodeToString(digestSum(&sum, SchemeAKSK, secret, nonce, created))
}

// WSSEDigest computes the legacy X-WSSE PasswordDigest: Base64(SHA-256(nonce+created+secret)).
func WSSEDigest(secret, nonce, created string) string {
	var sum [sha256.Size]byte
	return base64.StdEncoding.EncodeToString(digestSum(&sum, SchemeWSSE, secret, nonce, created))
}

// digestState is a reusable hash and message buffer. Profiles of the emulator's signed binds
// and the receiver's signed pushes showed hmac.New (two SHA-256 states and the pads), the
// nonce+created concatenation, Sum and the Base64 string as most of the allocations of
// authentication; a pooled state keyed by its secret makes verification allocation-free for
// the apps that keep signing.
type digestState struct {
	scheme Scheme
	secret string
	h      hash.Hash
	buf    []byte
	out    []byte
}

var digestPool = sync.Pool{New: func() any { return new(digestState) }}

// digestSum writes the raw digest of scheme (HMAC-SHA256 for AKSK, SHA-256 for WSSE) into sum
// and returns it as a slice.
func digestSum(sum *[sha256.Size]byte, scheme Scheme, secret, nonce, created string) []byte {
	st := digestPool.Get().(*digestState)
	defer digestPool.Put(st)
	if scheme != SchemeWSSE {
		scheme = SchemeAKSK
	}
	switch {
	case st.h == nil || st.scheme != scheme || (scheme == SchemeAKSK && st.secret != secret):
		// A state keyed with another secret is rekeyed: the pool is not a per-secret cache,
		// so memory stays bounded whatever secrets callers pass.
		if scheme == SchemeAKSK {
			st.h = hmac.New(sha256.New, []byte(secret))
		} else {
			st.h = sha256.New()
		}
		st.scheme, st.secret = scheme, secret
	default:
		st.h.Reset()
	}
	st.buf = append(append(st.buf[:0], nonce...), created...)
	if scheme == SchemeWSSE {
		st.buf = append(st.buf, secret...)
		st.secret = ""
	}
	st.h.Write(st.buf)
	if scheme == SchemeWSSE {
		clear(st.buf) // the buffer held the secret
	}
	// Sum appends into the state's own buffer, then a copy: summing straight into sum would
	// move the caller's array to the heap (it would pass through the hash.Hash interface).
	st.out = st.h.Sum(st.out[:0])
	copy(sum[:], st.out)
	return sum[:]
}

// NewNonce returns a random 32-hex-character nonce, the shape of the official samples.
func NewNonce() string {
	var b [16]byte
	_, _ = rand.Read(b[:]) // crypto/rand.Read never fails on supported platforms
	return strings.ToUpper(hex.EncodeToString(b[:]))
}

// Token is the content of an X-AKSK or X-WSSE header.
type Token struct {
	Scheme         Scheme
	Username       string
	PasswordDigest string
	Nonce          string
	Created        string
}

// Expected returns the digest the token should carry for a secret.
func (t Token) Expected(secret string) string {
	if t.Scheme == SchemeWSSE {
		return WSSEDigest(secret, t.Nonce, t.Created)
	}
	return AKSKDigest(secret, t.Nonce, t.Created)
}

// DigestMatches compares the token's digest with the expected one in constant time. It
// allocates nothing: the expected digest is encoded into a stack buffer.
func (t Token) DigestMatches(secret string) bool {
	var sum [sha256.Size]byte
	var enc [44]byte // base64.StdEncoding.EncodedLen(sha256.Size)
	scheme := SchemeAKSK
	if t.Scheme == SchemeWSSE {
		scheme = SchemeWSSE
	}
	base64.StdEncoding.Encode(enc[:], digestSum(&sum, scheme, secret, t.Nonce, t.Created))
	return constantTimeEqual(t.PasswordDigest, enc[:])
}

// constantTimeEqual is subtle.ConstantTimeCompare for a string and a byte slice, without
// converting the string: unequal lengths return at once, equal lengths take the same time
// whatever the content.
func constantTimeEqual(s string, b []byte) bool {
	if len(s) != len(b) {
		return false
	}
	var v byte
	for i := 0; i < len(b); i++ {
		v |= s[i] ^ b[i]
	}
	return subtle.ConstantTimeByteEq(v, 0) == 1
}

// HeaderValue renders the X-AKSK / X-WSSE header value.
func (t Token) HeaderValue() string {
	return `UsernameToken Username="` + t.Username + `",PasswordDigest="` + t.PasswordDigest +
		`",Nonce="` + t.Nonce + `",Created="` + t.Created + `"`
}

// Signer builds authentication headers for requests (client side) and callbacks (platform
// side). The zero values of Now and Nonce use the wall clock and NewNonce.
type Signer struct {
	AppKey    string
	AppSecret string
	Scheme    Scheme
	Now       func() time.Time
	Nonce     func() string
}

// Token returns a fresh, signed token.
func (s Signer) Token() Token {
	now := time.Now
	if s.Now != nil {
		now = s.Now
	}
	nonce := NewNonce
	if s.Nonce != nil {
		nonce = s.Nonce
	}
	scheme := s.Scheme
	if scheme == "" {
		scheme = SchemeAKSK
	}
	t := Token{Scheme: scheme, Username: s.AppKey, Nonce: nonce(), Created: FormatCreated(now())}
	t.PasswordDigest = t.Expected(s.AppSecret)
	return t
}

// Sign sets the Authorization and X-AKSK (or X-WSSE) headers on h.
func (s Signer) Sign(h http.Header) {
	t := s.Token()
	h.Set(HeaderAuthorization, AuthorizationValue(t.Scheme))
	if t.Scheme == SchemeWSSE {
		h.Set(HeaderXWSSE, t.HeaderValue())
	} else {
		h.Set(HeaderXAKSK, t.HeaderValue())
	}
}

// ParseAttributes parses `name="value"` attributes separated by commas, as in the
// Authorization and X-AKSK headers (reference §2.4, D9): optional spaces or tabs around commas
// and `=`, values double-quoted and verbatim, the first occurrence of a name wins, and an
// unquoted or empty value counts as missing (it is not stored), as does a quoted value followed
// by anything but spaces or tabs before its comma or the end.
func ParseAttributes(s string) map[string]string {
	out := map[string]string{}
	eachAttribute(s, func(name, val string) {
		if _, dup := out[name]; !dup {
			out[name] = val
		}
	})
	return out
}

// eachAttribute calls fn with every stored attribute of s in order (a quoted, non-empty value
// with a non-empty name; duplicates included). ParseRequestAuth reads the few names it needs
// through it instead of building ParseAttributes' map: that map was the largest allocation
// of request authentication in the emulator's and the receiver's profiles.
func eachAttribute(s string, fn func(name, val string)) {
	i := 0
	n := len(s)
	skipWS := func() {
		for i < n && (s[i] == ' ' || s[i] == '\t') {
			i++
		}
	}
	for i < n {
		skipWS()
		start := i
		for i < n && s[i] != '=' && s[i] != ',' {
			i++
		}
		name := strings.TrimRight(s[start:i], " \t")
		if i >= n || s[i] == ',' {
			i++
			continue
		}
		i++ // '='
		skipWS()
		if i < n && s[i] == '"' {
			i++
			vs := i
			for i < n && s[i] != '"' {
				i++
			}
			val := s[vs:i]
			if i < n {
				i++ // closing quote
				// Only spaces or tabs may follow the closing quote before the comma or the
				// end: `Created="…Z"x` is not a quoted value, so it counts as missing like
				// an unquoted one (D9) instead of being read as if the x were not there.
				skipWS()
				if val != "" && name != "" && (i >= n || s[i] == ',') {
					fn(name, val)
				}
			}
			// Skip anything up to the next comma.
			for i < n && s[i] != ',' {
				i++
			}
			i++
			continue
		}
		// Unquoted value: counts as missing.
		for i < n && s[i] != ',' {
			i++
		}
		i++
	}
}

// canonicalAuthHeaders maps the authentication header names to their canonical keys, computed
// once: "X-AKSK" is not canonical (it is "X-Aksk"), so http.Header.Get canonicalised it, with
// an allocation, on every request the emulator and the receiver verified.
var canonicalAuthHeaders = map[string]string{
	HeaderXAKSK: textproto.CanonicalMIMEHeaderKey(HeaderXAKSK),
	HeaderXWSSE: textproto.CanonicalMIMEHeaderKey(HeaderXWSSE),
}

// headerGet is h.Get(name) for the authentication headers, without canonicalising per call.
func headerGet(h http.Header, name string) string {
	if k, ok := canonicalAuthHeaders[name]; ok {
		if v := h[k]; len(v) > 0 {
			return v[0]
		}
		return ""
	}
	return h.Get(name)
}

// splitScheme splits "Token rest" at the first run of whitespace.
func splitScheme(v string) (scheme, rest string) {
	v = strings.TrimLeft(v, " \t")
	if k := strings.IndexAny(v, " \t"); k >= 0 {
		return v[:k], v[k+1:]
	}
	return v, ""
}

// ParseRequestAuth applies steps 1-7 of reference §2.5 to request headers: the Authorization
// header and its attributes, then the X-AKSK (or X-WSSE) header and its attributes. It returns
// the token or the result code of the first defect.
func ParseRequestAuth(h http.Header) (Token, *Error) {
	auth := strings.TrimSpace(h.Get(HeaderAuthorization))
	if auth == "" {
		return Token{}, NewError(CodeAuthorizationMissing)
	}
	schemeTok, rest := splitScheme(auth)
	scheme := SchemeAKSK
	if strings.EqualFold(schemeTok, string(SchemeWSSE)) {
		scheme = SchemeWSSE
	}
	// Stored values are never empty, so "not yet set" is "first occurrence", as in
	// ParseAttributes.
	var realm, profile, typ string
	eachAttribute(rest, func(name, val string) {
		switch {
		case name == "realm" && realm == "":
			realm = val
		case name == "profile" && profile == "":
			profile = val
		case name == "type" && typ == "":
			typ = val
		}
	})
	switch {
	case realm == "":
		return Token{}, NewError(CodeRealmMissing)
	case profile == "":
		return Token{}, NewError(CodeProfileMissing)
	case typ == "":
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
	val := strings.TrimSpace(headerGet(h, hdr))
	if val == "" {
		return Token{}, NewError(missing)
	}
	tokName, tokRest := splitScheme(val)
	if tokName != "UsernameToken" {
		return Token{}, NewError(CodeUsernameTokenMissing)
	}
	t := Token{Scheme: scheme}
	eachAttribute(tokRest, func(name, val string) {
		switch {
		case name == "Username" && t.Username == "":
			t.Username = val
		case name == "PasswordDigest" && t.PasswordDigest == "":
			t.PasswordDigest = val
		case name == "Nonce" && t.Nonce == "":
			t.Nonce = val
		case name == "Created" && t.Created == "":
			t.Created = val
		}
	})
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

// VerifyOptions are the time rules of reference §2.6.
type VerifyOptions struct {
	// Now is the wall-clock time of the check.
	Now time.Time
	// Skew is the accepted |now − Created| window (emulator default 300 s).
	Skew time.Duration
	// LocalOffset, when non-zero, is the offset of clients that stamp local time with a Z
	// (default +8 h, D2): a Created that far ahead, within Skew, is accepted.
	LocalOffset time.Duration
}

// Verify applies steps 11-14 of reference §2.5: Created format, nonce length, clock skew and
// digest. localTime is true when the request was accepted only because of LocalOffset.
func (t Token) Verify(secret string, o VerifyOptions) (localTime bool, err *Error) {
	created, perr := ParseCreated(t.Created)
	if perr != nil {
		if t.Scheme == SchemeWSSE {
			return false, NewError(CodeWSSECreatedInvalid)
		}
		return false, NewError(CodeTimeOutLimit)
	}
	if len(t.Nonce) > MaxNonceLen {
		return false, NewError(CodeInvalidDigest)
	}
	within := func(d time.Duration) bool { return d <= o.Skew && d >= -o.Skew }
	if !within(o.Now.Sub(created)) {
		if o.LocalOffset != 0 && within(o.Now.Add(o.LocalOffset).Sub(created)) {
			localTime = true
		} else {
			return false, NewError(CodeTimeOutLimit)
		}
	}
	if !t.DigestMatches(secret) {
		return false, NewError(CodeInvalidDigest)
	}
	return localTime, nil
}
