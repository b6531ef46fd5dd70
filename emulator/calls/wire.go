package calls

import (
	"context"
	"sync"
	"time"

	"github.com/pns-harness/pns-harness/emulator"
	"github.com/pns-harness/pns-harness/emulator/callbacks"
	"github.com/pns-harness/pns-harness/emulator/store"
	"github.com/pns-harness/pns-harness/pns"
)

// Register builds a Simulator on an emulator's store, configuration and clock, sending through
// the push dispatcher d, and wires it in: the control routes of Handler on the emulator's admin
// mux, the recording download resolver of §11, and a reset hook that clears the call log and
// the recordings. Options.HostName defaults to the emulator's hostName setting.
func Register(em *emulator.Emulator, d *callbacks.Dispatcher, opt Options) *Simulator {
	if opt.HostName == "" {
		opt.HostName = em.Config().HostName
	}
	sim := New(NewStoreBackend(em.Store(), EmulatorApps(em)), NewDispatcherPusher(d, EmulatorAppRefs(em)), em.Clock(), opt)
	h := sim.Handler()
	for _, r := range Routes() {
		em.HandleAdmin(r, h)
	}
	em.SetRecordingFiles(sim.RecordingHandler())
	em.SetRecordingResolver(func(app, fileName, domain string) (string, bool) {
		loc, err := sim.ResolveRecording(app, fileName, domain)
		return loc, err == nil
	})
	em.SetCallStopper(func(app, sessionID string) bool {
		_, err := sim.Stop(app, sessionID)
		return err == nil
	})
	em.OnReset(sim.Reset)
	return sim
}

// Reset forgets the call log, the live calls (a stop call no longer finds them), the
// recordings and their download tokens (the emulator's reset hook). X-number statuses stay,
// as in the emulator.
func (s *Simulator) Reset() {
	_ = s.inj.set(CauseInjection{})
	s.mu.Lock()
	s.logs = map[string][]*CallRecord{}
	s.mu.Unlock()
	s.liveMu.Lock()
	s.live = map[liveKey]*liveCall{}
	s.liveMu.Unlock()
	s.rec.mu.Lock()
	s.rec.byName = map[string]*recording{}
	s.rec.tokens = map[string]token{}
	s.rec.mu.Unlock()
}

// EmulatorApps returns the app lookup of an emulator's configuration.
func EmulatorApps(em *emulator.Emulator) func(string) (AppConfig, bool) {
	return func(key string) (AppConfig, bool) {
		a, ok := em.AppByKey(key)
		if !ok {
			return AppConfig{}, false
		}
		return AppConfig{
			AppKey: a.AppKey, SpID: a.SpID, Mode: a.Mode,
			Recording: on(a.Recording), SMS: on(a.SMS), SMSIncludeContent: on(a.SMSIncludeContent),
			CallStatusURL: a.CallStatusURL, CallinURL: a.CallinURL, FeeURL: a.FeeURL,
			XStatusURL: a.XStatusURL, SMSNotifyURL: a.SMSNotifyURL, SMSControlURL: a.SMSControlURL,
			ToneFiles: a.ToneFiles,
		}, true
	}
}

// EmulatorAppRefs returns the signing identities (key, secret, callbackAuth scheme) of an
// emulator's apps for the push dispatcher.
func EmulatorAppRefs(em *emulator.Emulator) func(string) (callbacks.AppRef, bool) {
	return func(key string) (callbacks.AppRef, bool) {
		a, ok := em.AppByKey(key)
		if !ok {
			return callbacks.AppRef{}, false
		}
		ref := callbacks.AppRef{Key: a.AppKey, Secret: a.AppSecret, Scheme: pns.SchemeAKSK}
		if a.CallbackAuth == "wsse" {
			ref.Scheme = pns.SchemeWSSE
		}
		return ref, true
	}
}

// on reads a normalized optional boolean setting (nil only before normalization: off).
func on(b *bool) bool { return b != nil && *b }

// DispatcherPusher adapts the push dispatcher to Pusher.
type DispatcherPusher struct {
	d    *callbacks.Dispatcher
	apps func(string) (callbacks.AppRef, bool)
}

// NewDispatcherPusher returns a Pusher sending through d, signing with the app of apps(key).
func NewDispatcherPusher(d *callbacks.Dispatcher, apps func(string) (callbacks.AppRef, bool)) *DispatcherPusher {
	return &DispatcherPusher{d: d, apps: apps}
}

type errUnknownApp string

func (e errUnknownApp) Error() string { return "calls: unknown app " + string(e) }

// Push implements Pusher with Dispatcher.Enqueue.
func (p *DispatcherPusher) Push(ctx context.Context, kind, appKey, url, ref string, body any) error {
	app, ok := p.apps(appKey)
	if !ok {
		return errUnknownApp(appKey)
	}
	return p.d.Enqueue(ctx, callbacks.Push{App: app, URL: url, Kind: kind, Value: body, Ref: ref})
}

// Block implements Pusher with Dispatcher.Block.
func (p *DispatcherPusher) Block(ctx context.Context, appKey, url, ref string, body any) ([]byte, error) {
	app, ok := p.apps(appKey)
	if !ok {
		return nil, errUnknownApp(appKey)
	}
	kind := pns.NotifySMSBlock
	if _, callin := body.(pns.Event); callin {
		kind = pns.NotifyEvent // the Block callin of an X-mode call (§6.7)
	}
	return p.d.Block(ctx, callbacks.Push{App: app, URL: url, Kind: kind, Value: body, Ref: ref})
}

