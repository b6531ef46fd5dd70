package calls

import (
	"context"
	"fmt"
	"slices"
	"time"

	"github.com/pns-harness/pns-harness/pns"
)

// Hang-up causes of X mode (reference §6.7, D87, D88).
const (
	// CauseXInvalidReply releases a call whose Block callin got no valid instruction.
	CauseXInvalidReply = CauseNoBinding
	// CauseXClosed releases a call the customer's reply closed.
	CauseXClosed = 8017
)

// xCallin is the Block callin of an X-mode call, sent before the call is routed.
type xCallin struct {
	n         uint64
	sessionID string
	event     TimedEvent
	// sent is true when the callin was pushed (the app has a call-status or callin URL).
	sent bool
}

// newSession numbers a call and builds its sessionId.
func (s *Simulator) newSession(t0 time.Time) (uint64, string) {
	n := s.seq.Add(1)
	return n, fmt.Sprintf("%04d_%d_4294967295_%s@%s", n%10000, n, t0.Format("20060102150405"), s.opt.HostName)
}

// routeX asks the customer's server where an X-mode call goes (reference §6.7): it POSTs the
// callin in Block mode to the app's callin (else call-status) URL, synchronously, once (never
// re-pushed), and acts on the reply as D87 and D88 state. connect forwards the call to
// connectInfo.calleeNum with the reply's maxDuration, recordFlag and userData; close releases
// it with 8017; no URL, a transport error, a status other than 200, no answer within
// BlockTimeout or an invalid reply release it with 8014.
func (s *Simulator) routeX(ctx context.Context, app AppConfig, req CallRequest, t0 time.Time) (decision, *xCallin) {
	xc := &xCallin{}
	xc.n, xc.sessionID = s.newSession(t0)
	x := req.Called
	url := app.CallStatusURL
	if app.CallinURL != "" {
		url = app.CallinURL
	}
	ev := pns.Event{EventType: pns.EventCallin, StatusInfo: pns.StatusInfo{Timestamp: pns.FormatUTC(t0), SessionID: xc.sessionID,
		Caller: req.Caller, Called: x, NotifyMode: pns.NotifyModeBlock}}
	xc.event = TimedEvent{Event: ev, URL: url}
	if url == "" {
		return fail(nil, 2, CauseXInvalidReply, "X mode: the app has no call-status URL to ask (D87)"), xc
	}
	xc.sent = true
	bctx, cancel := context.WithTimeout(ctx, BlockTimeout)
	defer cancel()
	raw, err := s.push.Block(bctx, app.AppKey, url, xc.sessionID, ev)
	if err != nil {
		return fail(nil, 2, CauseXInvalidReply, "X mode: the Block callin failed (transport error, timeout or status other than 200): "+err.Error()), xc
	}
	r, err := pns.ParseCallinReply(raw)
	if err == nil {
		err = checkXReply(app, x, r)
	}
	if err != nil {
		return fail(nil, 2, CauseXInvalidReply, "X mode: "+err.Error()), xc
	}
	if r.Operation == pns.CallinClose {
		b := &Binding{Mode: pns.ModeX, X: x, UserData: r.CloseInfo.UserData}
		return fail(b, 2, CauseXClosed, "X mode: the reply is close"), xc
	}
	ci := r.ConnectInfo
	b := &Binding{Mode: pns.ModeX, X: x, RecordFlag: ci.RecordFlag.On(), UserData: ci.UserData}
	if ci.MaxDuration != nil {
		b.MaxDuration = *ci.MaxDuration
	}
	return decision{binding: b, direction: 1, target: ci.CalleeNum,
		reason: "X mode: the reply is connect: forwarded to connectInfo.calleeNum"}, xc
}

// checkXReply applies the checks of D87 that depend on the call and the app: the number shown
// to the callee must be the call's X, and tones must be approved when the app lists tones.
func checkXReply(app AppConfig, x string, r pns.CallinReply) error {
	var tones map[string]string
	if ci := r.ConnectInfo; ci != nil {
		if ci.DisplayCalleeNum != "" && ci.DisplayCalleeNum != x {
			return fmt.Errorf("%w: connectInfo.displayCalleeNum %s is not the call's X %s", pns.ErrInvalidReply, ci.DisplayCalleeNum, x)
		}
		tones = map[string]string{"waitVoice": ci.WaitVoice, "recordHintTone": ci.RecordHintTone, "lastMinVoice": ci.LastMinVoice}
	}
	if ci := r.CloseInfo; ci != nil {
		tones = map[string]string{"closeHintTone": ci.CloseHintTone}
	}
	if len(app.ToneFiles) == 0 {
		return nil
	}
	for name, tone := range tones {
		if tone != "" && !slices.Contains(app.ToneFiles, tone) {
			return fmt.Errorf("%w: %s %q is not an approved tone file of the app", pns.ErrInvalidReply, name, tone)
		}
	}
	return nil
}
