package conformance

import (
	"context"
	"strconv"
	"time"

	"github.com/pns-harness/pns-harness/internal/bindjournal"
	"github.com/pns-harness/pns-harness/pns"
)

// The bindings a scenario made: remembered as placeholders, journaled with their answers, and
// unbound when the scenario ends. Split from world.go (issue 23) so that the scenario's state,
// its exchanges and its bindings each have a file.

// track remembers successful binds: their IDs become placeholders (<SUB>, <SUB1>, …; AXE also
// <EXT>, <EXT1>, …) and they are unbound when the scenario ends.
func (w *world) track(ex *exchange) {
	if ex.iface.Op != "bind" {
		return
	}
	id, _ := ex.response["subscriptionId"].(string)
	if ex.iface.ID == pns.IfaceAXYBBind && w.tracked(id) {
		return // a YB bind answers its AX's ID, which is tracked already
	}
	if id != "" {
		w.nSubs++
		w.vars["SUB"] = id
		w.vars["SUB"+strconv.Itoa(w.nSubs)] = id
		w.created = append(w.created, createdBinding{app: ex.app, iface: ex.iface.ID, id: id, jid: ex.jid})
		w.rs.ledger.created()
	}
	if e, _ := ex.response["extendNum"].(string); e != "" {
		w.rememberExt(e)
	}
}

// journalAnswer books a journaled bind's answer: bound with its subscriptionId, or refused
// when the platform answered with an error (nothing was bound). An answer that is not the
// platform's envelope (a gateway's page, an empty 5xx) or a success without an ID says
// nothing: the bind stays without an outcome, and cleanup looks it up by its numbers.
func (w *world) journalAnswer(ex *exchange) {
	if ex.jid == 0 {
		return
	}
	r := ex.resp
	switch code := r.Envelope.ResultCode; {
	case code == "":
	case !r.OK():
		w.rs.journal.Write(bindjournal.Record{Op: bindjournal.OpRefused, ID: ex.jid})
	default:
		s := func(k string) string {
			if k == "" {
				return "" // the mode has no such field
			}
			v, _ := ex.response[k].(string)
			return v
		}
		if sub := s("subscriptionId"); sub != "" {
			// The X (and extension) the binding got, from the answer fields of its mode.
			spec := ex.iface.Mode.Spec()
			w.rs.journal.Write(bindjournal.Record{Op: bindjournal.OpBound, ID: ex.jid, Sub: sub,
				X: s(spec.AnswerX), Ext: s(spec.Ext)})
		}
	}
}

// rememberExt makes an AXE extension the next <EXTn> placeholder (and <EXT>).
func (w *world) rememberExt(e string) {
	w.nExt++
	w.vars["EXT"] = e
	w.vars["EXT"+strconv.Itoa(w.nExt)] = e
}

// cleanup unbinds what the scenario created, newest first, with retries (guard.go), also
// after a failed step or an interrupted run, so that a shared platform is left clean and
// every binding that could not be removed is named.
func (w *world) cleanup(ctx context.Context) {
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 30*time.Second)
	defer cancel()
	for i := len(w.created) - 1; i >= 0; i-- {
		w.rs.removeBinding(ctx, w.key, w.created[i])
	}
	w.created = nil
}
