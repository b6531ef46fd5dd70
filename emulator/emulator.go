// Package emulator is the in-process emulator of Huawei Cloud's Private Number Service: the
// provisioning HTTP interface of reference §1-§5 and §11 (routing, authentication in the order
// of §2.5, field validation, responses), the admin interface under /emulator/v1/ and the
// Prometheus metrics. Binding state and business rules live in the store subpackage.
//
// Everything runs in-process: tests and the conformance runner serve Handler() with
// httptest.NewServer; `harness emulate` serves it on a real listener. The admin interface has
// no authentication, so the emulator must only listen on loopback (the default of
// `harness emulate`).
//
// # How to add an interface to the emulator
//
// Every provisioning request goes through servePNS (handlers.go), which does what all
// interfaces share (routing, injected faults, authentication, reading the body or query
// string) and then calls the interface's endpoint, found in a table keyed by the mode and ID
// of the interface in pns.Interfaces (endpoints.go). A new interface in an existing mode takes,
// on the emulator's side:
//
//   - pns/interfaces.go: its ID constant and its row in pns.Interfaces (method, path, mode);
//   - pns/types.go: its response type, when its answer is more than the envelope;
//   - emulator/<mode>.go (axb.go, ax.go, axe.go; recording.go and stopcall.go for the
//     interfaces of no mode):
//     its row in that mode's endpoint table, its decoder (the reference's fields in table
//     order), the function that applies it to the store and renders the answer;
//   - emulator/store/<mode>.go: the business rule and its input type;
//   - the mode's entry (axbMode, … in the same file): its row of ValidationOrder
//     (fieldOrder), for an interface with a JSON body (TestValidationOrder checks the row
//     against the decoder).
//
// TestEndpointsCoverInterfaces fails until the new ID has an endpoint under its mode. The rest
// of the harness (schemas, features, the load generator, conformance) has its own list.
//
// # How to add a mode to the emulator
//
// A mode is its own file here (emulator/<mode>.go: endpoints, decoders, renderers, its list
// of the admin dump, and its entry, which carries its rows of the fidelity document) with
// one line in modes and one field of BindingsDump (endpoints.go), and its own file in the
// store (emulator/store/<mode>.go: rules, state, invariants, its modeStores entry) with one
// line in each list of emulator/store/modes.go. TestModesCoverModes and the store's
// TestModeStoresCoverModes fail until a mode of pns.Modes has its entries.
package emulator

import (
	"net"
	"net/http"
	"net/netip"
	"sync"
	"time"

	"github.com/pns-harness/pns-harness/emulator/clock"
	"github.com/pns-harness/pns-harness/emulator/store"
)

// App is a configured application at run time: its configuration plus parsed allow-list and
// tone set, and its flow-control counter.
type App struct {
	AppConfig
	allow  []*net.IPNet
	tones  map[string]bool
	qps    qpsWindow
	bucket *tokenBucket // nil without FlowControl
	// alt: the configuration's decisions are the alternative set.
	alt bool
}

// toneAllowed applies D25: with a tone list, a tone must be on it; without one, any name is
// accepted.
func (a *App) toneAllowed(name string) bool {
	if len(a.tones) == 0 {
		return true
	}
	return a.tones[name]
}

// ipAllowed applies the allow-list of D12 (empty = no check).
func (a *App) ipAllowed(ip netip.Addr) bool {
	if len(a.allow) == 0 {
		return true
	}
	std := net.IP(ip.Unmap().AsSlice())
	for _, n := range a.allow {
		if n.Contains(std) {
			return true
		}
	}
	return false
}

// RecordingResolver maps a recording download request (app key, fileName, recordDomain) to the
// URL of the file; ok false answers 1012007 with HTTP 404 (D75).
type RecordingResolver func(app, fileName, domain string) (location string, ok bool)

// RequestLog describes one served provisioning request, for an observer such as the
// --debug log of `harness emulate`. It never contains credentials.
type RequestLog struct {
	Method     string
	Path       string
	Interface  string // interface ID, "" for unknown URIs and admin requests
	AppKey     string // the authenticated app, "" before authentication
	RemoteAddr string
	Status     int
	ResultCode string // "" when the answer has no envelope (404, 405, admin)
	Duration   time.Duration
}

