package main

import (
	"fmt"
	"io"
	"net/http"
	"sort"
	"strings"

	"github.com/pns-harness/pns-harness/conformance"
	"github.com/pns-harness/pns-harness/loadtest"
	"github.com/pns-harness/pns-harness/pns"
)

func init() {
	register("sign", "print freshly signed authentication headers (Authorization and X-AKSK) for an app of a profile, e.g. to reproduce a failed request with curl", runSign)
}

// Output formats of `harness sign`.
const (
	signFormatCurl   = "curl"   // -H 'Authorization: …' -H 'X-AKSK: …', to paste into a curl command
	signFormatHeader = "header" // "Name: value" lines, for curl -H @FILE
	signFormatValue  = "value"  // the X-AKSK (X-WSSE) value alone, for $PNS_SIGNED_HEADER
)

func runSign(args []string, stdout, stderr io.Writer) int {
	fs := newFlagSet("sign", stdout, stderr)
	profilePath := fs.String("profile", "", "profile YAML `file` whose app signs (default: every app of the embedded emulator)")
	app := fs.String("app", "", "`name` of the app in the profile (or its mode: "+pns.ModeList(false)+")")
	appKey := fs.String("app-key", "", "app `key` of the app in the profile, instead of --app")
	format := fs.String("format", signFormatCurl, "output `format`: curl (-H options to paste into a curl command), header (one \"Name: value\" line per header, for curl -H @FILE) or value (the X-AKSK value alone, for $PNS_SIGNED_HEADER of a failure block's reproduce line)")
	scheme := fs.String("scheme", "aksk", "authentication `scheme`: aksk (X-AKSK) or wsse (the legacy X-WSSE)")
	fs.synopsis = "harness sign (--app NAME | --app-key KEY) [--profile FILE] [--format curl|header|value]"
	fs.describe(fs.synopsis,
		"Prints freshly signed authentication headers for one app of a profile: the fixed\n"+
			"Authorization header and an X-AKSK header with a new nonce and the current time,\n"+
			"signed with the app's secret (read from the profile, or from the environment variable\n"+
			"its appSecretEnv names). The secret itself is never printed. A signature is valid for a\n"+
			"few minutes and its nonce once: sign again for every request. To fill a failure block's\n"+
			"reproduce line: PNS_SIGNED_HEADER=\"$(harness sign --app-key KEY --format value)\".")
	if code, ok := parseFlags(fs, args, false); !ok {
		return code
	}
	if (*app == "") == (*appKey == "") {
		return fs.usageError("give exactly one of --app and --app-key")
	}
	switch *format {
	case signFormatCurl, signFormatHeader, signFormatValue:
	default:
		return fs.usageError("--format %q: want curl, header or value", *format)
	}
	var sch pns.Scheme
	switch strings.ToLower(*scheme) {
	case "aksk":
		sch = pns.SchemeAKSK
	case "wsse":
		sch = pns.SchemeWSSE
	default:
		return fs.usageError("--scheme %q: want aksk or wsse", *scheme)
	}
	prof := conformance.EmulatorProfile() // every app of the embedded emulator, with its secret
	if *profilePath != "" {
		var err error
		if prof, err = loadtest.LoadProfile(*profilePath); err != nil {
			return fs.usageError("%v", err)
		}
	}
	name, a, err := signingApp(prof, *app, *appKey)
	if err != nil {
		return fs.usageError("%v", err)
	}
	secret, err := a.Secret()
	if err != nil {
		return fs.usageError("profile: apps.%s: %v", name, err)
	}
	h := http.Header{}
	pns.Signer{AppKey: a.AppKey, AppSecret: secret, Scheme: sch}.Sign(h)
	signed := pns.HeaderXAKSK
	if sch == pns.SchemeWSSE {
		signed = pns.HeaderXWSSE
	}
	lines := []string{pns.HeaderAuthorization + ": " + h.Get(pns.HeaderAuthorization), signed + ": " + h.Get(signed)}
	switch *format {
	case signFormatValue:
		fmt.Fprintln(stdout, h.Get(signed))
	case signFormatHeader:
		fmt.Fprintln(stdout, strings.Join(lines, "\n"))
	default:
		fmt.Fprintln(stdout, "-H "+shellQuote(lines[0])+" -H "+shellQuote(lines[1]))
	}
	return exitOK
}

// signingApp finds the app of a profile by name (exact, else the app of a mode so named) or
// by app key; the error lists the names or keys the profile has.
func signingApp(p *loadtest.Profile, name, key string) (string, *loadtest.AppProfile, error) {
	names := make([]string, 0, len(p.Apps))
	for n := range p.Apps {
		names = append(names, n)
	}
	sort.Strings(names)
	if key != "" {
		var keys []string
		for _, n := range names {
			if a := p.Apps[n]; a != nil {
				if a.AppKey == key {
					return n, a, nil
				}
				keys = append(keys, a.AppKey)
			}
		}
		return "", nil, fmt.Errorf("--app-key %q: no app of the profile has it (app keys: %s)", key, strings.Join(keys, ", "))
	}
	if a := p.Apps[name]; a != nil {
		return name, a, nil
	}
	for _, m := range pns.Modes {
		if strings.EqualFold(name, string(m)) {
			if n, a := p.AppFor(m); a != nil {
				return n, a, nil
			}
		}
	}
	return "", nil, fmt.Errorf("--app %q: no such app in the profile (apps: %s)", name, strings.Join(names, ", "))
}

// shellQuote quotes s for a POSIX shell.
func shellQuote(s string) string {
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}
