package loadtest

import (
	"crypto/hmac"
	crand "crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"hash"
	"math/rand/v2"
	"net/http"
	"sync"
	"sync/atomic"
	"time"

	"github.com/pns-harness/pns-harness/pns"
)

// loadSigner builds the same X-AKSK request headers as pns.Signer.Sign, with the work per
// request cut for the load generator: the fixed header values are built once and shared (vegeta
// copies header values into each request and never modifies them), the HMAC state is reused
// from a pool instead of re-keyed, the Created value is formatted once per second, and the nonce
// (32 upper-case hex characters like pns.NewNonce) comes from a per-state ChaCha8 generator
// seeded from crypto/rand instead of a crypto/rand call per request. The headers verify exactly
// like pns.Signer's (tested against pns.ParseRequestAuth and Token.Verify).
type loadSigner struct {
	contentType []string
	auth        []string
	prefix      string // `UsernameToken Username="<key>",PasswordDigest="`
	secret      []byte
	states      sync.Pool // *signState
	created     atomic.Pointer[createdValue]
}

// createdValue is the Created value of one wall-clock second.
type createdValue struct {
	sec int64
	s   string
}

// signState is the per-goroutine scratch of a signature.
type signState struct {
	mac   hash.Hash
	rng   *rand.ChaCha8
	nonce [32]byte
	sum   []byte
	buf   []byte
	// created holds the Created value's bytes for the HMAC: []byte(created) passed to
	// hash.Hash.Write escaped, one heap object per request.
	created []byte
}

func newLoadSigner(appKey, secret string) *loadSigner {
	s := &loadSigner{
		contentType: []string{pns.ContentTypeJSON},
		auth:        []string{pns.AuthorizationValue(pns.SchemeAKSK)},
		prefix:      `UsernameToken Username="` + appKey + `",PasswordDigest="`,
		secret:      []byte(secret),
	}
	s.states.New = func() any {
		var seed [32]byte
		_, _ = crand.Read(seed[:]) // crypto/rand.Read never fails on supported platforms
		return &signState{mac: hmac.New(sha256.New, s.secret), rng: rand.NewChaCha8(seed)}
	}
	return s
}

// createdAt returns pns.FormatCreated(now), formatted once per second.
func (s *loadSigner) createdAt(now time.Time) string {
	sec := now.Unix()
	if c := s.created.Load(); c != nil && c.sec == sec {
		return c.s
	}
	c := &createdValue{sec: sec, s: pns.FormatCreated(now)}
	s.created.Store(c)
	return c.s
}

const hexUpper = "0123456789ABCDEF"

// header returns a fresh header map with Content-Type, Authorization and a new X-AKSK token.
func (s *loadSigner) header() http.Header { return s.headerInto(nil) }

// headerInto is header filling h instead of a new map when h is not nil: h's other keys are
// removed, its X-Aksk value slice reused. h must be a map no request in flight reads.
func (s *loadSigner) headerInto(h http.Header) http.Header {
	st := s.states.Get().(*signState)
	var raw [16]byte
	_, _ = st.rng.Read(raw[:]) // ChaCha8.Read never fails
	for i, b := range raw {
		st.nonce[2*i], st.nonce[2*i+1] = hexUpper[b>>4], hexUpper[b&15]
	}
	v := s.token(st, st.nonce[:], s.createdAt(time.Now()))
	s.states.Put(st)
	if h == nil {
		return http.Header{
			"Content-Type":  s.contentType,
			"Authorization": s.auth,
			"X-Aksk":        {v},
		}
	}
	aksk := h["X-Aksk"]
	if len(h) != 3 || len(aksk) != 1 || h["Content-Type"] == nil || h["Authorization"] == nil {
		clear(h)
		aksk = []string{""}
	}
	aksk[0] = v
	h["Content-Type"], h["Authorization"], h["X-Aksk"] = s.contentType, s.auth, aksk
	return h
}

// token renders the X-AKSK header value for nonce and created.
func (s *loadSigner) token(st *signState, nonce []byte, created string) string {
	st.mac.Reset()
	st.mac.Write(nonce)
	st.created = append(st.created[:0], created...)
	st.mac.Write(st.created)
	st.sum = st.mac.Sum(st.sum[:0])
	b := append(st.buf[:0], s.prefix...)
	n := len(b)
	b = append(b, make([]byte, base64.StdEncoding.EncodedLen(len(st.sum)))...)
	base64.StdEncoding.Encode(b[n:], st.sum)
	b = append(b, `",Nonce="`...)
	b = append(b, nonce...)
	b = append(b, `",Created="`...)
	b = append(b, created...)
	b = append(b, '"')
	st.buf = b
	return string(b)
}
