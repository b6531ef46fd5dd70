package main

import (
	"crypto/tls"
	"crypto/x509"
	"errors"
	"flag"
	"fmt"
	"net/http"
	"os"
	"time"
)

// tlsFlags are the TLS client flags of every subcommand that talks to a platform (conform,
// load, run): trust a private CA or a self-signed certificate (`harness emulate --cert-out`),
// or, as a last resort that the report's manifest flags, skip verification.
type tlsFlags struct {
	caFile   string
	insecure bool
}

// addTLSFlags registers --ca-file and --insecure-skip-verify on fs.
func addTLSFlags(fs *flag.FlagSet) *tlsFlags {
	f := &tlsFlags{}
	fs.StringVar(&f.caFile, "ca-file", "", "PEM `file` of certificates to trust for an https target, in addition to the system roots (e.g. the file of harness emulate --cert-out)")
	fs.BoolVar(&f.insecure, "insecure-skip-verify", false, "do not verify the https target's certificate (flagged in the report; prefer --ca-file)")
	return f
}

// config returns the client TLS configuration, or nil when neither flag is set (Go's
// defaults: system roots).
func (f *tlsFlags) config() (*tls.Config, error) {
	if f.caFile == "" && !f.insecure {
		return nil, nil
	}
	c := &tls.Config{MinVersion: tls.VersionTLS12, InsecureSkipVerify: f.insecure} //nolint:gosec // opt-in, reported
	if f.caFile != "" {
		pem, err := os.ReadFile(f.caFile)
		if err != nil {
			return nil, fmt.Errorf("--ca-file: %w", err)
		}
		pool, err := x509.SystemCertPool()
		if err != nil || pool == nil {
			pool = x509.NewCertPool()
		}
		if !pool.AppendCertsFromPEM(pem) {
			return nil, errors.New("--ca-file: " + f.caFile + " holds no PEM certificate")
		}
		c.RootCAs = pool
	}
	return c, nil
}

// client returns an HTTP client with the TLS configuration and timeout that never follows
// redirects (the platform does not redirect; a redirect means a wrong base URL). Without TLS
// flags it returns nil so that callers keep their own defaults.
func (f *tlsFlags) client(timeout time.Duration) (*http.Client, *tls.Config, error) {
	c, err := f.config()
	if err != nil || c == nil {
		return nil, c, err
	}
	tr := http.DefaultTransport.(*http.Transport).Clone()
	tr.TLSClientConfig = c.Clone() // the returned config goes to other transports too; a transport writes into its own
	return &http.Client{
		Timeout:       timeout,
		Transport:     tr,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}, c, nil
}

// manifestValue describes the TLS settings for the report's manifest (never a secret).
func (f *tlsFlags) manifestValue() string {
	switch {
	case f.insecure && f.caFile != "":
		return "INSECURE: certificate verification skipped (--insecure-skip-verify; --ca-file " + f.caFile + ")"
	case f.insecure:
		return "INSECURE: certificate verification skipped (--insecure-skip-verify)"
	case f.caFile != "":
		return "verified; extra CA file " + f.caFile
	}
	return "verified with the system roots"
}
