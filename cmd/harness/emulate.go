package main

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/sha256"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/hex"
	"encoding/pem"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"math/big"
	"net"
	"net/http"
	"os"
	"reflect"
	"strings"
	"time"

	"github.com/pns-harness/pns-harness/embedded"
	"github.com/pns-harness/pns-harness/emulator"
	"github.com/pns-harness/pns-harness/receiver"
)

// defaultEmulateListen is the default address of `harness emulate`: loopback only, because the
// admin interface under /emulator/v1/ has no authentication.
const defaultEmulateListen = "127.0.0.1:8080"

func init() {
	register("emulate", "run the PNS emulator (HTTP or HTTPS, admin under /emulator/v1/)", untilSignal(func(ctx context.Context, args []string, stdout, stderr io.Writer) int {
		return runEmulate(ctx, args, stdout, stderr, nil)
	}))
}

// runEmulate parses the flags, builds the emulator and serves it until ctx is done. ready, when
// non-nil, receives the bound address once the listener is up (used by tests).
func runEmulate(ctx context.Context, args []string, stdout, stderr io.Writer, ready func(addr string)) int {
	fs := newFlagSet("emulate", stdout, stderr)
	configPath := fs.String("config", "", "YAML configuration `file` (default: the embedded demo configuration with apps demo-axb, demo-ax, demo-axe)")
	listen := fs.String("listen", defaultEmulateListen, "listen `address`; keep it on loopback: the admin interface has no authentication")
	useTLS := fs.Bool("tls", false, "serve HTTPS with a self-signed ECDSA certificate for localhost, 127.0.0.1 and ::1 (also tls: true in the config)")
	timeScale := fs.Float64("time-scale", 0, "emulator clock speed relative to real time (overrides clockScale; 0 = from the config)")
	printConfig := fs.Bool("print-config", false, "print the effective configuration as YAML (secrets included: it is your own file) and exit")
	debug := fs.Bool("debug", false, "log one line per request (method, path, interface, app, status, resultcode, duration)")
	shutdownTimeout := fs.Duration("shutdown-timeout", 10*time.Second, "how long to wait for in-flight requests on SIGINT/SIGTERM")
	platformOnly := fs.Bool("platform-only", false, "behave like the real platform: only the /rest interfaces and the recording files they link, over TLS, lockout and flow control on, no admin API and no /metrics on --listen")
	certOut := fs.String("cert-out", "", "write the self-signed certificate (PEM) to this `file`, for --ca-file of the harness and other clients (needs --tls or --platform-only)")
	adminListen := fs.String("admin-listen", "", "with --platform-only: serve the admin API and /metrics over plain HTTP on this loopback `address` (default: not at all)")
	decisions := fs.String("decisions", "", "answers where the contract is silent: "+emulator.DecisionsDefault+" (the emulator's decisions) or "+emulator.DecisionsAlternative+
		" (another answer within the contract for each decision docs/fidelity.md lists, to check that a suite run against --target fails no platform for deciding differently); default: the config's decisions key")
	flowControl := fs.String("flow-control", "", "token-bucket flow control `RATE/BURST` for every app without its own qpsLimit or flowControl, e.g. 0.001/5 (default with --platform-only: "+defaultPlatformFlowControl+")")
	fs.describe("harness emulate [flags]", fmt.Sprintf(
		"Runs the Private Number Service emulator until SIGINT or SIGTERM (then it shuts down cleanly\n"+
			"and exits 0). Admin API under %s (OpenAPI document at %sopenapi.json),\n"+
			"Prometheus metrics at %s. With --platform-only it serves only the /rest interfaces over TLS,\n"+
			"with lockout and flow control on, like the real platform.", emulator.AdminPrefix, emulator.AdminPrefix, emulator.MetricsPath))
	if code, ok := parseFlags(fs, args, false); !ok {
		return code
	}
	if *adminListen != "" && !*platformOnly {
		fmt.Fprintln(stderr, "harness emulate: --admin-listen needs --platform-only (otherwise the admin API is on --listen)")
		return exitUsage
	}
	fc := *flowControl
	if fc == "" && *platformOnly {
		fc = defaultPlatformFlowControl
	}
	var flow *emulator.FlowControl
	if fc != "" && fc != "off" {
		f, err := emulator.ParseFlowControl(fc)
		if err != nil {
			fmt.Fprintf(stderr, "harness emulate: --flow-control: %v\n", err)
			return exitUsage
		}
		flow = &f
	}

	var cfg *emulator.Config
	var err error
	if *configPath != "" {
		cfg, err = emulator.LoadConfig(*configPath)
	} else {
		cfg, err = emulator.DefaultConfig()
	}
	if err != nil {
		fmt.Fprintf(stderr, "harness emulate: %v\n", err)
		return exitUsage
	}
	if *decisions != "" {
		if *decisions != emulator.DecisionsDefault && *decisions != emulator.DecisionsAlternative {
			fmt.Fprintf(stderr, "harness emulate: --decisions %q: want %s or %s\n", *decisions, emulator.DecisionsDefault, emulator.DecisionsAlternative)
			return exitUsage
		}
		cfg.Decisions = *decisions
	}
	if *timeScale < 0 {
		fmt.Fprintln(stderr, "harness emulate: --time-scale must be positive")
		return exitUsage
	}
	if *timeScale > 0 {
		cfg.ClockScale = *timeScale
	}
	if *useTLS || *platformOnly {
		cfg.TLS = true
	}
	if *platformOnly {
		cfg.LockoutEnabled = &[]bool{true}[0]
	}
	if flow != nil {
		for i := range cfg.Apps {
			if a := &cfg.Apps[i]; a.QPSLimit == 0 && a.FlowControl == nil {
				f := *flow
				a.FlowControl = &f
			}
		}
	}
	if *certOut != "" && !cfg.TLS {
		fmt.Fprintln(stderr, "harness emulate: --cert-out needs --tls or --platform-only")
		return exitUsage
	}
	if *printConfig {
		if err := emulatePrintConfig(stdout, cfg); err != nil {
			fmt.Fprintf(stderr, "harness emulate: %v\n", err)
			return exitFailed
		}
		return exitOK
	}

	level := slog.LevelInfo
	if *debug {
		level = slog.LevelDebug
	}
	logger := slog.New(slog.NewTextHandler(stderr, &slog.HandlerOptions{Level: level}))
	var opts []emulator.Option
	if *debug {
		opts = append(opts, emulator.WithObserver(func(l emulator.RequestLog) {
			logger.Debug("request", "method", l.Method, "path", l.Path, "interface", l.Interface, "app", l.AppKey,
				"remote", l.RemoteAddr, "status", l.Status, "resultcode", l.ResultCode, "duration", l.Duration)
		}))
	}
	ln, err := net.Listen("tcp", *listen)
	if err != nil {
		// A port in use or an address this host does not have: the configuration (--listen)
		// is at fault, before anything was served.
		fmt.Fprintf(stderr, "harness emulate: --listen %s: %v\n", *listen, err)
		return exitUsage
	}
	scheme := "http"
	if cfg.TLS {
		scheme = "https"
	}
	// The whole platform: provisioning, push dispatcher and call/SMS/status simulator, so that
	// recordings get absolute Locations on this listener.
	plat, err := embedded.New(cfg, scheme+"://"+ln.Addr().String(), embedded.Options{EmulatorOptions: opts})
	if err != nil {
		_ = ln.Close()
		fmt.Fprintf(stderr, "harness emulate: %v\n", err)
		return exitUsage
	}
	defer plat.Close()
	emu := plat.Emulator
	if tcp, ok := ln.Addr().(*net.TCPAddr); ok && !tcp.IP.IsLoopback() && !*platformOnly {
		logger.Warn("listening on a non-loopback address: the admin interface has no authentication", "addr", ln.Addr().String())
	}
	handler := emu.Handler()
	if *platformOnly {
		handler = emu.PlatformHandler()
	}
	srv := &http.Server{
		Handler:           handler,
		ReadHeaderTimeout: 10 * time.Second,
		// A whole request within a bounded time: a slow body cannot hold a connection (body
		// sizes are bounded by maxBodyBytes in the handlers).
		ReadTimeout: receiver.DefaultReadTimeout,
		IdleTimeout: 120 * time.Second,
		ErrorLog:    slog.NewLogLogger(logger.Handler(), slog.LevelDebug),
	}
	if cfg.ShortConnections {
		srv.SetKeepAlivesEnabled(false)
	}
	if cfg.TLS {
		cert, fp, err := selfSignedCert(time.Now())
		if err != nil {
			_ = ln.Close()
			fmt.Fprintf(stderr, "harness emulate: %v\n", err)
			return exitFailed
		}
		srv.TLSConfig = &tls.Config{Certificates: []tls.Certificate{cert}, MinVersion: tls.VersionTLS12}
		ln = tls.NewListener(ln, srv.TLSConfig)
		logger.Info("self-signed certificate", "sha256", fp)
		if *certOut != "" {
			if err := writeCertPEM(*certOut, cert); err != nil {
				_ = ln.Close()
				fmt.Fprintf(stderr, "harness emulate: --cert-out: %v\n", err)
				return exitFailed
			}
			logger.Info("certificate written", "file", *certOut)
		}
	}
	var adminSrv *http.Server
	var adminLn net.Listener
	if *adminListen != "" {
		if adminLn, err = listenLoopback(*adminListen); err != nil {
			_ = ln.Close()
			fmt.Fprintf(stderr, "harness emulate: --admin-listen: %v\n", err)
			return exitUsage
		}
		adminSrv = &http.Server{Handler: emu.AdminHandler(), ReadHeaderTimeout: 10 * time.Second, ReadTimeout: receiver.DefaultReadTimeout}
	}
	for _, a := range emu.Apps() {
		logger.Info("app", "appKey", a.AppKey, "mode", a.Mode, "xNumbers", len(emu.Store().XNumbers(a.AppKey)))
	}
	base := scheme + "://" + ln.Addr().String()
	if *platformOnly {
		admin := "none"
		if adminLn != nil {
			admin = "http://" + adminLn.Addr().String() + emulator.AdminPrefix
		}
		logger.Info("PNS platform-only emulator listening", "url", base, "admin", admin, "flowControl", fc,
			"lockoutFailures", cfg.LockoutFailures, "lockoutWindowSeconds", cfg.LockoutWindowSeconds, "lockoutSeconds", cfg.LockoutSeconds, "decisions", cfg.Decisions)
	} else {
		logger.Info("PNS emulator listening", "url", base, "admin", base+emulator.AdminPrefix, "metrics", base+emulator.MetricsPath,
			"clockScale", cfg.ClockScale, "shortConnections", cfg.ShortConnections, "decisions", cfg.Decisions)
	}
	if ready != nil {
		ready(ln.Addr().String())
	}

	errc := make(chan error, 2)
	go func() { errc <- srv.Serve(ln) }()
	if adminSrv != nil {
		go func() { errc <- adminSrv.Serve(adminLn) }()
		defer adminSrv.Close()
	}
	select {
	case err := <-errc:
		if err != nil && !errors.Is(err, http.ErrServerClosed) {
			fmt.Fprintf(stderr, "harness emulate: %v\n", err)
			return exitFailed
		}
		return exitOK
	case <-ctx.Done():
	}
	logger.Info("shutting down")
	sctx, cancel := context.WithTimeout(context.Background(), *shutdownTimeout)
	defer cancel()
	if err := srv.Shutdown(sctx); err != nil {
		fmt.Fprintf(stderr, "harness emulate: shutdown: %v\n", err)
		return exitFailed
	}
	return exitOK
}

