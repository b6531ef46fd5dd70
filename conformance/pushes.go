package conformance

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/pns-harness/pns-harness/emulator"
	"github.com/pns-harness/pns-harness/pns"
	"github.com/pns-harness/pns-harness/receiver"
	"github.com/pns-harness/pns-harness/schemas"
)

// PushSource tells a run what arrives at the customer's notification URLs (reference §7-§10),
// for the push-delivery scenarios (callback_delivery.feature). A *receiver.Receiver is one:
// `harness run` against an emulator target passes the receiver the apps' URLs point at. When
// the runner starts the embedded emulator (Options.Target empty) it starts its own receivers
// and ignores Options.Pushes.
type PushSource interface {
	// Subscribe calls fn for every push that arrives from now on, until cancel is called.
	// fn is quick and safe for concurrent use; it must not modify Arrival.Body.
	Subscribe(fn func(receiver.Arrival)) (cancel func())
}

// push is one delivery as a scenario sees it: the receiver's view plus, when the runner's own
// receivers took it, the request path and the signature's Nonce.
type push struct {
	receiver.Arrival
	// Path is the request path; empty when the source does not tell (PushSource).
	Path string
	// Nonce is the signature's Nonce and ContentType the request's; empty when unknown.
	Nonce, ContentType string
	// Created is the signature's Created; empty when unknown.
	Created string
	// doc is the parsed body (nil when it is not a JSON object).
	doc map[string]any
}

func newPush(a receiver.Arrival, path, nonce, ctype string) push {
	p := push{Arrival: a, Path: path, Nonce: nonce, ContentType: ctype}
	_ = json.Unmarshal(a.Body, &p.doc)
	return p
}

// first reports whether this is the body's first delivery.
func (p *push) first() bool { return !p.Redelivery && !p.Duplicate }

// statusInfo returns an event's statusInfo (nil for other kinds).
func (p *push) statusInfo() map[string]any {
	si, _ := p.doc["statusInfo"].(map[string]any)
	return si
}

// sessionIDs returns the sessionIds a body concerns (an event's, or every fee record's).
func (p *push) sessionIDs() []string {
	if si, ok := p.doc["statusInfo"].(map[string]any); ok {
		s, _ := si["sessionId"].(string)
		return []string{s}
	}
	var out []string
	for _, r := range p.feeRecords() {
		s, _ := r["sessionId"].(string)
		out = append(out, s)
	}
	return out
}

func (p *push) feeRecords() []map[string]any {
	l, _ := p.doc["feeLst"].([]any)
	out := make([]map[string]any, 0, len(l))
	for _, r := range l {
		if m, ok := r.(map[string]any); ok {
			out = append(out, m)
		}
	}
	return out
}

func (p *push) concerns(sessionID string) bool {
	for _, s := range p.sessionIDs() {
		if s == sessionID {
			return true
		}
	}
	return false
}

// feed is where a run's scenarios subscribe to pushes.
type feed interface {
	subscribe(fn func(push)) (cancel func())
}

// sourceFeed adapts an external PushSource (no paths, no nonces).
type sourceFeed struct{ src PushSource }

func (s sourceFeed) subscribe(fn func(push)) func() {
	return s.src.Subscribe(func(a receiver.Arrival) { fn(newPush(a, "", "", "")) })
}

// Paths of the notification URLs of the runner's own receivers: one per notification type,
// so that a scenario can tell which URL a push was sent to.
const (
	pathCallStatus = "/callback/call-status"
	pathFee        = "/callback/fee"
	pathXStatus    = "/callback/x-status"
	pathSMSNotify  = "/callback/sms-notify"
	pathSMSControl = "/callback/sms-control"
)

// ownPushes are the runner's receivers for an embedded emulator: one that accepts every push
// and one (for RetryApp) that answers the first delivery of every body 503, so that the
// re-push of §7.6 can be observed. Both feed one hub of pushes with paths and nonces.
type ownPushes struct {
	mu   sync.RWMutex
	next int
	subs map[int]func(push)

	wires             wireState
	ok, failing       *receiver.Receiver
	okURL, failingURL string
	servers           []*http.Server
	done              []chan struct{}
	// serial orders the deliveries to one receiver so that its subscriber (called on the handler
	// goroutine without the request) can be joined with the request's path and headers.
	serial [2]sync.Mutex
	cur    [2]*reqInfo
	// replies are the scenarios' answers to Block requests.
	replies BlockReplies
}

type reqInfo struct {
	path, nonce, ctype string
	created            string // the signature's Created
	wire               wire   // the customer's behaviour for this URL (gapwire.go)
	told               int    // the status the platform is told (0: the receiver's)
}

func (o *ownPushes) subscribe(fn func(push)) func() {
	o.mu.Lock()
	if o.subs == nil {
		o.subs = map[int]func(push){}
	}
	id := o.next
	o.next++
	o.subs[id] = fn
	o.mu.Unlock()
	return func() {
		o.mu.Lock()
		delete(o.subs, id)
		o.mu.Unlock()
	}
}

func (o *ownPushes) record(p push) {
	o.mu.RLock()
	defer o.mu.RUnlock()
	for _, fn := range o.subs {
		fn(p)
	}
}

// startOwnPushes starts both receivers on free 127.0.0.1 ports; apps maps APP_Key to secret.
func startOwnPushes(apps map[string]string, v *schemas.Validator) (*ownPushes, error) {
	return startOwnPushesWith(apps, v, nil)
}

