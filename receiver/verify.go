// Split from receiver.go (issue 23): verifying a push's signature, its skew window and its
// nonce against replays.

package receiver

import (
	"encoding/binary"
	"hash/maphash"
	"net/http"
	"time"

	"github.com/pns-harness/pns-harness/pns"
)

// verify checks the authentication headers; it returns ok, the app key, the scheme and, when
// refused, why. The skew window and nonce replay use wall, the wall clock's reading at the
// push's arrival (as the platform's own authentication does, D76), not Options.Now.
func (r *Receiver) verify(h http.Header, wall time.Time) (bool, string, pns.Scheme, string) {
	tok, perr := pns.ParseRequestAuth(h)
	if perr != nil {
		return false, "", "", "authentication headers missing or malformed"
	}
	if r.opts.Apps == nil {
		return true, tok.Username, tok.Scheme, ""
	}
	secret, ok := r.opts.Apps[tok.Username]
	if !ok {
		return false, tok.Username, tok.Scheme, "unknown app key"
	}
	if r.opts.Skew < 0 {
		if !tok.DigestMatches(secret) {
			return false, tok.Username, tok.Scheme, "wrong digest"
		}
		return true, tok.Username, tok.Scheme, ""
	}
	if _, verr := tok.Verify(secret, pns.VerifyOptions{Now: wall, Skew: r.opts.Skew, LocalOffset: DefaultLocalOffset}); verr != nil {
		reason := "wrong digest"
		if verr.Code == pns.CodeTimeOutLimit || verr.Code == pns.CodeWSSECreatedInvalid {
			reason = "Created outside the skew window"
		}
		return false, tok.Username, tok.Scheme, reason
	}
	// The latest instant at which this Created still passes the window: a replay of the
	// nonce before it is refused; after it, the skew check refuses it anyway.
	created, _ := pns.ParseCreated(tok.Created)
	until := created.Add(r.opts.Skew).UnixNano()
	key := r.nonceKey(tok.Username, tok.Nonce)
	now := wall.UnixNano()
	r.mu.Lock()
	defer r.mu.Unlock()
	if exp, seen := r.st.nonces[key]; seen && now < exp {
		r.st.c.NonceReplays++
		return false, tok.Username, tok.Scheme, "nonce replayed"
	}
	r.st.nonces[key] = until
	if wall.Sub(r.st.nonceSwept) > r.opts.Skew/4 {
		r.st.nonceSwept = wall
		for k, exp := range r.st.nonces {
			if now > exp {
				delete(r.st.nonces, k)
			}
		}
	}
	return true, tok.Username, tok.Scheme, ""
}

// nonceKey identifies an app key and nonce pair in the table of nonces seen by a 128-bit
// keyed hash of the pair (the app key's length first, so that no two pairs hash the same
// text). A fixed-size key without pointers, instead of the concatenated string, spares an
// allocation per push and the collector's scan of every nonce remembered (issue 25); two
// different pairs share a key with probability about 2^-128, a push then refused as a
// replay.
func (r *Receiver) nonceKey(app, nonce string) nonceKey {
	var k nonceKey
	var n [8]byte
	binary.LittleEndian.PutUint64(n[:], uint64(len(app)))
	for i := range k {
		var h maphash.Hash
		h.SetSeed(r.nonceSeeds[i])
		_, _ = h.Write(n[:])
		_, _ = h.WriteString(app)
		_, _ = h.WriteString(nonce)
		k[i] = h.Sum64()
	}
	return k
}

// nonceKey is the key of the table of nonces seen (Receiver.nonceKey).
type nonceKey [2]uint64
