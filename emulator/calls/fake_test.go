package calls

import (
	"context"
	"encoding/json"
	"fmt"
	"sync"
	"time"

	"github.com/pns-harness/pns-harness/emulator/clock"
	"github.com/pns-harness/pns-harness/pns"
)

// fakeBackend is an in-memory Backend for tests.
type fakeBackend struct {
	clk  Clock
	mu   sync.Mutex
	apps map[string]AppConfig
	xs   map[string]XInfo
	bs   []Binding
	temp map[string]tempCallee
	cb   map[string]cbRecord // key x|a
}

type tempCallee struct {
	num     string
	expires time.Time
}

type cbRecord struct {
	caller  string
	expires time.Time
}

func newFakeBackend(clk Clock) *fakeBackend {
	return &fakeBackend{clk: clk, apps: map[string]AppConfig{}, xs: map[string]XInfo{},
		temp: map[string]tempCallee{}, cb: map[string]cbRecord{}}
}

func (f *fakeBackend) addApp(a AppConfig, xs ...string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.apps[a.AppKey] = a
	for _, x := range xs {
		f.xs[x] = XInfo{Number: x, AppKey: a.AppKey, Mode: a.Mode, Status: StatusNormal}
	}
}

func (f *fakeBackend) addBinding(b Binding) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.bs = append(f.bs, b)
}

func (f *fakeBackend) removeBinding(sub string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	for i, b := range f.bs {
		if b.SubscriptionID == sub {
			f.bs = append(f.bs[:i], f.bs[i+1:]...)
			return
		}
	}
}

func (f *fakeBackend) setTemp(x, num string, d time.Duration) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.temp[x] = tempCallee{num: num, expires: f.clk.Now().Add(d)}
}

func (f *fakeBackend) App(k string) (AppConfig, bool) {
	f.mu.Lock()
	defer f.mu.Unlock()
	a, ok := f.apps[k]
	return a, ok
}

func (f *fakeBackend) XInfo(x string) (XInfo, bool) {
	f.mu.Lock()
	defer f.mu.Unlock()
	xi, ok := f.xs[x]
	return xi, ok
}

func (f *fakeBackend) find(pred func(Binding) bool) (Binding, bool) {
	f.mu.Lock()
	defer f.mu.Unlock()
	for _, b := range f.bs {
		if pred(b) {
			return b, true
		}
	}
	return Binding{}, false
}

func (f *fakeBackend) AXB(x, n string) (Binding, bool) {
	return f.find(func(b Binding) bool { return b.Mode == pns.ModeAXB && b.X == x && (b.A == n || b.B == n) })
}

func (f *fakeBackend) AX(x string) (Binding, bool) {
	return f.find(func(b Binding) bool { return b.Mode == pns.ModeAX && b.X == x })
}

func (f *fakeBackend) TempCallee(x string) (string, bool) {
	f.mu.Lock()
	defer f.mu.Unlock()
	t, ok := f.temp[x]
	if !ok || !f.clk.Now().Before(t.expires) {
		return "", false
	}
	return t.num, true
}

func (f *fakeBackend) AXEByExtension(x, e string) (Binding, bool) {
	return f.find(func(b Binding) bool { return b.Mode == pns.ModeAXE && b.X == x && b.Extension == e })
}

func (f *fakeBackend) AXEByBindNum(x, a string) (Binding, bool) {
	return f.find(func(b Binding) bool { return b.Mode == pns.ModeAXE && b.X == x && b.A == a })
}

func (f *fakeBackend) Callback(x, a string) (string, bool) {
	f.mu.Lock()
	defer f.mu.Unlock()
	r, ok := f.cb[x+"|"+a]
	if !ok || (!r.expires.IsZero() && !f.clk.Now().Before(r.expires)) {
		return "", false
	}
	return r.caller, true
}