// StoreBackend adapts the emulator's binding store to Backend. It also keeps the cause of each
// X's status, which the store does not model.
type StoreBackend struct {
	st   *store.Store
	apps func(string) (AppConfig, bool)

	mu     sync.Mutex
	causes map[string]string
}

// NewStoreBackend returns a Backend over st with app configurations from apps.
func NewStoreBackend(st *store.Store, apps func(string) (AppConfig, bool)) *StoreBackend {
	return &StoreBackend{st: st, apps: apps, causes: map[string]string{}}
}

// App implements Backend.
func (b *StoreBackend) App(key string) (AppConfig, bool) { return b.apps(key) }

func (b *StoreBackend) cause(x string) string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.causes[x]
}

// XInfo implements Backend.
func (b *StoreBackend) XInfo(x string) (XInfo, bool) {
	xi, ok := b.st.XInfo(x)
	if !ok {
		return XInfo{}, false
	}
	return XInfo{Number: xi.Number, AppKey: xi.App, Mode: xi.Mode, Status: xi.Status, Cause: b.cause(x), NoSMS: !xi.SMS}, true
}

// SetXStatus implements Backend.
func (b *StoreBackend) SetXStatus(x, status, cause string) (XInfo, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	xi, ok := b.st.XInfo(x)
	if !ok {
		_, err := b.st.SetXStatus(x, status)
		return XInfo{}, err
	}
	prev, err := b.st.SetXStatus(x, status)
	if err != nil {
		return XInfo{}, err
	}
	out := XInfo{Number: x, AppKey: xi.App, Mode: xi.Mode, Status: prev, Cause: b.causes[x]}
	b.causes[x] = cause
	return out, nil
}

func fromAXB(a store.AXBBinding) Binding {
	return Binding{Mode: pns.ModeAXB, SubscriptionID: a.SubscriptionID, X: a.RelationNum, A: a.CallerNum, B: a.CalleeNum,
		CallDirection: a.CallDirection, MaxDuration: a.MaxDuration, RecordFlag: a.RecordFlag, SMSOff: !a.PrivateSMS,
		UserData: a.UserData}
}

func fromAX(a store.AXBinding) Binding {
	b := Binding{Mode: pns.ModeAX, SubscriptionID: a.SubscriptionID, X: a.PrivateNum, A: a.OrigNum,
		MaxDuration: a.MaxDuration, RecordFlag: a.RecordFlag, SMSOff: !a.PrivateSMS, UserData: a.UserData,
		TurnFlag: a.TurnFlag, CalleeNumDisplay: a.CalleeNumDisplay}
	if a.CallDirection != nil {
		b.CallDirection = *a.CallDirection
	}
	return b
}

func fromAXE(a store.AXEBinding) Binding {
	b := Binding{Mode: pns.ModeAXE, SubscriptionID: a.SubscriptionID, X: a.VirtualNum, A: a.BindNum,
		RecordFlag: a.RecordFlag, UserData: a.UserData, Extension: a.ExtendNum, DisplayNumMode: a.DisplayNumMode,
		CallbackNum: a.CallbackNum}
	if a.CallbackExpiredTime > 0 {
		unit := 3600
		if a.TimeUnit == store.TimeUnitMinutes {
			unit = 60
		}
		b.CallbackExpiry = time.Duration(a.CallbackExpiredTime*unit) * time.Second
	}
	return b
}

// AXB implements Backend.
func (b *StoreBackend) AXB(x, n string) (Binding, bool) {
	a, ok := b.st.AXBByXAndNumber(x, n)
	if !ok {
		return Binding{}, false
	}
	return fromAXB(a), true
}

// AX implements Backend.
func (b *StoreBackend) AX(x string) (Binding, bool) {
	a, ok := b.st.AXByX(x)
	if !ok {
		return Binding{}, false
	}
	return fromAX(a), true
}

// TempCallee implements Backend.
func (b *StoreBackend) TempCallee(x string) (string, bool) {
	a, ok := b.st.AXByX(x)
	if !ok {
		return "", false
	}
	return b.st.TempCallee(a.SubscriptionID)
}

// AXEByExtension implements Backend.
func (b *StoreBackend) AXEByExtension(x, ext string) (Binding, bool) {
	a, ok := b.st.AXEByXAndExt(x, ext)
	if !ok {
		return Binding{}, false
	}
	return fromAXE(a), true
}

// AXEByBindNum implements Backend.
func (b *StoreBackend) AXEByBindNum(x, n string) (Binding, bool) {
	a, ok := b.st.AXEByXAndBindNum(x, n)
	if !ok {
		return Binding{}, false
	}
	return fromAXE(a), true
}

// Callback implements Backend.
func (b *StoreBackend) Callback(x, a string) (string, bool) {
	bd, ok := b.st.AXEByXAndBindNum(x, a)
	if !ok {
		return "", false
	}
	return b.st.CallbackRecord(bd.SubscriptionID)
}

// SetCallback implements Backend.
func (b *StoreBackend) SetCallback(x, a, caller string) {
	if bd, ok := b.st.AXEByXAndBindNum(x, a); ok {
		b.st.SetCallbackRecord(bd.SubscriptionID, caller)
	}
}

// The adapters implement the interfaces.
var (
	_ Backend = (*StoreBackend)(nil)
	_ Pusher  = (*DispatcherPusher)(nil)
)
