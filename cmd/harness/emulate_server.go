package main

import (
	"crypto/tls"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"time"

	"github.com/pns-harness/pns-harness/emulator"
	"github.com/pns-harness/pns-harness/receiver"
)

// The servers of `harness emulate`: its logger, the platform's HTTP server, TLS and the
// listening lines.

// emulateLogger is the emulator's logger on stderr and, with debug, the option that logs
// one line per request.
func emulateLogger(debug bool, stderr io.Writer) (*slog.Logger, []emulator.Option) {
	level := slog.LevelInfo
	if debug {
		level = slog.LevelDebug
	}
	logger := slog.New(slog.NewTextHandler(stderr, &slog.HandlerOptions{Level: level}))
	var opts []emulator.Option
	if debug {
		opts = append(opts, emulator.WithObserver(func(l emulator.RequestLog) {
			logger.Debug("request", "method", l.Method, "path", l.Path, "interface", l.Interface, "app", l.AppKey,
				"remote", l.RemoteAddr, "status", l.Status, "resultcode", l.ResultCode, "duration", l.Duration)
		}))
	}
	return logger, opts
}

// emulateServer is the HTTP server of the emulator's handler: the platform's interfaces
// alone with platformOnly, else with the admin API and metrics.
func emulateServer(cfg *emulator.Config, emu *emulator.Emulator, platformOnly bool, logger *slog.Logger) *http.Server {
	handler := emu.Handler()
	if platformOnly {
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
	return srv
}

// emulateTLS gives srv a self-signed certificate, written to certOut when not empty, and
// returns ln wrapped in TLS. On error the returned listener is still the one to close.
func emulateTLS(ln net.Listener, srv *http.Server, certOut string, logger *slog.Logger) (net.Listener, error) {
	cert, fp, err := selfSignedCert(time.Now())
	if err != nil {
		return ln, err
	}
	srv.TLSConfig = &tls.Config{Certificates: []tls.Certificate{cert}, MinVersion: tls.VersionTLS12}
	ln = tls.NewListener(ln, srv.TLSConfig)
	logger.Info("self-signed certificate", "sha256", fp)
	if certOut != "" {
		if err := writeCertPEM(certOut, cert); err != nil {
			return ln, fmt.Errorf("--cert-out: %v", err)
		}
		logger.Info("certificate written", "file", certOut)
	}
	return ln, nil
}

// emulateLogStart logs the apps and the listening line: where the platform, the admin API
// and the metrics are served (adminLn: the --admin-listen listener, or nil).
func emulateLogStart(logger *slog.Logger, platformOnly bool, cfg *emulator.Config, fc string, emu *emulator.Emulator, base string, adminLn net.Listener) {
	for _, a := range emu.Apps() {
		logger.Info("app", "appKey", a.AppKey, "mode", a.Mode, "xNumbers", len(emu.Store().XNumbers(a.AppKey)))
	}
	if platformOnly {
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
}
