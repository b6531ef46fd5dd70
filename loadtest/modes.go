package loadtest

import (
	"context"
	"fmt"

	"github.com/pns-harness/pns-harness/pns"
)

// loadMode is what the load generator needs of a mode beyond pns.ModeSpec: the order of its
// bind body's fields, who calls a binding, and how a bind whose answer was lost is found
// again. A new mode is one row of loadModes; a test checks every mode of pns.Modes has one.
type loadMode struct {
	// bindOrder is the order of the bind body's parts, the order in which json.Marshal writes
	// the mode's bind request type of package pns (the body is built without reflection).
	bindOrder []bindPart
	// caller returns the number that calls a binding's X, and the extension it dials.
	caller func(b *bindState) (caller, ext string)
	// reconcile removes whatever a bind with a lost answer may have created and returns how
	// many bindings it removed, or why it cannot tell.
	reconcile func(ctx context.Context, c *pns.Client, o *bindState) (int, error)
}

// bindPart is one part of a bind body: a number named by pns.ModeSpec, the area selection,
// or the lifetime field (with its unit field, when the mode has one).
type bindPart int

// The parts of a bind body.
const (
	partA bindPart = iota
	partB
	partX
	partArea
	partMatch
	partExt
	partLifetime
)

// loadModes holds the loadMode of every mode of pns.Modes.
var loadModes = map[pns.Mode]loadMode{
	pns.ModeAXB: {
		bindOrder: []bindPart{partA, partB, partX, partArea, partMatch, partLifetime},
		caller:    func(b *bindState) (string, string) { return b.a, "" }, // A calls X and reaches B
		reconcile: reconcileAXB,
	},
	pns.ModeAX: {
		bindOrder: []bindPart{partA, partX, partArea, partMatch},
		caller:    func(b *bindState) (string, string) { return b.b, "" }, // another number (never bound) calls X
		reconcile: reconcileAX,
	},
	pns.ModeAXE: {
		bindOrder: []bindPart{partX, partArea, partMatch, partA, partExt, partLifetime},
		caller:    func(b *bindState) (string, string) { return b.b, b.ext },
		reconcile: reconcileAXE,
	},
	pns.ModeAXYB: {
		// The AX part of a relation (§6.2): the platform chooses X; app_key travels in the URL.
		bindOrder: []bindPart{partA, partArea, partMatch, partLifetime},
		caller:    func(b *bindState) (string, string) { return b.b, "" },
		reconcile: func(_ context.Context, _ *pns.Client, o *bindState) (int, error) {
			// X is always the platform's choice and a query needs the X or the ID: a bind whose
			// answer was lost cannot be found again (its relation expires with its duration).
			return 0, fmt.Errorf("AXYB bind of %s: answer lost and X chosen by the platform: cannot reconcile", o.a)
		},
	},
}

// reconcileAXB queries the bindings of A on the journaled X and unbinds them.
func reconcileAXB(ctx context.Context, c *pns.Client, o *bindState) (int, error) {
	if o.x == "" {
		return 0, fmt.Errorf("bind of %s: answer lost and X chosen by the platform: cannot reconcile", o.a)
	}
	q, resp, err := c.AXBQuery(ctx, pns.AXBQueryParams{RelationNum: o.x, CallerNum: o.a})
	if err != nil {
		return 0, fmt.Errorf("reconcile %s on %s: %w", o.a, o.x, err)
	}
	if resp.Envelope.ResultCode == string(pns.CodeRecordNotExist) {
		return 0, nil
	}
	if !resp.OK() {
		return 0, refusal(resp, fmt.Errorf("reconcile %s on %s: query resultcode %q", o.a, o.x, resp.Envelope.ResultCode))
	}
	for _, b := range q.RelationNumList {
		if err := unbindSub(ctx, c, o.m, b.SubscriptionID); err != nil {
			return 0, err
		}
	}
	return len(q.RelationNumList), nil
}

// reconcileAX asks the platform what A holds rather than trusting the journal: the bind may
// or may not have been made, and the platform may have chosen X. Only the binding on the
// journaled X (any, when X was the platform's choice) is this bind's.
func reconcileAX(ctx context.Context, c *pns.Client, o *bindState) (int, error) {
	q, resp, err := c.AXQuery(ctx, pns.AXQueryParams{OrigNum: o.a})
	if err != nil {
		return 0, fmt.Errorf("reconcile %s: %w", o.a, err)
	}
	if pns.BindingNotFound(pns.ModeAX, resp.Envelope.ResultCode) {
		return 0, nil
	}
	if !resp.OK() {
		// A throttled or failed query says nothing about what exists.
		return 0, refusal(resp, fmt.Errorf("reconcile %s: query resultcode %q", o.a, resp.Envelope.ResultCode))
	}
	n := 0
	for _, b := range q.PrivateNumList {
		if o.x != "" && b.PrivateNum != o.x {
			continue
		}
		if err := unbindSub(ctx, c, o.m, b.SubscriptionID); err != nil {
			return 0, err
		}
		n++
	}
	return n, nil
}

// reconcileAXE unbinds the journaled X and extension, which name at most one binding.
func reconcileAXE(ctx context.Context, c *pns.Client, o *bindState) (int, error) {
	if o.x == "" || o.ext == "" {
		return 0, fmt.Errorf("bind of %s: answer lost and extension chosen by the platform: cannot reconcile", o.a)
	}
	resp, err := c.AXEUnbind(ctx, pns.AXEKeyParams{VirtualNum: o.x, ExtendNum: o.ext})
	if err != nil {
		return 0, fmt.Errorf("reconcile %s on %s-%s: %w", o.a, o.x, o.ext, err)
	}
	switch {
	case resp.Envelope.ResultCode == string(pns.CodeSuccess):
		return 1, nil
	case gone(resp.Envelope.ResultCode):
		return 0, nil
	}
	return 0, refusal(resp, fmt.Errorf("reconcile %s on %s-%s: unbind resultcode %q", o.a, o.x, o.ext, resp.Envelope.ResultCode))
}
