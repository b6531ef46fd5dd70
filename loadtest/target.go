package loadtest

import (
	"context"
	"fmt"
	"net"
	"net/netip"
	"net/url"
	"strings"
)

// CheckLoopback refuses any target whose host is not, or does not resolve only to, a loopback
// address (127.0.0.0/8 or ::1). Load is a project rule: it is generated against the emulator
// on this machine, never against a remote host, and there is deliberately no override.
func CheckLoopback(ctx context.Context, target string) error {
	u, err := url.Parse(target)
	if err != nil {
		return fmt.Errorf("target %q: %w", target, err)
	}
	if u.Scheme != "http" && u.Scheme != "https" {
		return fmt.Errorf("target %q: want an http:// or https:// URL", target)
	}
	host := u.Hostname()
	if host == "" {
		return fmt.Errorf("target %q: no host", target)
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
