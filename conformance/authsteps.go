package conformance

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/pns-harness/pns-harness/pns"
)

// digestMistakes are the documented ways clients get the X-AKSK PasswordDigest wrong
// (reference §2.1 and §2.3); each must be refused with 1010010 as a wrong secret is.
var digestMistakes = map[string]func(secret, nonce, created string) string{
	"the message in the wrong order (Created + Nonce)": func(secret, nonce, created string) string {
		return hmacB64([]byte(secret), created+nonce)
	},
	"key and message swapped": func(secret, nonce, created string) string {
		return hmacB64([]byte(nonce+created), secret)
	},
	"Base64 of the hex string instead of the raw MAC": func(secret, nonce, created string) string {
		m := hmac.New(sha256.New, []byte(secret))
		m.Write([]byte(nonce + created))
		return base64.StdEncoding.EncodeToString([]byte(hex.EncodeToString(m.Sum(nil))))
	},
	"a plus sign between Nonce and Created": func(secret, nonce, created string) string {
		return hmacB64([]byte(secret), nonce+"+"+created)
	},
	"a space between Nonce and Created": func(secret, nonce, created string) string {
		return hmacB64([]byte(secret), nonce+" "+created)
	},
	"the X-WSSE digest on the X-AKSK header": func(secret, nonce, created string) string {
		s := sha256.Sum256([]byte(nonce + created + secret))
		return base64.StdEncoding.EncodeToString(s[:])
	},
}

func hmacB64(key []byte, msg string) string {
	m := hmac.New(sha256.New, key)
	m.Write([]byte(msg))
	return base64.StdEncoding.EncodeToString(m.Sum(nil))
}

// registerAuthSteps adds the steps that build deliberately wrong signatures.
func (w *world) registerAuthSteps(sc stepRegistry) {
	sc.Step(`^the next request's digest is made with (.+)$`, func(mistake string) error {
		f, ok := digestMistakes[mistake]
		if !ok {
			names := make([]string, 0, len(digestMistakes))
			for n := range digestMistakes {
				names = append(names, n)
			}
			sort.Strings(names)
			return fmt.Errorf("unknown digest mistake %q; known: %s", mistake, strings.Join(names, "; "))
		}
		w.next.digest = f
		return nil
	})
	sc.Step(`^the response field "([^"]*)" is the request's time in UTC$`, w.fieldIsUTCNow)
	sc.Step(`^the next request reuses the previous request's Nonce$`, func() error {
		if w.lastNonce == "" {
			return errors.New("no request has been sent in this scenario")
		}
		w.next.nonce = w.lastNonce
		return nil
	})
}

// utcTolerance is how far a returned time may be from the platform's present: the skew window
// authentication already imposes on the two clocks (§2.6). Any whole-hour zone error exceeds it.
const utcTolerance = 300 * time.Second

// fieldIsUTCNow checks a returned time against the present of the platform (the emulator
// clock, which advances may have moved, or the wall clock of another target), so that a time
// written in China local time or any other zone than UTC fails, not only a wrong format.
func (w *world) fieldIsUTCNow(ctx context.Context, path string) error {
	v, ok, _, err := w.lookup(path)
	if err != nil {
		return err
	}
	s, isStr := v.(string)
	if !ok || !isStr {
		return fmt.Errorf("response field %q is %s, want a UTC time string", path, render(v))
	}
	got, err := pns.ParseUTC(s)
	if err != nil {
		return fmt.Errorf("response field %q: %v", path, err)
	}
	now, ref := time.Now().UTC(), "the wall clock"
	if w.rs.emulator {
		if now, err = w.rs.admin.clockNow(ctx); err != nil {
			return err
		}
		ref = "the emulator clock"
	}
	if d := got.Sub(now); d > utcTolerance || d < -utcTolerance {
		return fmt.Errorf("response field %q is %s, %s from %s (%s UTC): not UTC (§1.7)", path, s, d.Round(time.Second), ref, pns.FormatUTC(now))
	}
	return nil
}
