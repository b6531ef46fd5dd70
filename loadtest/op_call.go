package loadtest

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"strconv"
	"time"

	"github.com/pns-harness/pns-harness/pns"
	"github.com/pns-harness/pns-harness/receiver"
	"github.com/pns-harness/pns-harness/reports"
)

// opCall simulates a call through the session's binding with the emulator's calls API and
// times its callbacks (Config.Callbacks): the built-in calls workload. It needs the emulator.
var opCall = &operation{
	Ifaces: map[pns.Mode]string{pns.ModeAXB: IfaceCalls, pns.ModeAX: IfaceCalls, pns.ModeAXE: IfaceCalls, pns.ModeAXYB: IfaceCalls},
	Request: func(m *modeRun, s *session, q *request) {
		c := callFor(m.mode, s.b)
		if st := s.callStep(); st != nil {
			if cause, ok := st.causes.next(); ok {
				c.Cause = &cause
			}
		}
		if s.flow.stopsCalls() {
			// Live and long enough for the stop step to find it going on (op_stop.go).
			c.Live, c.TalkSeconds = true, LiveCallTalkSeconds
		}
		body, _ := json.Marshal(c) // strings, ints, a bool and an *int always marshal
		q.method = http.MethodPost
		q.url = m.base + CallsPath
		q.body = body
		q.header = http.Header{"Content-Type": {"application/json"}}
	},
	Check: func(r *runner, h *hit) (answer, observation) {
		o := observation{iface: IfaceCalls, status: h.status, ts: h.start, service: h.latency}
		var cr struct {
			SessionID string `json:"sessionId"`
			Events    []struct {
				EventType string `json:"eventType"`
				URL       string `json:"url"`
			} `json:"events"`
		}
		switch {
		case h.status == 0:
			o.code = "transport"
		case h.status == http.StatusOK && json.Unmarshal(h.body, &cr) == nil && cr.SessionID != "":
			o.code, o.success = string(pns.CodeSuccess), true
			var pushed []string // events without a URL are not pushed (D77)
			for _, e := range cr.Events {
				if e.URL != "" {
					pushed = append(pushed, e.EventType)
				}
			}
			if h.s.flow.stopsCalls() {
				// Which events precede the stop depends on when it lands: the call is
				// expected to end (disconnect, fee record), whatever came before.
				h.s.call = cr.SessionID
				r.cfg.Callbacks.expectOpen(cr.SessionID, h.start, len(pushed) == 0)
			} else {
				// The request is kept with the call: a call judged wrong is reproduced by
				// sending it again (its pushes then go where this call's went).
				r.cfg.Callbacks.triggered(cr.SessionID, h.start, pushed, callTrigger(h))
			}
		default:
			o.code = "http-" + strconv.Itoa(h.status)
			if h.status == http.StatusOK {
				o.confErrs = append(o.confErrs, IfaceCalls+": answer without sessionId")
			}
		}
		return answer{}, o
	},
}

// callRequest is the body of POST /emulator/v1/calls (the emulator's calls.CallRequest).
type callRequest struct {
	Caller      string `json:"caller"`
	Called      string `json:"called"`
	Outcome     string `json:"outcome,omitempty"`
	RingSeconds int    `json:"ringSeconds,omitempty"`
	TalkSeconds int    `json:"talkSeconds,omitempty"`
	Extension   string `json:"extension,omitempty"`
	Live        bool   `json:"live,omitempty"`
	// Cause forces the call's hang-up cause (a code of reference §7.7, Step.Causes).
	Cause *int `json:"cause,omitempty"`
}

// callFor returns the call that goes through a binding: AXB A calls X and reaches B; AX and
// AXE: another number (the binding's B number, never bound) calls X (with the extension);
// AXYB: B calls X and reaches A, through its YB when a yb step made one, else through the Y
// the platform assigns it (§6.1, §6.5).
func callFor(mode pns.Mode, b *bindState) callRequest {
	c := callRequest{Called: b.x, Outcome: "answered", RingSeconds: 1, TalkSeconds: 1}
	c.Caller, c.Extension = loadModes[mode].caller(b)
	return c
}

// probeCalls checks that the target serves the emulator's calls API.
func (r *runner) probeCalls(ctx context.Context) error {
	for _, f := range r.flows {
		if f.steps[0].name != OpCall {
			continue
		}
		req, err := http.NewRequestWithContext(ctx, http.MethodGet, r.base+CallsPath+"?app="+f.m.app.AppKey, nil)
		if err != nil {
			return err
		}
		resp, err := f.m.client().HTTP.Do(req)
		if err != nil {
			return fmt.Errorf("the call operation needs the emulator's %s API: %w", CallsPath, err)
		}
		resp.Body.Close()
		if resp.StatusCode == http.StatusNotFound || resp.StatusCode == http.StatusMethodNotAllowed {
			return fmt.Errorf("the call operation needs the emulator's %s API (GET answered %d)", CallsPath, resp.StatusCode)
		}
	}
	return nil
}

// startCallbacks attaches the callback tracker to the run's recorders.
func (r *runner) startCallbacks() {
	r.cfg.Callbacks.start(func(event string, at time.Time, d time.Duration) {
		r.callbacks.Add(1)
		r.agg.observeCallback(event, at, d)
		r.ivMu.Lock()
		k := "callback." + event
		if r.iv[k] == nil {
			r.iv[k] = newSecHist()
		}
		record(r.iv[k], d)
		r.ivMu.Unlock()
	}, r.agg.callbackConformance)
}

// waitCallbacks waits for the calls' notifications: until every call's fee record (its last
// notification) is in, or nothing arrived for a quiet period, or CallbackWait has passed, or
// ctx is done.
func (r *runner) waitCallbacks(ctx context.Context, tr *CallbackTracker) {
	wait := r.cfg.CallbackWait
	if wait <= 0 {
		wait = DefaultCallbackWait
	}
	deadline := time.Now().Add(wait)
	tick := time.NewTicker(100 * time.Millisecond)
	defer tick.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case now := <-tick.C:
			last := time.Unix(0, tr.last.Load())
			if last.Before(r.start) {
				last = r.start // no arrival yet: the quiet period runs from the start
			}
			quiet := now.Sub(last) >= callbackQuiet
			if now.After(deadline) || tr.openCalls() == 0 || quiet {
				return
			}
		}
	}
}

// callTrigger is the request that made the call, with the bind request that re-creates the
// binding it went through (the load removes its bindings; without it, the same call would
// find no binding and end otherwise). The bind names the X the binding got, so that the call
// request, which dials that X, goes through it again.
func callTrigger(h *hit) *receiver.CallTrigger {
	// The URLs are written into receiver.json: a password or token in the target's URL is not.
	tr := &receiver.CallTrigger{URL: reports.RedactURL(h.req.url), Body: string(h.req.body)}
	if b := h.s.b; b != nil && b.m != nil && b.x != "" {
		m := b.m
		iface := m.iface(OpBind)
		u := m.base + iface.Path
		if m.appKeyParam != "" {
			u += "?" + m.appKeyParam
		}
		tr.Bind = &receiver.SignedRequest{Method: iface.Method, URL: reports.RedactURL(u), Body: string(bindBody(m, b)),
			AppKey: m.signer.AppKey, WSSE: m.signer.Scheme == pns.SchemeWSSE}
	}
	return tr
}
