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

	"github.com/pns-harness/pns-harness/pns"
)

// preflightTimeout bounds the one request that tells a dead target from a live one, so that a
// target that is down ends a run within seconds (exit 3) instead of failing every scenario or
// running a full-duration load at 0 % success.
const preflightTimeout = 5 * time.Second

// unreachableError is a target that did not answer (refused connection, DNS failure,
// timeout): the run could not check anything (exit 3). A certificate the client does not
// trust is not one: that is the configuration's to fix (--ca-file, exit 2).
type unreachableError struct{ error }

func (e unreachableError) Unwrap() error { return e.error }

// targetVerdict is the verdict of a run stopped by an error before it measured anything:
// could not check for an unreachable target or refused credentials, a usage error otherwise.
func targetVerdict(err error) verdict {
	var ref *pns.CredentialsRefused
	if errors.As(err, new(unreachableError)) || errors.As(err, &ref) {
		return verdict{couldNotCheck: err.Error()}
	}
	return verdict{usage: true}
}

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
		switch {
		case errors.As(err, &ua):
			return fmt.Errorf("target %s is not reachable: %v (trust its certificate with --ca-file PEM)", target, unwrapURLError(err))
		case errors.As(err, &hn), errors.As(err, &ci):
			return fmt.Errorf("target %s is not reachable: %v (its certificate does not fit; --insecure-skip-verify skips the check)", target, unwrapURLError(err))
		}
		return unreachableError{fmt.Errorf("target %s is not reachable: %v", target, unwrapURLError(err))}
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
