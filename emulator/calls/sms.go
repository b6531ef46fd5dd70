package calls

import (
	"context"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/pns-harness/pns-harness/pns"
)

// SMS notification modes and the forward operation of a Block answer (§10).
const (
	SMSModeNotify = "Notify"
	SMSModeBlock  = "Block"
	// OpForward is the Block reply operation that forwards the message.
	OpForward = pns.SMSRoute
	// MaxSMSContent bounds a simulated message (a long SMS is merged into one notification).
	MaxSMSContent = 2000
	// BlockTimeout is how long a Block request may take (D74, callbackTimeoutSeconds).
	BlockTimeout = 5 * time.Second
)

// sendResult values of §10.
const (
	sendOK         = 0
	sendNoBinding  = 2
	sendXPaused    = 3
	sendAllFailed  = 10
	sendNoSMSX     = 11
	smsFromPrefix  = "[From"
	smsFromPostfix = "]"
)

// SMSRequest is a simulated SMS: From sends Content to the X number To.
type SMSRequest struct {
	From    string `json:"from"`
	To      string `json:"to"`
	Content string `json:"content"`
}

// SMSPush is one SMS notification the simulator sent (or would have sent without a URL).
type SMSPush struct {
	URL  string              `json:"url,omitempty"`
	Body pns.SMSNotification `json:"body"`
}

// SMSResult says what the platform did with a simulated SMS.
type SMSResult struct {
	SMSIdentifier string `json:"smsIdentifier"`
	AppKey        string `json:"appKey"`
	Mode          string `json:"mode"`
	// Forwarded is true when the message was delivered to ForwardTo (shown from X).
	Forwarded   bool   `json:"forwarded"`
	ForwardTo   string `json:"forwardTo,omitempty"`
	ForwardText string `json:"forwardText,omitempty"`
	SendResult  int    `json:"sendResult"`
	Reason      string `json:"reason"`
	// Block is the Block request sent to the SMS control URL, if any, with the operation of
	// the customer's answer or the error that dropped the message.
	Block          *SMSPush `json:"block,omitempty"`
	BlockOperation string   `json:"blockOperation,omitempty"`
	BlockError     string   `json:"blockError,omitempty"`
	// Notify is the Notify notification (URL empty when the app has none: not pushed).
	Notify *SMSPush `json:"notify,omitempty"`
	// blockUserData is the userData of a forwarding Block reply, carried by the Notify.
	blockUserData string
}

// SMS simulates an SMS to an X number (§10): AXB forwards to the other party; AX forwards B → X
// to A with a "[From<B>]" prefix and A → X to the number of an "@<number>" suffix, which is
// stripped; an AX A → X text without a valid suffix, and every text to an X-mode X, goes to the
// app's SMS control URL in Block mode first and is forwarded only when the reply says
// vNumberRoute, to the reply's message.called (§10.3, D89). AXE has no SMS. Every delivered or
// refused message is reported with a Notify push when the app has an SMS notification URL,
// except a message a Block reply discarded or that an invalid or failed reply dropped.
func (s *Simulator) SMS(ctx context.Context, req SMSRequest) (SMSResult, error) {
	xi, app, mode, err := s.smsDestination(req)
	if err != nil {
		return SMSResult{}, err
	}
	res := SMSResult{SMSIdentifier: randHex(16), AppKey: app.AppKey, Mode: string(mode)}
	if !app.SMS {
		res.SendResult = sendAllFailed
		res.Reason = "the app has no SMS option: message dropped, nothing pushed"
		return res, nil
	}
	now := s.clk.Now()
	// D90: Huawei's event value and timestamp form, no extInfo; called only once the real
	// receiver is known (set when the message is forwarded).
	ev := pns.SMSEvent{SMSIdentifier: res.SMSIdentifier, NotificationMode: SMSModeNotify, Calling: req.From,
		VirtualNumber: req.To, Event: pns.SMSEventText, TimeStamp: pns.FormatSMSTime(now)}
	if app.SMSIncludeContent {
		ev.SMSContent = req.Content
	}
	b, found, err := s.routeSMS(ctx, req, app, xi, mode, &res, ev)
	if err != nil {
		return SMSResult{}, err
	}
	if found {
		ev.SubscriptionID = b.SubscriptionID
		ev.UserData = b.UserData
		if b.SMSOff && res.Forwarded {
			res.Forwarded, res.ForwardTo, res.ForwardText = false, "", ""
			res.SendResult, res.Reason = sendAllFailed, "the binding has privateSms false"
		}
	}
	if res.Block != nil && !res.Forwarded {
		// A dropped Block message produces no Notify.
		return res, nil
	}
	if res.Forwarded {
		ev.Called = res.ForwardTo
	}
	if res.blockUserData != "" {
		ev.UserData = res.blockUserData // the forwarding reply's userData (D89)
	}
	sr := res.SendResult
	ev.SendResult = &sr
	res.Notify = &SMSPush{URL: app.SMSNotifyURL, Body: pns.SMSNotification{AppKey: app.AppKey, SMSEvent: ev}}
	if app.SMSNotifyURL != "" {
		s.send(pns.NotifySMSNotify, app.AppKey, app.SMSNotifyURL, res.SMSIdentifier, res.Notify.Body)
	}
	return res, nil
}

