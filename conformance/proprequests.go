package conformance

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
	"strings"
	"time"

	"github.com/pns-harness/pns-harness/pns"
)

// The property run's traffic: throttled sends, fresh numbers, the set-up binding each mode's
// checks refer to, its cleanup, and the request that carries one generated value. Split from
// properties.go (issue 23) so that the fields, the requests, the checks and rapid's harness
// each have a file.

// throttleRetries bounds how often a request answered with flow control is sent again, after
// a pause that doubles from throttlePause.
const throttleRetries = PropertyThrottleRetries

// throttlePause is the first pause after a flow-controlled answer (a variable so that tests of
// a throttling platform need not wait for it).
var throttlePause = 250 * time.Millisecond

// PropertyThrottleRetries is how often a request answered with flow control (1010010, D11) is
// sent again before its value is left unjudged.
const PropertyThrottleRetries = 4

// throttled reports whether an answer is the platform's flow control (1010010 with its
// flow-control description, D11): it says nothing about the request's fields.
func throttled(resp *pns.Response) bool {
	return resp != nil && resp.Code() == pns.CodeInvalidDigest && strings.Contains(strings.ToLower(resp.Envelope.ResultDesc), "flow control")
}

// errLockedOut is returned when the platform locks the client out (1020176): nothing more can
// be checked from this address.
var errLockedOut = errors.New("the platform locked this client out (1020176): no further answer can be judged")

// send waits for the rate limiter and sends one request; a flow-controlled answer is sent
// again a few times after a pause, and returned as it is when it stays throttled.
func (r *propRun) send(ctx context.Context, c *pns.Client, iface pns.Interface, params url.Values, body any) (*pns.Response, error) {
	pause := throttlePause
	for attempt := 0; ; attempt++ {
		if r.lim != nil {
			if err := r.lim.Wait(ctx); err != nil {
				return nil, err
			}
		}
		r.mu.Lock()
		r.requests++
		r.mu.Unlock()
		resp, err := c.Do(ctx, iface.Method, iface.Path, withAppKey(iface, c, params), body)
		if err != nil || !throttled(resp) || attempt == throttleRetries {
			return resp, err
		}
		r.mu.Lock()
		r.throttled++
		r.mu.Unlock()
		t := time.NewTimer(pause)
		select {
		case <-ctx.Done():
			t.Stop()
			return nil, ctx.Err()
		case <-t.C:
		}
		pause *= 2
	}
}

// x returns the mode's next X number, round robin, so that a binding left by a failed unbind
// does not block the next request.
func (r *propRun) x(m pns.Mode) string {
	xs := r.xs[m]
	for range xs {
		r.xTurn++
		if x := xs[r.xTurn%len(xs)]; !r.busy[x] {
			return x
		}
	}
	return xs[r.xTurn%len(xs)]
}

// fresh returns an A/B number from the profile's blocks, numbered by the run's seed.
func (r *propRun) fresh(k uint64) string {
	b := r.blocks[int(k%uint64(len(r.blocks)))]
	digits := 14 - len(b)
	if digits < 1 {
		return b
	}
	mod := uint64(1)
	for range digits {
		mod *= 10
	}
	return b + fmt.Sprintf("%0*d", digits, (r.o.Seed+k*7919)%mod)
}

// bindBody is the request of a bind of mode m with A number a, B number b (for a mode whose
// bind names one) and X x (for a mode whose bind names one), under the mode's field names
// (pns.ModeSpec).
func bindBody(m pns.Mode, a, b, x string) map[string]any {
	spec := m.Spec()
	body := map[string]any{spec.A: a}
	if spec.B != "" {
		body[spec.B] = b
	}
	if spec.PlatformChoosesX() {
		// X is the platform's choice (§6.2): non-strict matching; see propRun.bindBody.
		body["areaMatchMode"] = "1"
	}
	if spec.X != "" {
		body[spec.X] = x
	}
	return body
}

func bindIface(m pns.Mode) pns.Interface {
	i, _ := pns.InterfaceFor(m, "bind")
	return i
}

func unbindIface(m pns.Mode) pns.Interface {
	i, _ := pns.InterfaceFor(m, "unbind")
	return i
}

