package calls

import (
	"fmt"

	"github.com/pns-harness/pns-harness/pns"
)

// MaxStatusNumbers bounds one status request so that a single call cannot stall the emulator.
const MaxStatusNumbers = 10000

var statusCauses = map[string]bool{"1": true, "2": true, "3": true, "5": true, "6": true, "7": true, "8": true, "9": true}

// StatusChange is one applied X-number status change and where its notification went.
type StatusChange struct {
	pns.NumInfo
	AppKey string `json:"appKey"`
	// URL is the app's X-status URL, else its call-status URL; empty when the app has neither
	// (not pushed, D77).
	URL string `json:"url,omitempty"`
	// Changed is false when the number already had this status and cause (no notification).
	Changed bool `json:"changed"`
}

// SetStatus changes the status of X numbers (§9): "5" normal, "9" paused, "10" unavailable
// (with an optional cause "1"-"3", "5"-"9"), "11" binding frozen. Every number is validated
// before any is changed. Each real change is queued as a numStatus notification to the owning
// app; the pusher batches them per app, at most 100 per message (D73). Effects on calls are
// read from the store at call time (paused and unavailable calls fail with 8020); effects on
// binds are the store's.
func (s *Simulator) SetStatus(numbers []string, status, cause string) ([]StatusChange, error) {
	switch status {
	case StatusNormal, StatusPaused, StatusFrozen:
		if cause != "" {
			return nil, invalid("cause is only allowed with status %q (unavailable)", StatusUnavailable)
		}
	case StatusUnavailable:
		if cause != "" && !statusCauses[cause] {
			return nil, invalid("cause %q: want one of 1, 2, 3, 5, 6, 7, 8, 9", cause)
		}
	case "":
		return nil, invalid("status is required")
	default:
		return nil, invalid("status %q: want 5 (normal), 9 (paused), 10 (unavailable) or 11 (binding frozen)", status)
	}
	if len(numbers) == 0 {
		return nil, invalid("numbers is required (a list of X numbers)")
	}
	if len(numbers) > MaxStatusNumbers {
		return nil, invalid("at most %d numbers per request", MaxStatusNumbers)
	}
	seen := map[string]bool{}
	var list []string
	for _, n := range numbers {
		if seen[n] {
			continue
		}
		seen[n] = true
		if _, ok := s.be.XInfo(n); !ok {
			return nil, fmt.Errorf("%w: %q is not an X number of any app", ErrUnknownNumber, n)
		}
		list = append(list, n)
	}
	out := make([]StatusChange, 0, len(list))
	for _, n := range list {
		prev, err := s.be.SetXStatus(n, status, cause)
		if err != nil {
			return out, fmt.Errorf("set status of %s: %w", n, err)
		}
		prevStatus := prev.Status
		if prevStatus == "" {
			prevStatus = StatusNormal
		}
		ch := StatusChange{NumInfo: pns.NumInfo{Number: n, Status: status, Cause: cause}, AppKey: prev.AppKey,
			Changed: prevStatus != status || prev.Cause != cause}
		if app, ok := s.be.App(prev.AppKey); ok {
			ch.URL = app.XStatusURL
			if ch.URL == "" {
				ch.URL = app.CallStatusURL
			}
		}
		if ch.Changed && ch.URL != "" {
			s.send(pns.NotifyNumStatus, ch.AppKey, ch.URL, n, ch.NumInfo)
		}
		out = append(out, ch)
	}
	return out, nil
}