// defaultPlatformFlowControl is the per-app token bucket of --platform-only: high enough for
// the short loads of `harness run`, low enough that a real overload is answered like the
// platform does.
const defaultPlatformFlowControl = "1000/1000"

// listenLoopback listens on addr, which must be a loopback IP address: what it serves has no
// authentication.
func listenLoopback(addr string) (net.Listener, error) {
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		return nil, err
	}
	if ip := net.ParseIP(host); ip == nil || !ip.IsLoopback() {
		return nil, fmt.Errorf("%q: want a loopback address such as 127.0.0.1:8081", addr)
	}
	return net.Listen("tcp", addr)
}

// writeCertPEM writes the leaf certificate of cert as PEM (the private key stays in memory).
func writeCertPEM(path string, cert tls.Certificate) error {
	data := pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: cert.Certificate[0]})
	return os.WriteFile(path, data, 0o644)
}

// selfSignedCert returns an ECDSA P-256 certificate for localhost, 127.0.0.1 and ::1, valid for
// a year from now, and its SHA-256 fingerprint (hex) so that clients can pin it.
func selfSignedCert(now time.Time) (tls.Certificate, string, error) {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return tls.Certificate{}, "", err
	}
	serial, err := rand.Int(rand.Reader, new(big.Int).Lsh(big.NewInt(1), 120))
	if err != nil {
		return tls.Certificate{}, "", err
	}
	tmpl := &x509.Certificate{
		SerialNumber:          serial,
		Subject:               pkix.Name{CommonName: "pns-harness emulator", Organization: []string{"pns-harness"}},
		NotBefore:             now.Add(-time.Hour),
		NotAfter:              now.Add(365 * 24 * time.Hour),
		KeyUsage:              x509.KeyUsageDigitalSignature,
		ExtKeyUsage:           []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
		BasicConstraintsValid: true,
		DNSNames:              []string{"localhost"},
		IPAddresses:           []net.IP{net.ParseIP("127.0.0.1"), net.ParseIP("::1")},
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		return tls.Certificate{}, "", err
	}
	sum := sha256.Sum256(der)
	leaf, err := x509.ParseCertificate(der)
	if err != nil {
		return tls.Certificate{}, "", err
	}
	return tls.Certificate{Certificate: [][]byte{der}, PrivateKey: key, Leaf: leaf}, hex.EncodeToString(sum[:]), nil
}

// emulatePrintConfig writes cfg as a complete template: every key with its effective value,
// empty ones included (the callback URL keys are empty in the demo configuration and are the
// ones a callback walkthrough must fill in). An empty list shows no keys of its items, so a
// header comment names the keys of a pool entry.
func emulatePrintConfig(w io.Writer, cfg *emulator.Config) error {
	y, err := cfg.YAML()
	if err != nil {
		return err
	}
	fmt.Fprintf(w, "# pns-harness emulator configuration: every key with its effective value; docs/config.md\n"+
		"# explains each. Load it with: harness emulate --config FILE\n"+
		"# pool entries (one X number each) have the keys: %s\n", strings.Join(yamlKeys(reflect.TypeFor[emulator.PoolEntry]()), ", "))
	_, err = w.Write(y)
	return err
}

// yamlKeys lists the YAML keys of struct type t in field order.
func yamlKeys(t reflect.Type) []string {
	var keys []string
	for f := range t.Fields() {
		name, _, _ := strings.Cut(f.Tag.Get("yaml"), ",")
		if name != "" && name != "-" {
			keys = append(keys, name)
		}
	}
	return keys
}
