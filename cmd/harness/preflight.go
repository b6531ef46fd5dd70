package main

import (
	"context"
	"crypto/x509"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"time"
)

// preflightTimeout bounds the one request that tells a dead target from a live one, so that a
// target that is down ends a run within seconds (exit 2) instead of failing every scenario or
// running a full-duration load at 0 % success.
const preflightTimeout = 5 * time.Second

// preflight sends one unsigned GET to the target's root: any HTTP answer (404 included) means
// the platform is there; a refused connection, a DNS failure, a TLS failure or a timeout is
// returned as one line. It sends no credentials, so it cannot count toward a lockout.
func preflight(ctx context.Context, hc *http.Client, target string) error {
	if hc == nil {
		hc = http.DefaultClient
	}
	ctx, cancel := context.WithTimeout(ctx, preflightTimeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, strings.TrimRight(target, "/")+"/", nil)
	if err != nil {
		return fmt.Errorf("target %q: %w", target, err)
	}
	c := *hc
	c.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	resp, err := c.Do(req)
	if err != nil {
		var ua x509.UnknownAuthorityError
		var hn x509.HostnameError
		var ci x509.CertificateInvalidError
		hint := ""
		switch {
		case errors.As(err, &ua):
			hint = " (trust its certificate with --ca-file PEM)"
		case errors.As(err, &hn), errors.As(err, &ci):
			hint = " (its certificate does not fit; --insecure-skip-verify skips the check)"
		}
		return fmt.Errorf("target %s is not reachable: %v%s", target, unwrapURLError(err), hint)
	}
	resp.Body.Close()
	return nil
}

// unwrapURLError drops the "Get \"url\": " prefix that repeats the target.
func unwrapURLError(err error) error {
	var ue *url.Error
	if errors.As(err, &ue) && ue.Err != nil {
		return ue.Err
	}
	return err
}