func (f *fakeBackend) SetCallback(x, a, caller string) {
	b, ok := f.AXEByBindNum(x, a)
	if !ok {
		return
	}
	var exp time.Time
	if b.CallbackExpiry > 0 {
		exp = f.clk.Now().Add(b.CallbackExpiry)
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	f.cb[x+"|"+a] = cbRecord{caller: caller, expires: exp}
}

func (f *fakeBackend) SetXStatus(x, status, cause string) (XInfo, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	prev, ok := f.xs[x]
	if !ok {
		return XInfo{}, fmt.Errorf("unknown X %s", x)
	}
	n := prev
	n.Status, n.Cause = status, cause
	f.xs[x] = n
	return prev, nil
}

// pushed is one message a fakePusher received.
type pushed struct {
	kind   string // a Kind constant or "block"
	appKey string
	url    string
	ref    string
	body   []byte
}

// fakePusher records pushes; block answers Block requests.
type fakePusher struct {
	mu    sync.Mutex
	msgs  []pushed
	block func(body []byte) ([]byte, error)
	fail  error
}

func (p *fakePusher) add(kind, app, url, ref string, v any) []byte {
	b, err := json.Marshal(v)
	if err != nil {
		panic(err)
	}
	p.mu.Lock()
	p.msgs = append(p.msgs, pushed{kind, app, url, ref, b})
	p.mu.Unlock()
	return b
}

func (p *fakePusher) Push(_ context.Context, kind, app, url, ref string, body any) error {
	if url == "" {
		return fmt.Errorf("push without URL")
	}
	if p.fail != nil {
		return p.fail
	}
	p.add(kind, app, url, ref, body)
	return nil
}

func (p *fakePusher) Block(_ context.Context, app, url, ref string, body any) ([]byte, error) {
	b := p.add("block", app, url, ref, body)
	if p.block == nil {
		return nil, fmt.Errorf("no block receiver")
	}
	return p.block(b)
}

func (p *fakePusher) all() []pushed {
	p.mu.Lock()
	defer p.mu.Unlock()
	return append([]pushed(nil), p.msgs...)
}

func (p *fakePusher) ofKind(k string) []pushed {
	var out []pushed
	for _, m := range p.all() {
		if m.kind == k {
			out = append(out, m)
		}
	}
	return out
}

// Numbers used by the fixture.
const (
	axbX1, axbX2, axbX3, axbX4 = "+8617000000001", "+8617000000002", "+8617000000003", "+8617000000004"
	axbA, axbB                 = "+8613800000001", "+8613800000002"
	axbA2, axbB2               = "+8613800000011", "+8613800000012"
	axbA3, axbB3               = "+8613800000021", "+8613800000022"
	axbA4, axbB4               = "+8613800000031", "+8613800000032"
	stranger                   = "+8613600000000"

	axX1, axX2, axX3, axX4, axX5, axX6, axX7 = "+8617100000001", "+8617100000002", "+8617100000003", "+8617100000004", "+8617100000005", "+8617100000006", "+8617100000007"
	axA1, axA2, axA4, axA5, axA6, axA7       = "+8613900000001", "+8613900000002", "+8613900000004", "+8613900000005", "+8613900000006", "+8613900000007"
	axT                                      = "+8613900000099"

	axeX                    = "+8617200000001"
	axeA1, axeA2, axeA3     = "+8613700000001", "+8613700000002", "+8613700000003"
	axeCallbackNum          = "+8613700000099"
	axeE1, axeE2, axeE3     = "0001", "0002", "0003"
	appAXB, appAX, appAXE   = "axbAppKey", "axAppKey", "axeAppKey"
	urlStatus, urlFee       = "http://cust/status", "http://cust/fee"
	urlCallin, urlXStatus   = "http://cust/callin", "http://cust/xstatus"
	urlSMS, urlSMSControl   = "http://cust/sms", "http://cust/smscontrol"
	subAXB1, subAXB2        = "sub-axb-1", "sub-axb-2"
	subAXB3, subAXB4        = "sub-axb-3", "sub-axb-4"
	subAX1, subAX2, subAX4  = "sub-ax-1", "sub-ax-2", "sub-ax-4"
	subAX5, subAX6, subAX7  = "sub-ax-5", "sub-ax-6", "sub-ax-7"
	subAXE1, subAXE2        = "sub-axe-1", "sub-axe-2"
	subAXE3                 = "sub-axe-3"
	callbackExpiry          = time.Hour
	testScale               = 1e-3
	defaultRing, defaultTlk = DefaultRingSeconds, DefaultTalkSeconds
)

type fixture struct {
	clk  *clock.Virtual
	be   *fakeBackend
	push *fakePusher
	sim  *Simulator
}

func newFixture(opt Options) *fixture {
	clk := clock.NewVirtual(testScale)
	be := newFakeBackend(clk)
	p := &fakePusher{}
	be.addApp(AppConfig{AppKey: appAXB, SpID: "spAXB", Mode: pns.ModeAXB, Recording: true, SMS: true, SMSIncludeContent: true,
		CallStatusURL: urlStatus, FeeURL: urlFee, XStatusURL: urlXStatus, SMSNotifyURL: urlSMS},
		axbX1, axbX2, axbX3, axbX4)
	be.addApp(AppConfig{AppKey: appAX, SpID: "spAX", Mode: pns.ModeAX, Recording: true, SMS: true, SMSIncludeContent: true,
		CallStatusURL: urlStatus, CallinURL: urlCallin, FeeURL: urlFee, SMSNotifyURL: urlSMS, SMSControlURL: urlSMSControl},
		axX1, axX2, axX3, axX4, axX5, axX6, axX7)
	be.addApp(AppConfig{AppKey: appAXE, SpID: "spAXE", Mode: pns.ModeAXE, Recording: false,
		CallStatusURL: urlStatus, FeeURL: urlFee}, axeX)
	be.addBinding(Binding{Mode: pns.ModeAXB, SubscriptionID: subAXB1, X: axbX1, A: axbA, B: axbB, UserData: "ud-axb"})
	be.addBinding(Binding{Mode: pns.ModeAXB, SubscriptionID: subAXB2, X: axbX2, A: axbA2, B: axbB2, CallDirection: 1})
	be.addBinding(Binding{Mode: pns.ModeAXB, SubscriptionID: subAXB3, X: axbX3, A: axbA3, B: axbB3, MaxDuration: 1, RecordFlag: true})
	be.addBinding(Binding{Mode: pns.ModeAXB, SubscriptionID: subAXB4, X: axbX4, A: axbA4, B: axbB4, CallDirection: 2, SMSOff: true})
	be.addBinding(Binding{Mode: pns.ModeAX, SubscriptionID: subAX1, X: axX1, A: axA1, UserData: "ud-ax"})
	be.addBinding(Binding{Mode: pns.ModeAX, SubscriptionID: subAX2, X: axX2, A: axA2})
	be.addBinding(Binding{Mode: pns.ModeAX, SubscriptionID: subAX4, X: axX4, A: axA4, TurnFlag: "off"})
	be.addBinding(Binding{Mode: pns.ModeAX, SubscriptionID: subAX5, X: axX5, A: axA5, CallDirection: 2})
	be.addBinding(Binding{Mode: pns.ModeAX, SubscriptionID: subAX6, X: axX6, A: axA6, CalleeNumDisplay: "1"})
	be.addBinding(Binding{Mode: pns.ModeAX, SubscriptionID: subAX7, X: axX7, A: axA7, CallDirection: 1})
	be.addBinding(Binding{Mode: pns.ModeAXE, SubscriptionID: subAXE1, X: axeX, A: axeA1, Extension: axeE1, CallbackExpiry: callbackExpiry, UserData: "ud-axe"})
	be.addBinding(Binding{Mode: pns.ModeAXE, SubscriptionID: subAXE2, X: axeX, A: axeA2, Extension: axeE2, CallbackNum: axeCallbackNum})
	be.addBinding(Binding{Mode: pns.ModeAXE, SubscriptionID: subAXE3, X: axeX, A: axeA3, Extension: axeE3, DisplayNumMode: "1"})
	be.setTemp(axX1, axT, 60*time.Second)
	return &fixture{clk: clk, be: be, push: p, sim: New(be, p, clk, opt)}
}
