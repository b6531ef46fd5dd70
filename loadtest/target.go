package loadtest

import (
	"context"
	"errors"
	"fmt"
	"math"
	"net"
	"net/netip"
	"net/url"
	"strings"
)

// Gate is the opt-in that lets a load leave this machine. A load pointed at production by
// mistake is what users fear most, so a target that is not loopback needs both an explicit
// AllowRemote and a rate ceiling MaxRate that the plan's peak (over all shards) may not exceed.
// A ceiling, when given, applies to loopback targets too.
type Gate struct {
	// AllowRemote accepts targets that are not 127.0.0.0/8, ::1 or localhost
	// (`harness load --allow-remote`, profile `allowRemote: true`).
	AllowRemote bool
	// MaxRate is the ceiling in requests per second, over all shards (`--max-rate`, profile
	// `maxRate`); 0 means none, which a remote target refuses.
	MaxRate float64
}

// ErrRemoteRefused marks a refusal of CheckTarget: the target is remote and the gate is closed.
var ErrRemoteRefused = errors.New("remote target refused")

// CheckTarget validates target and applies the gate to a plan whose highest request rate
// (every interface, over all shards) is peak. It never sends a packet: a host name other than localhost is not resolved
// (it is treated as remote), so a refused target is never contacted, not even through DNS.
func CheckTarget(target string, g Gate, peak Peak) error {
	host, err := targetHost(target)
	if err != nil {
		return err
	}
	if g.MaxRate < 0 || math.IsNaN(g.MaxRate) || math.IsInf(g.MaxRate, 0) {
		return fmt.Errorf("maxRate %g: must be a positive number", g.MaxRate)
	}
	if math.IsNaN(peak.Requests) || math.IsInf(peak.Requests, 0) {
		return fmt.Errorf("rate %g: must be a finite number", peak.Requests)
	}
	if g.MaxRate > 0 && peak.Requests > g.MaxRate {
		return fmt.Errorf("the plan's peak of %s requests/s exceeds the ceiling maxRate (--max-rate) of %s requests/s: %s; lower --rate/--ramp or raise the ceiling",
			num(peak.Requests), num(g.MaxRate), peak.Arithmetic)
	}
	if isLoopbackHost(host) {
		return nil
	}
	if !g.AllowRemote {
		return fmt.Errorf("%w: target %q: %s is not a loopback address; a load against another host needs --allow-remote (profile allowRemote: true) and a ceiling --max-rate (profile maxRate)", ErrRemoteRefused, target, host)
	}
	if g.MaxRate == 0 {
		return fmt.Errorf("%w: target %q: a remote load needs a rate ceiling: give --max-rate N (profile maxRate)", ErrRemoteRefused, target)
	}
	return nil
}

// targetHost returns the host of an http(s) target URL, or why the URL is not one.
func targetHost(target string) (string, error) {
	u, err := url.Parse(target)
	if err != nil {
		return "", fmt.Errorf("target %q: %w", target, err)
	}
	if u.Scheme != "http" && u.Scheme != "https" {
		return "", fmt.Errorf("target %q: want an http:// or https:// URL", target)
	}
	host := u.Hostname()
	if host == "" {
		return "", fmt.Errorf("target %q: no host", target)
	}
	return host, nil
}

// isLoopbackHost reports whether host is a loopback IP literal or the name localhost (which
// resolves locally, RFC 6761).
func isLoopbackHost(host string) bool {
	if ip, err := netip.ParseAddr(host); err == nil {
		return ip.Unmap().IsLoopback()
	}
	h := strings.TrimSuffix(strings.ToLower(host), ".")
	return h == "localhost" || strings.HasSuffix(h, ".localhost")
}

// IsLoopbackTarget reports whether a target URL names a loopback host (without resolving it).
func IsLoopbackTarget(target string) bool {
	u, err := url.Parse(target)
	return err == nil && isLoopbackHost(u.Hostname())
}

// CheckLoopback refuses any target whose host is not, or does not resolve only to, a loopback
// address (127.0.0.0/8 or ::1). It resolves names, so it is for callers that must stay on this
// machine whatever the name says; a load uses CheckTarget.
func CheckLoopback(ctx context.Context, target string) error {
	host, err := targetHost(target)
	if err != nil {
		return err
	}
	if ip, err := netip.ParseAddr(host); err == nil {
		if !ip.Unmap().IsLoopback() {
			return fmt.Errorf("target %q: %s is not a loopback address; load may only target 127.0.0.0/8 or ::1", target, host)
		}
		return nil
	}
	addrs, err := net.DefaultResolver.LookupNetIP(ctx, "ip", host)
	if err != nil {
		return fmt.Errorf("target %q: cannot resolve %s: %w", target, host, err)
	}
	if len(addrs) == 0 {
		return fmt.Errorf("target %q: %s resolves to no address", target, host)
	}
	var bad []string
	for _, a := range addrs {
		if !a.Unmap().IsLoopback() {
			bad = append(bad, a.String())
		}
	}
	if len(bad) > 0 {
		return fmt.Errorf("target %q: %s resolves to %s, not a loopback address; load may only target 127.0.0.0/8 or ::1", target, host, strings.Join(bad, ", "))
	}
	return nil
}