// startOwnPushesWith is startOwnPushes with a caller's share: adjust sets the accepting
// receiver's other options. The caller subscribes to the receivers for the pushes it wants.
func startOwnPushesWith(apps map[string]string, v *schemas.Validator, adjust func(*receiver.Options)) (*ownPushes, error) {
	o := &ownPushes{}
	for i := 0; i < 2; i++ {
		opts := receiver.Options{Apps: apps, Schemas: v}
		if i == 0 && adjust != nil {
			adjust(&opts)
		}
		opts.BlockReply = o.replies.Reply
		if i == 1 {
			opts.FailFirst = 1
		}
		r := receiver.New(opts)
		// The scenarios' share of every push, with what the wire told the platform (a
		// customer answering particularly) and the request it came in.
		r.Subscribe(func(a receiver.Arrival) {
			var ri reqInfo
			if cur := o.cur[i]; cur != nil {
				if rec, told := cur.wire.answer(&o.wires, a); rec != 0 {
					a.Status, cur.told = rec, told
				}
				ri = *cur
			}
			p := newPush(a, ri.path, ri.nonce, ri.ctype)
			p.Created = ri.created
			o.record(p)
		})
		inner := r.Handler()
		h := http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
			ri := &reqInfo{path: req.URL.Path, ctype: req.Header.Get("Content-Type"), wire: parseWire(req.URL.Query())}
			ri.wire.before(req, apps)
			if tok, err := pns.ParseRequestAuth(req.Header); err == nil {
				ri.nonce, ri.created = tok.Nonce, tok.Created
			}
			o.serial[i].Lock()
			defer o.serial[i].Unlock()
			o.cur[i] = ri
			inner.ServeHTTP(ri.wire.replyWriter(&answerWriter{ResponseWriter: w, told: &ri.told}, req), req)
			o.cur[i] = nil
		})
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			o.close()
			return nil, err
		}
		srv := &http.Server{Handler: h, ReadHeaderTimeout: 10 * time.Second}
		done := make(chan struct{})
		go func() {
			defer close(done)
			_ = srv.Serve(ln)
		}()
		o.servers = append(o.servers, srv)
		o.done = append(o.done, done)
		url := "http://" + ln.Addr().String()
		if i == 0 {
			o.ok, o.okURL = r, url
		} else {
			o.failing, o.failingURL = r, url
		}
	}
	return o, nil
}

// configure points every app's notification URLs at the receivers: the retry app's at the
// failing one, every other app's at the accepting one; AX apps also get an SMS control URL
// (§10 Block).
func (o *ownPushes) configure(cfg *emulator.Config) {
	for i := range cfg.Apps {
		a := &cfg.Apps[i]
		base := o.okURL
		q := wireQueries[a.AppKey] // a customer answering particularly (gapwire.go)
		if a.AppKey == RetryAppKey || q != "" {
			base = o.failingURL
		}
		a.CallStatusURL = base + pathCallStatus + q
		a.FeeURL = base + pathFee + q
		a.XStatusURL = base + pathXStatus + q
		a.SMSNotifyURL = base + pathSMSNotify + q
		if a.AppKey == CallinAppKey { // a separate callin URL (D77)
			a.CallinURL = base + pathCallin
		}
		if a.Mode == pns.ModeAX || a.Mode == pns.ModeX {
			a.SMSControlURL = base + pathSMSControl
		}
	}
}

func (o *ownPushes) close() {
	for i, s := range o.servers {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		_ = s.Shutdown(ctx)
		cancel()
		<-o.done[i]
	}
}

// pushWait bounds how long a step waits for a push; deliveries on 127.0.0.1 take
// milliseconds, fee records up to the 2 s batching window (D70).
const pushWait = 20 * time.Second

// inbox collects the pushes that arrive while a scenario runs.
type inbox struct {
	mu     sync.Mutex
	list   []push
	notify chan struct{}
	cancel func()
}

func (b *inbox) add(p push) {
	b.mu.Lock()
	b.list = append(b.list, p)
	close(b.notify)
	b.notify = make(chan struct{})
	b.mu.Unlock()
}

// wait evaluates check over the pushes so far until it reports done, ctx ends or pushWait
// passes; on timeout it returns check's last error.
func (b *inbox) wait(ctx context.Context, check func([]push) (bool, error)) error {
	deadline := time.NewTimer(pushWait)
	defer deadline.Stop()
	for {
		b.mu.Lock()
		list := append([]push(nil), b.list...)
		ch := b.notify
		b.mu.Unlock()
		done, err := check(list)
		if done {
			return err
		}
		select {
		case <-ch:
		case <-ctx.Done():
			return ctx.Err()
		case <-deadline.C:
			if err == nil {
				err = errors.New("nothing arrived")
			}
			return fmt.Errorf("no matching push within %s: %w", pushWait, err)
		}
	}
}

// describe summarises pushes for failure messages.
func describe(ps []push) string {
	if len(ps) == 0 {
		return "none"
	}
	var b strings.Builder
	for i, p := range ps {
		if i == 20 {
			fmt.Fprintf(&b, "\n  … %d more", len(ps)-20)
			break
		}
		fmt.Fprintf(&b, "\n  %s %s → HTTP %d sig=%v redelivery=%v path=%q %s", p.Kind, p.EventType, p.Status,
			p.SignatureOK, p.Redelivery, p.Path, clip(p.Body))
	}
	return b.String()
}

// jsonEqual compares two JSON values structurally.
func jsonEqual(a, b any) bool {
	x, err1 := json.Marshal(a)
	y, err2 := json.Marshal(b)
	return err1 == nil && err2 == nil && bytes.Equal(x, y)
}

// fetch GETs a URL without authentication (recording files, §11) and returns status, content
// type and at most 1 MiB of body.
func fetch(ctx context.Context, c *http.Client, url string) (int, string, []byte, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return 0, "", nil, err
	}
	resp, err := c.Do(req)
	if err != nil {
		return 0, "", nil, err
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	return resp.StatusCode, resp.Header.Get("Content-Type"), data, err
}