// setup creates the mode's reference binding once.
func (r *propRun) setup(ctx context.Context, m pns.Mode, c *pns.Client) error {
	if _, ok := r.subs[m]; ok {
		return nil
	}
	a, b := r.fresh(1), r.fresh(2)
	var last *pns.Response
	for range 3 { // an X busy with someone else's binding: try the next one
		x := r.x(m)
		resp, err := r.send(ctx, c, bindIface(m), nil, r.bindBody(m, a, b, x))
		if err != nil {
			return fmt.Errorf("properties: %s bind: %w", m, err)
		}
		if sub := subscriptionOf(resp); resp.OK() && sub != "" {
			x = boundX(m, resp, x)
			r.subs[m], r.a[m], r.busy[x], r.used[usedKey(m, a)], r.used[usedKey(m, b)] = sub, a, true, true, true
			var v struct {
				ExtendNum string `json:"extendNum"`
			}
			_ = json.Unmarshal(resp.Body, &v)
			r.ids[m] = map[string]string{"x": x, "extendNum": v.ExtendNum}
			return nil
		}
		last = resp
	}
	return fmt.Errorf("properties: the %s binding the checks refer to was refused: %s", m, propAnswer(last))
}

// usedKey keys propRun.used: a number one mode's reference binding holds says nothing about
// another mode's (the seed repeats the same values field after field).
func usedKey(m pns.Mode, number string) string { return string(m) + " " + number }

func subscriptionOf(resp *pns.Response) string {
	var v struct {
		SubscriptionID string `json:"subscriptionId"`
	}
	_ = json.Unmarshal(resp.Body, &v)
	return v.SubscriptionID
}

func propAnswer(resp *pns.Response) string {
	if resp == nil {
		return "no answer"
	}
	return fmt.Sprintf("HTTP %d, resultcode %s, resultdesc %q", resp.Status, resp.Envelope.ResultCode, resp.Envelope.ResultDesc)
}

// unbind removes a binding by its subscriptionId and records it when that fails.
func (r *propRun) unbind(ctx context.Context, m pns.Mode, c *pns.Client, sub string) {
	resp, err := r.send(ctx, c, unbindIface(m), url.Values{"subscriptionId": {sub}}, nil)
	if err != nil || !resp.OK() {
		r.mu.Lock()
		r.leftover = append(r.leftover, fmt.Sprintf("%s %s: %v %s", m, sub, err, propAnswer(resp)))
		r.mu.Unlock()
	}
}

func (r *propRun) cleanup(ctx context.Context) []string {
	for _, m := range pns.Modes {
		if sub, ok := r.subs[m]; ok {
			r.unbind(ctx, m, r.clients[m], sub)
		}
	}
	return r.leftover
}

// request builds the request of field f carrying v.
func (r *propRun) request(f propField, v string) (url.Values, map[string]any) {
	m := f.iface.Mode
	switch f.iface.Op {
	case "bind":
		body := r.bindBody(m, r.fresh(3), r.fresh(4), r.x(m))
		body[f.name] = v
		return nil, body
	case "callee":
		body := map[string]any{"subscriptionId": r.subs[m], "calleeNum": r.fresh(5)}
		if f.identifies() {
			delete(body, "subscriptionId")
		}
		body[f.name] = v
		return nil, body
	}
	if f.identifies() {
		body := map[string]any{}
		if m == pns.ModeAXE { // the pair identifies together
			body["virtualNum"], body["extendNum"] = r.ids[m]["x"], r.ids[m]["extendNum"]
		}
		body[f.name] = v
		return nil, body
	}
	if f.iface.Query {
		q := url.Values{f.name: {v}}
		id := r.ids[m]
		switch {
		case f.axybNarrows(): // a YB of the reference relation
			q.Set("subscriptionId", r.subs[m])
		case m == pns.ModeAXE && f.extension():
			q.Set("virtualNum", id["x"])
		case m == pns.ModeAXE:
			q.Set("extendNum", id["extendNum"])
		case f.auxiliary() && m == pns.ModeAXB:
			q.Set("relationNum", id["x"])
		case f.auxiliary():
			q.Set("privateNum", id["x"])
		}
		return q, nil
	}
	return nil, map[string]any{"subscriptionId": r.subs[m], f.name: v}
}
