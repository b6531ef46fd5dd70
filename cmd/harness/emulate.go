package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
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
	fs, f := emulateFlagSet(stdout, stderr)
	if code, ok := parseFlags(fs, args, false); !ok {
		return code
	}
	cfg, fc, err := f.config()
	if err != nil {
		fmt.Fprintf(stderr, "harness emulate: %v\n", err)
		return exitUsage
	}
	return emulateServe(ctx, f, cfg, fc, stdout, stderr, ready)
}

// emulateServe serves the emulator built from cfg until ctx is done (or prints its
// configuration with --print-config), then shuts it down within --shutdown-timeout.
func emulateServe(ctx context.Context, f *emulateFlags, cfg *emulator.Config, fc string, stdout, stderr io.Writer, ready func(addr string)) int {
	if *f.printConfig {
		if err := emulatePrintConfig(stdout, cfg); err != nil {
			fmt.Fprintf(stderr, "harness emulate: %v\n", err)
			return exitFailed
		}
		return exitOK
	}
	logger, opts := emulateLogger(*f.debug, stderr)
	ln, err := net.Listen("tcp", *f.listen)
	if err != nil {
		// A port in use or an address this host does not have: the configuration (--listen)
		// is at fault, before anything was served.
		fmt.Fprintf(stderr, "harness emulate: --listen %s: %v\n", *f.listen, err)
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
	if tcp, ok := ln.Addr().(*net.TCPAddr); ok && !tcp.IP.IsLoopback() && !*f.platformOnly {
		logger.Warn("listening on a non-loopback address: the admin interface has no authentication", "addr", ln.Addr().String())
	}
	srv := emulateServer(cfg, emu, *f.platformOnly, logger)
	if cfg.TLS {
		if ln, err = emulateTLS(ln, srv, *f.certOut, logger); err != nil {
			_ = ln.Close()
			fmt.Fprintf(stderr, "harness emulate: %v\n", err)
			return exitFailed
		}
	}
	var adminSrv *http.Server
	var adminLn net.Listener
	if *f.adminListen != "" {
		if adminLn, err = listenLoopback(*f.adminListen); err != nil {
			_ = ln.Close()
			fmt.Fprintf(stderr, "harness emulate: --admin-listen: %v\n", err)
			return exitUsage
		}
		adminSrv = &http.Server{Handler: emu.AdminHandler(), ReadHeaderTimeout: 10 * time.Second, ReadTimeout: receiver.DefaultReadTimeout}
	}
	emulateLogStart(logger, *f.platformOnly, cfg, fc, emu, scheme+"://"+ln.Addr().String(), adminLn)
	if ready != nil {
		ready(ln.Addr().String())
	}
	return emulateRun(ctx, *f.shutdownTimeout, srv, ln, adminSrv, adminLn, logger, stderr)
}

// emulateRun serves srv on ln (and adminSrv on adminLn when not nil) until a server fails or
// ctx is done, then shuts srv down within timeout.
func emulateRun(ctx context.Context, timeout time.Duration, srv *http.Server, ln net.Listener, adminSrv *http.Server, adminLn net.Listener, logger *slog.Logger, stderr io.Writer) int {
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
	sctx, cancel := context.WithTimeout(context.Background(), timeout)
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
