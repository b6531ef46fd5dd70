package conformance

import (
	"net/http"
	"sort"
	"strings"

	"github.com/pns-harness/pns-harness/pns"
)

// signedHeaderVar is the shell variable a reproduction command reads the signature header
// from: the header sent is never printed (its digest is over the app secret, its nonce is
// spent), and a fresh one must be signed for the app before pasting the command.
const signedHeaderVar = "PNS_SIGNED_HEADER"

// curlCommand renders a request as a curl command that reproduces it from a shell, for the
// failure block. The signature header (X-AKSK or X-WSSE) is shown as "$PNS_SIGNED_HEADER" and
// a note says which app must sign it afresh; altered says the scenario changed the
// authentication on purpose (wrong secret, key, time, nonce or header), which a fresh
// signature does not reproduce. Every other header and the body are printed as sent. The note
// ends with the `harness sign` command that fills the variable (profileFile "" leaves out
// --profile: the built-in profiles are harness sign's default).
func curlCommand(method, url string, h http.Header, body []byte, appKey, profileFile string, altered bool) string {
	var b strings.Builder
	b.WriteString("curl -X " + method + " " + shellQuote(url))
	names := make([]string, 0, len(h))
	for k := range h {
		names = append(names, k)
	}
	sort.Strings(names)
	signed := ""
	for _, k := range names {
		for _, v := range h[k] {
			if name := signatureHeader(k); name != "" {
				signed = name
				b.WriteString(` -H "` + name + `: $` + signedHeaderVar + `"`)
				continue
			}
			b.WriteString(" -H " + shellQuote(k+": "+v))
		}
	}
	if body != nil {
		b.WriteString(" --data-raw " + shellQuote(string(body)))
	}
	if signed != "" {
		b.WriteString("  # " + signedHeaderVar + ": a fresh " + signed + " value signed for app key " + appKey + " (the one sent is not printed): " + signCommand(signed, appKey, profileFile))
		if altered {
			b.WriteString("; the scenario altered the authentication on purpose, which a fresh signature does not reproduce")
		}
	}
	return b.String()
}

// signCommand is the shell assignment that fills signedHeaderVar with a fresh signature by
// `harness sign` (its secret read as every subcommand reads it, from the profile or the
// environment variable the profile names).
func signCommand(signed, appKey, profileFile string) string {
	cmd := "harness sign"
	if profileFile != "" {
		cmd += " --profile " + shellQuote(profileFile)
	}
	cmd += " --app-key " + shellQuote(appKey) + " --format value"
	if signed == pns.HeaderXWSSE {
		cmd += " --scheme wsse"
	}
	return signedHeaderVar + `="$(` + cmd + `)"`
}

// signatureHeader returns the contract's spelling of k when it is a signature header (matched
// case-insensitively, as http.Header canonicalises X-AKSK to X-Aksk), else "".
func signatureHeader(k string) string {
	for _, h := range []string{pns.HeaderXAKSK, pns.HeaderXWSSE} {
		if strings.EqualFold(k, h) {
			return h
		}
	}
	return ""
}

// shellQuote quotes s for a POSIX shell.
func shellQuote(s string) string {
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}

// alteredAuth reports whether the modifications change the authentication of a request.
func (m requestMods) alteredAuth() bool {
	return m.wsse || m.secret != "" || m.appKey != "" || m.created != nil || m.rawTime != "" ||
		m.nonce != "" || m.digest != nil || m.edit != nil || len(m.set) > 0 || len(m.del) > 0
}

// reproduce is the failure block's reproduction line, "" for an exchange that was no HTTP
// request of ours (a simulated call, a received push).
func (ex *exchange) reproduce() string {
	if ex.curl == "" {
		return ""
	}
	return "\nreproduce: " + ex.curl
}