// smsDestination checks req and finds the X number it goes to, its app and the mode that
// routes it (AXE has no SMS).
func (s *Simulator) smsDestination(req SMSRequest) (xi XInfo, app AppConfig, mode pns.Mode, err error) {
	if !pns.IsGlobalNumber(req.From) {
		return xi, app, "", invalid("from %q is not a number in global format", req.From)
	}
	if !pns.ValidXNumber(req.To) {
		return xi, app, "", invalid("to %q is not an X number (+86 mobile format)", req.To)
	}
	if req.Content == "" {
		return xi, app, "", invalid("content is required")
	}
	if utf8.RuneCountInString(req.Content) > MaxSMSContent || !utf8.ValidString(req.Content) {
		return xi, app, "", invalid("content must be valid UTF-8 of at most %d characters", MaxSMSContent)
	}
	xi, ok := s.be.XInfo(req.To)
	if !ok {
		return xi, app, "", fmt.Errorf("%w: %s is not an X number of any app", ErrUnknownNumber, req.To)
	}
	app, ok = s.be.App(xi.AppKey)
	if !ok {
		return xi, app, "", fmt.Errorf("%w: app of %s is not configured", ErrUnknownNumber, req.To)
	}
	mode = xi.Mode
	if mode == "" {
		mode = app.Mode
	}
	if mode == pns.ModeAXE {
		return xi, app, "", invalid("%s belongs to an AXE app: AXE mode has no SMS", req.To)
	}
	return xi, app, mode, nil
}

// routeSMS applies the SMS rules of the X number's mode to req, filling res (forwarded,
// refused, or sent to the app's SMS control URL in Block mode with ev). found tells whether
// a binding b routed it.
func (s *Simulator) routeSMS(ctx context.Context, req SMSRequest, app AppConfig, xi XInfo, mode pns.Mode, res *SMSResult, ev pns.SMSEvent) (b Binding, found bool, err error) {
	switch {
	case xi.Status == StatusPaused || xi.Status == StatusUnavailable:
		res.SendResult, res.Reason = sendXPaused, "X number paused or unavailable"
	case xi.NoSMS:
		res.SendResult, res.Reason = sendNoSMSX, "X number has no SMS capability"
	case mode == pns.ModeX:
		// No bindings: the customer's server decides where every text goes (§10.1).
		s.block(ctx, app, res, ev, Binding{}, req.Content)
	case modeRoutes[mode].sms != nil:
		b, found = modeRoutes[mode].sms(s, ctx, req, app, res, ev)
	default:
		return b, false, invalid("%s belongs to an app of unsupported mode %s", req.To, mode)
	}
	return b, found, nil
}

func (s *Simulator) forward(res *SMSResult, to, text, reason string) {
	res.Forwarded, res.ForwardTo, res.ForwardText = true, to, text
	res.SendResult, res.Reason = sendOK, reason
}

// atSuffix splits "text@+8613800000002" into the number and the text without the suffix.
func atSuffix(content string) (number, text string, ok bool) {
	i := strings.LastIndexByte(content, '@')
	if i < 0 {
		return "", "", false
	}
	number = strings.TrimSpace(content[i+1:])
	if !pns.ValidCalleeNumber(number) {
		return "", "", false
	}
	return number, content[:i], true
}

// block sends the synchronous Block request of a message whose route the customer decides
// (an AX A → X text without a valid @number suffix, any text to an X-mode X) and applies the
// reply as §10.3 and D89 say: vNumberRoute forwards the text from X to message.called;
// DiscardMessage drops it; an invalid reply (no actions, an unknown operation, vNumberRoute
// without message.called in global format or with message.calling other than the sender), a
// transport error, a status other than 200 or no answer within BlockTimeout drop it too. The
// request is never re-sent, and a dropped message produces no Notify.
func (s *Simulator) block(ctx context.Context, app AppConfig, res *SMSResult, ev pns.SMSEvent, b Binding, content string) {
	ev.NotificationMode = SMSModeBlock
	ev.SubscriptionID = b.SubscriptionID
	ev.UserData = b.UserData
	body := pns.SMSNotification{AppKey: app.AppKey, SMSEvent: ev}
	res.Block = &SMSPush{URL: app.SMSControlURL, Body: body}
	res.SendResult = sendAllFailed
	if app.SMSControlURL == "" {
		res.Reason = "the message needs the customer's Block reply and the app has no SMS control URL: dropped"
		return
	}
	ctx, cancel := context.WithTimeout(ctx, BlockTimeout)
	defer cancel()
	raw, err := s.push.Block(ctx, app.AppKey, app.SMSControlURL, res.SMSIdentifier, body)
	if err != nil {
		res.BlockError = err.Error()
		res.Reason = "Block request failed (transport error, timeout or status other than 200): dropped"
		return
	}
	a, err := pns.ParseSMSBlockReply(raw, ev.Calling)
	if err != nil {
		res.BlockError = err.Error()
		res.Reason = "invalid Block reply: dropped"
		return
	}
	res.BlockOperation = a.Operation
	if a.Operation == pns.SMSDiscard {
		res.Reason = "Block reply DiscardMessage: dropped"
		return
	}
	res.blockUserData = a.UserData
	s.forward(res, a.Message.Called, content, "Block reply vNumberRoute: forwarded to message.called")
}
