package emulator

import (
	"github.com/pns-harness/pns-harness/pns"
)

// CallStopper ends a live call of an app at once (reference §11.2, D81) and reports whether it
// did: false when the app has no call with that sessionId or the call has already ended, which
// the stop call answers with 1012007 (D80). The call simulator installs it; the emulator does
// not know calls itself.
type CallStopper func(appKey, sessionID string) bool

// SetCallStopper installs the call lookup of the stop call. Without one every stop call
// answers 1012007, as for a call that does not exist.
func (e *Emulator) SetCallStopper(f CallStopper) {
	e.mu.Lock()
	e.stopper = f
	e.mu.Unlock()
}

// StopCallReq is a validated stop call body (§11.2).
type StopCallReq struct {
	SessionID string
	Signal    string
}

// stopCallContentType is the Content-Type of the stop call's answers in the alternative
// decisions: Huawei's example labels the JSON answer text/html (D81).
const stopCallContentType = "text/html;charset=UTF-8"

// decodeStopCall validates a stop call body in the order of the §11.2 table: sessionid
// (String(1-256), lower-case i) then signal, which must be exactly call_stop (D80). The
// alternative decisions refuse it to apps of a mode whose menu does not list it
// (modeEntry.stopCallListed: AXYB, whose current menu has it [V], and AXE, whose 2019 menu
// had it; not X mode, which has no entry), as the mode check of authentication does for
// other interfaces (D79).
func decodeStopCall(r *reader, app *App) (StopCallReq, *pns.Error) {
	var q StopCallReq
	if app.alt && !modes[app.Mode].stopCallListed {
		return q, pns.NewError(pns.CodeAPINotAllowed)
	}
	q.SessionID = r.required("sessionid", 1, 256)
	q.Signal = r.required("signal", 1, 128)
	if q.Signal != "" && q.Signal != pns.StopCallSignal {
		r.fail("signal")
	}
	return q, r.err
}

// stopCall ends the app's call (D81). The sessionId must name a call of the calling app
// (D79): another app's call is answered as unknown, so an app cannot probe other apps' calls.
func (e *Emulator) stopCall(app *App, in StopCallReq) (any, *pns.Error) {
	e.mu.RLock()
	stop := e.stopper
	e.mu.RUnlock()
	if stop == nil || !stop(app.AppKey, in.SessionID) {
		if app.alt {
			return nil, pns.InvalidRequest("sessionid")
		}
		return nil, pns.NewError(pns.CodeRecordNotExist)
	}
	return success(), nil
}