// Option customises New.
type Option func(*Emulator)

// WithClock uses an existing virtual clock instead of a new one at cfg.ClockScale.
func WithClock(c *clock.Virtual) Option { return func(e *Emulator) { e.clock = c } }

// WithWallClock replaces the wall clock used for authentication windows (D76), so tests can
// check the skew boundaries without waiting.
func WithWallClock(now func() time.Time) Option { return func(e *Emulator) { e.wall = now } }

// WithObserver calls f after every request (provisioning, admin and metrics alike). f runs on
// the request goroutine and must be quick.
func WithObserver(f func(RequestLog)) Option { return func(e *Emulator) { e.observer = f } }

// Emulator is one emulated platform: config, apps, clock, store and the HTTP handler.
type Emulator struct {
	cfg      *Config
	apps     map[string]*App
	clock    *clock.Virtual
	wall     func() time.Time
	store    *store.Store
	metrics  *metrics
	lock     *lockout
	nonces   *nonceCache
	faults   *faults
	admin    *http.ServeMux
	observer func(RequestLog)
	skew     time.Duration
	localOff time.Duration

	mu       sync.RWMutex
	resolver RecordingResolver
	stopper  CallStopper
	files    http.Handler
	onReset  []func()
	onClose  []func()
	closed   bool
}

// New builds an emulator from a configuration. cfg is normalized (defaults applied, validated)
// if that has not been done yet; the caller must not change it afterwards.
func New(cfg Config, opts ...Option) (*Emulator, error) {
	c := cfg.clone()
	if err := c.Normalize(); err != nil {
		return nil, err
	}
	e := &Emulator{cfg: c, apps: map[string]*App{}, wall: time.Now}
	for _, o := range opts {
		o(e)
	}
	if e.clock == nil {
		e.clock = clock.NewVirtual(c.ClockScale)
	}
	for _, ac := range c.Apps {
		a := &App{AppConfig: ac, tones: map[string]bool{}, alt: c.Decisions == DecisionsAlternative}
		for _, w := range ac.IPWhitelist {
			n, err := parseIPRule(w)
			if err != nil {
				return nil, err
			}
			a.allow = append(a.allow, n)
		}
		for _, t := range ac.ToneFiles {
			a.tones[t] = true
		}
		if ac.FlowControl != nil {
			a.bucket = newTokenBucket(*ac.FlowControl)
		}
		e.apps[ac.AppKey] = a
	}
	st, err := store.New(c.StoreOptions(e.clock))
	if err != nil {
		return nil, err
	}
	e.store = st
	e.skew = time.Duration(c.AuthSkewSeconds) * time.Second
	e.localOff = c.LocalOffset()
	e.metrics = newMetrics()
	e.lock = newLockout(isTrue(c.LockoutEnabled), c.LockoutFailures,
		time.Duration(c.LockoutWindowSeconds)*time.Second, time.Duration(c.LockoutSeconds)*time.Second)
	e.nonces = newNonceCache()
	e.faults = newFaults()
	e.admin = http.NewServeMux()
	e.registerAdmin()
	return e, nil
}

// StoreOptions converts a normalized configuration to the store's options (apps, expanded
// pool, areas, mobile prefixes) with clk as the store's clock.
func (c *Config) StoreOptions(clk clock.Clock) store.Options {
	o := store.Options{Clock: clk, Areas: copyMap(c.Areas), MobilePrefixAreas: copyMap(c.MobilePrefixAreas),
		Alternative: c.Decisions == DecisionsAlternative}
	for _, a := range c.Apps {
		o.Apps = append(o.Apps, store.App{
			Key: a.AppKey, Mode: a.Mode, Recording: isTrue(a.Recording), SMS: isTrue(a.SMS),
			ExtensionDigits: a.ExtensionDigits, MaxPairsPerX: a.MaxPairsPerX, MaxRelationsPerY: a.MaxRelationsPerY,
		})
	}
	for _, p := range c.Entries() {
		o.Pool = append(o.Pool, store.XNumber{
			Number: p.Number, App: p.App, CityCode: p.CityCode, Province: p.Province,
			SMS: orDefault(p.SMS, true), Status: p.Status,
		})
	}
	return o
}

