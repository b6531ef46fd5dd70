// Package embedded assembles the complete emulated platform: the provisioning emulator, the
// push dispatcher that signs and re-pushes notifications, and the call/SMS/status simulator
// with its recordings. `harness emulate`, `harness run` and the conformance runner all start
// the platform through this package, so that a feature works the same in each of them.
package embedded

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"net"
	"net/http"
	"time"

	"github.com/pns-harness/pns-harness/emulator"
	"github.com/pns-harness/pns-harness/emulator/callbacks"
	"github.com/pns-harness/pns-harness/emulator/calls"
)

// DefaultShutdownTimeout bounds how long Close waits for in-flight requests.
const DefaultShutdownTimeout = 5 * time.Second

// Options configure Start.
type Options struct {
	// Listen is the listen address; empty means a free port on 127.0.0.1.
	Listen string
	// TLSConfig, when set, serves HTTPS with it.
	TLSConfig *tls.Config
	// Wrap, when set, wraps the emulator's handler (fault injection in tests, request logs).
	Wrap func(http.Handler) http.Handler
	// EmulatorOptions are passed to emulator.New.
	EmulatorOptions []emulator.Option
	// Immediate makes the simulator push all events of a call at once (load tests).
	Immediate bool
	// CallbackDelay holds every push's first attempt this long after its emission
	// (callbacks.Options.Delay): a known delivery delay for self-calibration.
	CallbackDelay time.Duration
	// ObserveCallbacks, when set, sees every delivery attempt (callbacks.Options.Observe).
	ObserveCallbacks func(callbacks.Attempt)
}

// Platform is a running emulated platform.
type Platform struct {
	// URL is the base URL of the platform, e.g. http://127.0.0.1:41234.
	URL        string
	Emulator   *emulator.Emulator
	Dispatcher *callbacks.Dispatcher
	Simulator  *calls.Simulator
	server     *http.Server
	done       chan struct{}
}

// New builds the platform without serving it: the emulator, a dispatcher configured from the
// emulator's settings (callback timeout, fee window and batch size, insecure TLS) and the
// simulator registered on the emulator's admin routes. baseURL is the platform's URL as its
// users reach it (Platform.URL); recording Locations follow each request's Host instead.
func New(cfg *emulator.Config, baseURL string, o Options) (*Platform, error) {
	em, err := emulator.New(*cfg, o.EmulatorOptions...)
	if err != nil {
		return nil, err
	}
	c := em.Config()
	d := callbacks.New(callbacks.Options{
		Clock:          em.Clock(),
		Timeout:        time.Duration(c.CallbackTimeoutSeconds) * time.Second,
		FeeBatchWindow: time.Duration(c.FeeBatchWindowSeconds) * time.Second,
		FeeBatchMax:    c.FeeBatchMax,
		StatusBatchMax: c.StatusBatchMax,
		InsecureTLS:    c.CallbackInsecureTLS,
		Delay:          o.CallbackDelay,
		Observe:        o.ObserveCallbacks,
	})
	// The dispatcher's pns_callback_* series join the emulator's /metrics.
	if err := em.Registerer().Register(d); err != nil {
		_ = d.Close()
		_ = em.Close()
		return nil, fmt.Errorf("register callback metrics: %w", err)
	}
	sim := calls.Register(em, d, calls.Options{Immediate: o.Immediate})
	return &Platform{URL: baseURL, Emulator: em, Dispatcher: d, Simulator: sim}, nil
}

// Handler returns the platform's HTTP handler (wrapped when Options.Wrap was set by Start).
func (p *Platform) Handler() http.Handler { return p.Emulator.Handler() }

// Start builds the platform and serves it on a listener.
func Start(cfg *emulator.Config, o Options) (*Platform, error) {
	addr := o.Listen
	if addr == "" {
		addr = "127.0.0.1:0"
	}
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, fmt.Errorf("listen %s: %w", addr, err)
	}
	scheme := "http"
	if o.TLSConfig != nil {
		scheme = "https"
		ln = tls.NewListener(ln, o.TLSConfig)
	}
	base := scheme + "://" + ln.Addr().String()
	p, err := New(cfg, base, o)
	if err != nil {
		ln.Close()
		return nil, err
	}
	h := p.Emulator.Handler()
	if o.Wrap != nil {
		h = o.Wrap(h)
	}
	p.server = &http.Server{Handler: h, ReadHeaderTimeout: 10 * time.Second}
	if p.Emulator.Config().ShortConnections {
		p.server.SetKeepAlivesEnabled(false)
	}
	p.done = make(chan struct{})
	go func() {
		defer close(p.done)
		if err := p.server.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
			_ = err // the listener failed; clients see connection errors
		}
	}()
	return p, nil
}

// Close stops serving (waiting up to DefaultShutdownTimeout for in-flight requests), sends what
// the dispatcher already queued, and releases the emulator.
func (p *Platform) Close() error {
	var errs []error
	if p.server != nil {
		ctx, cancel := context.WithTimeout(context.Background(), DefaultShutdownTimeout)
		defer cancel()
		if err := p.server.Shutdown(ctx); err != nil {
			errs = append(errs, err)
		}
		<-p.done
	}
	if err := p.Dispatcher.Close(); err != nil {
		errs = append(errs, err)
	}
	if err := p.Emulator.Close(); err != nil {
		errs = append(errs, err)
	}
	return errors.Join(errs...)
}
