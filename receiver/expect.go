// Split from receiver.go (issue 23): the calls the harness announces (expectations) and the
// waits for them to be judged.

package receiver

import (
	"context"
	"time"
)

// Expectation registers a call the harness triggered, so that the receiver can report it
// missing and measure trigger latencies.
type Expectation struct {
	// SessionID identifies the call when the harness knows it (emulator control interface).
	SessionID string
	// SubscriptionID identifies it otherwise: the first session carrying this subscriptionId
	// that is not yet claimed by another expectation matches, in registration order.
	SubscriptionID string
	// Triggered is the harness-side reference time for latency flavour (b); zero means now.
	Triggered time.Time
	// Deadline is how long after Triggered the disconnect event and the fee record must have
	// arrived (Options.ExpectDeadline when zero).
	Deadline time.Duration
	// NoEvents and NoFee say that the app has no call-status or no fee URL (D77), so those
	// are not required.
	NoEvents, NoFee bool
	// Events lists the call event types the call must produce (e.g. from the emulator's
	// simulated-call answer); empty requires only the disconnect.
	Events []string
	// Trigger is the request that made the call (the emulator's calls API), kept so that a
	// failed call's detail says how to make it again; nil when the call is not the harness's.
	Trigger *CallTrigger
}

// Expect registers an expected call (see Expectation).
func (r *Receiver) Expect(e Expectation) {
	if e.Triggered.IsZero() {
		e.Triggered = r.now()
	}
	if e.Deadline <= 0 {
		e.Deadline = r.opts.ExpectDeadline
	}
	r.mu.Lock()
	r.st.expect(r, e)
	r.mu.Unlock()
}

// MarkTriggered sets the harness-side trigger time of a session (by sessionId) for latency
// flavour (b) without expecting anything of it. Events already received are measured at once.
func (r *Receiver) MarkTriggered(sessionID string, t time.Time) {
	r.mu.Lock()
	r.st.markTriggered(r, sessionID, t)
	r.mu.Unlock()
}

// WaitExpected waits until every expectation is satisfied (its disconnect and fee arrived) or
// past its deadline, or ctx ends; it polls every few milliseconds.
func (r *Receiver) WaitExpected(ctx context.Context) error {
	return r.pollUntilNone(ctx, func() int { return r.st.openExpectations(r.now()) })
}

// WaitSettled waits until no call judged from its pushes (Options.Settle) is both incomplete
// and younger than the settle time, or ctx ends; it polls every few milliseconds. Calls that
// are complete need no wait, so a run whose calls all finished ends at once.
func (r *Receiver) WaitSettled(ctx context.Context) error {
	if r.opts.Settle <= 0 {
		return nil
	}
	return r.pollUntilNone(ctx, func() int { return r.st.unsettled(r, r.now().Sub(r.start)) })
}

// pollUntilNone calls open under the receiver's lock every few milliseconds until it returns 0
// (nil) or ctx ends (ctx.Err()): the one wait loop of WaitExpected and WaitSettled.
func (r *Receiver) pollUntilNone(ctx context.Context, open func() int) error {
	t := time.NewTicker(5 * time.Millisecond)
	defer t.Stop()
	for {
		r.mu.Lock()
		n := open()
		r.mu.Unlock()
		if n == 0 {
			return nil
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-t.C:
		}
	}
}