// Config returns the effective configuration (defaults applied). Callers must not modify it.
func (e *Emulator) Config() *Config { return e.cfg }

// Clock returns the emulator clock.
func (e *Emulator) Clock() *clock.Virtual { return e.clock }

// Store returns the binding store.
func (e *Emulator) Store() *store.Store { return e.store }

// AppByKey returns a configured app.
func (e *Emulator) AppByKey(key string) (*App, bool) {
	a, ok := e.apps[key]
	return a, ok
}

// Apps returns the configured apps in configuration order.
func (e *Emulator) Apps() []*App {
	out := make([]*App, 0, len(e.cfg.Apps))
	for _, ac := range e.cfg.Apps {
		out = append(out, e.apps[ac.AppKey])
	}
	return out
}

// SetRecordingResolver installs the lookup of the recording download interface (§11). Without
// one every download answers 1012007 with HTTP 404.
func (e *Emulator) SetRecordingResolver(f RecordingResolver) {
	e.mu.Lock()
	e.resolver = f
	e.mu.Unlock()
}

// RecordingFilesPath is where the files named by recording download Locations are served: on
// the provisioning listener (Handler and PlatformHandler), never under AdminPrefix, so that a
// client of a platform-only emulator can follow the Location it was given.
const RecordingFilesPath = "/recordings/"

// SetRecordingFiles installs the handler of RecordingFilesPath. Without one that path
// answers 404 like any unknown URI.
func (e *Emulator) SetRecordingFiles(h http.Handler) {
	e.mu.Lock()
	e.files = h
	e.mu.Unlock()
}

// OnReset registers f to run on POST /emulator/v1/reset, after the store is cleared, so that
// other components (call simulator, push dispatcher) clear their state too.
func (e *Emulator) OnReset(f func()) {
	e.mu.Lock()
	e.onReset = append(e.onReset, f)
	e.mu.Unlock()
}

// Reset clears all run-time state: bindings, lockouts, remembered nonces, flow-control
// counters, then runs the OnReset hooks. Configuration, X statuses, faults and the clock stay.
func (e *Emulator) Reset() {
	e.store.Reset()
	e.lock.clear()
	e.nonces.clear()
	for _, a := range e.apps {
		a.qps.reset()
		if a.bucket != nil {
			a.bucket.reset()
		}
	}
	e.mu.RLock()
	hooks := append([]func(){}, e.onReset...)
	e.mu.RUnlock()
	for _, h := range hooks {
		h()
	}
}

// HandleAdmin registers an extra admin handler, e.g. "POST /emulator/v1/calls". The pattern
// uses net/http.ServeMux syntax and must be under /emulator/v1/; it panics on a conflicting or
// malformed pattern, like ServeMux.Handle.
func (e *Emulator) HandleAdmin(pattern string, h http.Handler) {
	if !validAdminPattern(pattern) {
		panic("emulator: admin pattern must be under " + AdminPrefix + ": " + pattern)
	}
	e.admin.Handle(pattern, h)
}

// OnClose registers f to run once on Close, in reverse registration order, so that components
// started with the emulator (push dispatcher, call simulator) stop with it.
func (e *Emulator) OnClose(f func()) {
	e.mu.Lock()
	e.onClose = append(e.onClose, f)
	e.mu.Unlock()
}

// Close runs the OnClose hooks once; later calls do nothing. The HTTP server owns the
// connections, so the Handler keeps answering requests that are still in flight.
func (e *Emulator) Close() error {
	e.mu.Lock()
	if e.closed {
		e.mu.Unlock()
		return nil
	}
	e.closed = true
	hooks := e.onClose
	e.onClose = nil
	e.mu.Unlock()
	for i := len(hooks) - 1; i >= 0; i-- {
		hooks[i]()
	}
	return nil
}
