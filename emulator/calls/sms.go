package calls

import (
	"context"
	"encoding/json"
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
	OpForward     = "vNumberRoute"
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
	URL  string          `json:"url,omitempty"`
	Body SMSNotification `json:"body"`
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
}

// blockAnswer is the customer's answer to a Block request: {"actions":[{"operation":…}]}.
type blockAnswer struct {
	Actions []struct {
		Operation string `json:"operation"`
	} `json:"actions"`
}

// SMS simulates an SMS to an X number (§10): AXB forwards to the other party; AX forwards B → X
// to A with a "[From<B>]" prefix and A → X to the number of an "@<number>" suffix, which is
// stripped; an A → X text without a valid suffix goes to the app's SMS control URL in Block mode
// and is forwarded (to A's valid temporary callee) only when the answer is vNumberRoute. AXE has
// no SMS. Every delivered or refused message is reported with a Notify push when the app has an
// SMS notification URL.
func (s *Simulator) SMS(ctx context.Context, req SMSRequest) (SMSResult, error) {
	if !pns.IsGlobalNumber(req.From) {
		return SMSResult{}, invalid("from %q is not a number in global format", req.From)
	}
	if !pns.ValidXNumber(req.To) {
		return SMSResult{}, invalid("to %q is not an X number (+86 mobile format)", req.To)
	}
	if req.Content == "" {
		return SMSResult{}, invalid("content is required")
	}
	if utf8.RuneCountInString(req.Content) > MaxSMSContent || !utf8.ValidString(req.Content) {
		return SMSResult{}, invalid("content must be valid UTF-8 of at most %d characters", MaxSMSContent)
	}
	xi, ok := s.be.XInfo(req.To)
	if !ok {
		return SMSResult{}, fmt.Errorf("%w: %s is not an X number of any app", ErrUnknownNumber, req.To)
	}
	app, ok := s.be.App(xi.AppKey)
	if !ok {
		return SMSResult{}, fmt.Errorf("%w: app of %s is not configured", ErrUnknownNumber, req.To)
	}
	mode := xi.Mode
	if mode == "" {
		mode = app.Mode
	}
	if mode == pns.ModeAXE {
		return SMSResult{}, invalid("%s belongs to an AXE app: AXE mode has no SMS", req.To)
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
	ev := SMSEvent{SMSIdentifier: res.SMSIdentifier, NotificationMode: SMSModeNotify, Calling: req.From,
		VirtualNumber: req.To, Event: pns.SMSEventText, TimeStamp: pns.FormatSMSTime(now)}
	if app.SMSIncludeContent {
		ev.SMSContent = req.Content
	}
	var b Binding
	found := false
	switch {
	case xi.Status == StatusPaused || xi.Status == StatusUnavailable:
		res.SendResult, res.Reason = sendXPaused, "X number paused or unavailable"
	case xi.NoSMS:
		res.SendResult, res.Reason = sendNoSMSX, "X number has no SMS capability"
	case mode == pns.ModeAXB:
		if b, found = s.be.AXB(req.To, req.From); !found {
			res.SendResult, res.Reason = sendNoBinding, "sender has no AXB binding on X"
		} else if req.From == b.A {
			s.forward(&res, b.B, req.Content, "A texts X: forwarded to B")
		} else {
			s.forward(&res, b.A, req.Content, "B texts X: forwarded to A")
		}
	case mode == pns.ModeAX:
		if b, found = s.be.AX(req.To); !found {
			res.SendResult, res.Reason = sendNoBinding, "X has no AX binding"
		} else if req.From != b.A {
			s.forward(&res, b.A, smsFromPrefix+req.From+smsFromPostfix+req.Content, "B texts X: forwarded to A with the [From] prefix")
		} else if to, text, ok := atSuffix(req.Content); ok {
			s.forward(&res, to, text, "A texts X with an @number suffix: forwarded to that number")
		} else {
			s.block(ctx, app, &res, ev, b, req.Content)
		}
	default:
		return SMSResult{}, invalid("%s belongs to an app of unsupported mode %s", req.To, mode)
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
	sr := res.SendResult
	ev.SendResult = &sr
	res.Notify = &SMSPush{URL: app.SMSNotifyURL, Body: SMSNotification{AppKey: app.AppKey, SMSEvent: ev}}
	if app.SMSNotifyURL != "" {
		s.send(KindSMSNotify, app.AppKey, app.SMSNotifyURL, res.SMSIdentifier, res.Notify.Body)
	}
	return res, nil
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

// block sends the synchronous Block request of an AX A → X message without a valid @number
// suffix and applies the answer: vNumberRoute forwards to A's valid temporary callee; anything
// else, an error, a status other than 200 or no answer within BlockTimeout drops it (D74).
func (s *Simulator) block(ctx context.Context, app AppConfig, res *SMSResult, ev SMSEvent, b Binding, content string) {
	ev.NotificationMode = SMSModeBlock
	ev.SubscriptionID = b.SubscriptionID
	ev.UserData = b.UserData
	body := SMSNotification{AppKey: app.AppKey, SMSEvent: ev}
	res.Block = &SMSPush{URL: app.SMSControlURL, Body: body}
	res.SendResult = sendAllFailed
	if app.SMSControlURL == "" {
		res.Reason = "A texts X without a valid @number suffix and the app has no SMS control URL: dropped"
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
	var ans blockAnswer
	if json.Unmarshal(raw, &ans) != nil || len(ans.Actions) == 0 {
		res.Reason = "Block answer is not {\"actions\":[{\"operation\":…}]}: dropped"
		return
	}
	res.BlockOperation = ans.Actions[0].Operation
	if res.BlockOperation != OpForward {
		res.Reason = "Block answer operation " + res.BlockOperation + ": dropped"
		return
	}
	t, ok := s.be.TempCallee(ev.VirtualNumber)
	if !ok {
		res.Reason = "Block answer vNumberRoute, but no @number suffix and no valid temporary callee: not deliverable"
		return
	}
	s.forward(res, t, content, "Block answer vNumberRoute: forwarded to the temporary callee")
}
