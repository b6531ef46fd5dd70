package pns

import (
	"fmt"
	"strings"
	"sync"
)

// DefaultRefusalLimit is how many refusals of an app's correctly signed requests, with no
// other answer before them, prove that the platform does not accept its credentials. It is
// far below the lockout threshold (the emulator's, and the only one ever seen, is 10 failures
// within 60 s; Huawei does not publish its own), so that a wrong appSecret is reported before
// the client IP is locked out for 30 minutes.
const DefaultRefusalLimit = 3

// RefusalLimit is the refusals a CredentialWatch allows before it trips, given the platform's
// lockout threshold (failures within its window; 0 when unknown): DefaultRefusalLimit, and
// less than half the threshold when that is lower, so that the run stops well before it.
func RefusalLimit(lockoutFailures int) int {
	if lockoutFailures <= 0 {
		return DefaultRefusalLimit
	}
	return max(1, min(DefaultRefusalLimit, (lockoutFailures-1)/2))
}

// IsFlowControl reports whether an answer is flow control: 1010010 with the flow-control
// resultdesc (reference D11). The code alone cannot tell it from a bad digest; the
// description is compared loosely (case, spaces, the final period), as platforms vary it.
func IsFlowControl(code, desc string) bool {
	return Code(code) == CodeInvalidDigest && strings.Contains(strings.ToLower(desc), "flow control")
}

// RefusesCredentials reports whether an answer refuses the request's credentials or its
// client rather than its content: the authentication family of reference §2.5 (1023xxx,
// 1010003 unknown app key, 1010010 invalid digest, 1010013 time out limit), 1020166 (client
// IP not on the app's allow-list) and 1020176 (client IP locked out). Flow control, which
// shares 1010010, is not a refusal of the credentials.
func RefusesCredentials(code, desc string) bool {
	switch Code(code) {
	case CodeInvalidDigest:
		return !IsFlowControl(code, desc)
	case CodeTimeOutLimit, CodeInvalidAppKey, CodeIPNotWhitelisted, CodeLockedOut:
		return true
	}
	return len(code) == 7 && strings.HasPrefix(code, "1023")
}

// CredentialsRefused says that the platform refused every correctly signed request of an
// app: nothing can be measured with these credentials, and going on would lock the client
// IP out.
type CredentialsRefused struct {
	// App is the app's name in the profile (e.g. AXB).
	App string `json:"app"`
	// Code and Desc are the last refusal's resultcode and resultdesc.
	Code string `json:"code"`
	Desc string `json:"desc"`
	// Refusals is how many requests were refused before the run stopped.
	Refusals int `json:"refusals"`
}

// Error is the one line a user reads: the app, the platform's answer and what to check.
func (e *CredentialsRefused) Error() string {
	hint := "check appKey/appSecret"
	switch Code(e.Code) {
	case CodeLockedOut:
		hint = "the client IP is locked out after authentication failures; wait for the lock to expire (30 minutes on Huawei's platform), then check appKey/appSecret"
	case CodeIPNotWhitelisted:
		hint = "add this machine's IP to the app's allow-list"
	case CodeTimeOutLimit:
		hint = "check this machine's clock (NTP)"
	}
	return fmt.Sprintf("the platform refused our signature for app %s (%s %s): %s", e.App, e.Code, e.Desc, hint)
}

// CredentialWatch watches the answers to the requests a run signed with each app's own
// credentials (never the deliberately broken requests of authentication tests) and trips
// when an app's first Limit answers all refuse its credentials. Once an app had another
// answer its credentials are proven and later refusals are the platform's business (a lock
// caused by someone else, a test that broke something). It is safe for concurrent use.
type CredentialWatch struct {
	// Limit is the refusals that trip the watch; 0 means DefaultRefusalLimit.
	Limit int

	mu      sync.Mutex
	apps    map[string]*appWatch
	tripped *CredentialsRefused
}

type appWatch struct {
	accepted bool
	refusals int
}

// Observe records the answer (resultcode, resultdesc) to a correctly signed request of app
// and returns the refusal once the watch has tripped (nil before). An empty code (no JSON
// answer, a transport error) proves nothing either way and is ignored.
func (w *CredentialWatch) Observe(app, code, desc string) *CredentialsRefused {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.tripped != nil {
		return w.tripped
	}
	if code == "" {
		return nil
	}
	if w.apps == nil {
		w.apps = map[string]*appWatch{}
	}
	a := w.apps[app]
	if a == nil {
		a = &appWatch{}
		w.apps[app] = a
	}
	if a.accepted {
		return nil
	}
	if !RefusesCredentials(code, desc) {
		a.accepted = true
		return nil
	}
	a.refusals++
	limit := w.Limit
	if limit <= 0 {
		limit = DefaultRefusalLimit
	}
	if a.refusals >= limit {
		w.tripped = &CredentialsRefused{App: app, Code: code, Desc: desc, Refusals: a.refusals}
	}
	return w.tripped
}

// Refused returns the refusal that tripped the watch, or nil.
func (w *CredentialWatch) Refused() *CredentialsRefused {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.tripped
}
