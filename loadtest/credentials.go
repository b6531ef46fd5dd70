package loadtest

import (
	"context"
	"net/http"
	"net/url"
	"sort"

	"github.com/pns-harness/pns-harness/pns"
)

// A load with a wrong appSecret would run its whole plan at 0 % success and, worse, lock the
// client IP out (the platform counts every refused signature). So before the first arrival
// each mode's credentials are tried with one harmless request, repeated only while it is
// refused, and the run stops after pns.RefusalLimit refusals; during the load a watch stops it
// the same way should the probe have proved nothing (no JSON answer).

// probeID is the subscriptionId the credential probe queries: no platform issues it, so the
// query changes nothing and any answer past authentication proves the credentials.
const probeID = "pns-harness-credential-probe"

// credentialLimit is the refusals allowed before the run stops: below the profile's lockout.
func (r *runner) credentialLimit() int {
	return pns.RefusalLimit(r.cfg.Profile.Lockout.Failures)
}

// appName is the profile's name of the app a mode's requests are signed for.
func (r *runner) appName(m *modeRun) string {
	if n, _ := r.cfg.Profile.AppFor(m.mode); n != "" {
		return n
	}
	return string(m.mode)
}

// probeCredentials queries a subscriptionId that does not exist, once per mode, until the
// answer is anything but a refusal of the credentials. It returns the *pns.CredentialsRefused
// that tripped the run's watch, or nil; a probe without a JSON answer proves nothing and the
// load goes on (the unreachable-target check covers a dead platform).
func (r *runner) probeCredentials(ctx context.Context) error {
	modes := make([]*modeRun, 0, len(r.modes))
	for _, m := range r.modes {
		modes = append(modes, m)
	}
	sort.Slice(modes, func(i, j int) bool { return modes[i].mode < modes[j].mode })
	for _, m := range modes {
		path := m.mode.Path()
		for range r.credentialLimit() {
			resp, err := m.client().Do(ctx, http.MethodGet, path, m.params(url.Values{"subscriptionId": {probeID}}), nil)
			if err != nil || resp.Envelope.ResultCode == "" {
				break
			}
			code, desc := resp.Envelope.ResultCode, resp.Envelope.ResultDesc
			if ref := r.creds.Observe(r.appName(m), code, desc); ref != nil {
				return ref
			}
			if !pns.RefusesCredentials(code, desc) {
				m.credsOK.Store(true)
				break
			}
		}
	}
	return nil
}

// watchCredentials is the in-load watch: it sees every answer of a mode until that mode's
// credentials are proven, and stops the load when the watch trips.
func (r *runner) watchCredentials(m *modeRun, code, desc string) {
	if m.credsOK.Load() || code == "" {
		return
	}
	if !pns.RefusesCredentials(code, desc) {
		m.credsOK.Store(true)
	}
	if ref := r.creds.Observe(r.appName(m), code, desc); ref != nil {
		msg := ref.Error()
		r.couldNotCheck.CompareAndSwap(nil, &msg)
		if stop := r.stopLoad.Load(); stop != nil {
			(*stop)("credentials refused: " + msg)
		}
	}
}
