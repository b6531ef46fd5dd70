package main

import (
	"errors"
	"fmt"
	"io"
	"time"

	"github.com/pns-harness/pns-harness/emulator"
)

// emulateFlags are the flags of `harness emulate`, as parsed.
type emulateFlags struct {
	configPath      *string
	listen          *string
	useTLS          *bool
	timeScale       *float64
	printConfig     *bool
	debug           *bool
	shutdownTimeout *time.Duration
	platformOnly    *bool
	certOut         *string
	adminListen     *string
	decisions       *string
	flowControl     *string
}

// emulateFlagSet defines the flags of `harness emulate`.
func emulateFlagSet(stdout, stderr io.Writer) (*flagSet, *emulateFlags) {
	fs := newFlagSet("emulate", stdout, stderr)
	f := &emulateFlags{}
	f.configPath = fs.String("config", "", "YAML configuration `file` (default: the embedded demo configuration with apps demo-axb, demo-ax, demo-axe)")
	f.listen = fs.String("listen", defaultEmulateListen, "listen `address`; keep it on loopback: the admin interface has no authentication")
	f.useTLS = fs.Bool("tls", false, "serve HTTPS with a self-signed ECDSA certificate for localhost, 127.0.0.1 and ::1 (also tls: true in the config)")
	f.timeScale = fs.Float64("time-scale", 0, "emulator clock speed relative to real time (overrides clockScale; 0 = from the config)")
	f.printConfig = fs.Bool("print-config", false, "print the effective configuration as YAML (secrets included: it is your own file) and exit")
	f.debug = fs.Bool("debug", false, "log one line per request (method, path, interface, app, status, resultcode, duration)")
	f.shutdownTimeout = fs.Duration("shutdown-timeout", 10*time.Second, "how long to wait for in-flight requests on SIGINT/SIGTERM")
	f.platformOnly = fs.Bool("platform-only", false, "behave like the real platform: only the /rest interfaces and the recording files they link, over TLS, lockout and flow control on, no admin API and no /metrics on --listen")
	f.certOut = fs.String("cert-out", "", "write the self-signed certificate (PEM) to this `file`, for --ca-file of the harness and other clients (needs --tls or --platform-only)")
	f.adminListen = fs.String("admin-listen", "", "with --platform-only: serve the admin API and /metrics over plain HTTP on this loopback `address` (default: not at all)")
	f.decisions = fs.String("decisions", "", "answers where the contract is silent: "+emulator.DecisionsDefault+" (the emulator's decisions) or "+emulator.DecisionsAlternative+
		" (another answer within the contract for each decision docs/fidelity.md lists, to check that a suite run against --target fails no platform for deciding differently); default: the config's decisions key")
	f.flowControl = fs.String("flow-control", "", "token-bucket flow control `RATE/BURST` for every app without its own qpsLimit or flowControl, e.g. 0.001/5 (default with --platform-only: "+defaultPlatformFlowControl+")")
	fs.describe("harness emulate [flags]", fmt.Sprintf(
		"Runs the Private Number Service emulator until SIGINT or SIGTERM (then it shuts down cleanly\n"+
			"and exits 0). Admin API under %s (OpenAPI document at %sopenapi.json),\n"+
			"Prometheus metrics at %s. With --platform-only it serves only the /rest interfaces over TLS,\n"+
			"with lockout and flow control on, like the real platform.", emulator.AdminPrefix, emulator.AdminPrefix, emulator.MetricsPath))
	return fs, f
}

// config checks the flags and builds the emulator's configuration from the file (or the
// demo one) and the flags that override it; fc is the flow control every app without its own
// gets. Every error is a usage error, found before anything is served.
func (f *emulateFlags) config() (cfg *emulator.Config, fc string, err error) {
	if *f.adminListen != "" && !*f.platformOnly {
		return nil, "", errors.New("--admin-listen needs --platform-only (otherwise the admin API is on --listen)")
	}
	fc = *f.flowControl
	if fc == "" && *f.platformOnly {
		fc = defaultPlatformFlowControl
	}
	var flow *emulator.FlowControl
	if fc != "" && fc != "off" {
		parsed, err := emulator.ParseFlowControl(fc)
		if err != nil {
			return nil, "", fmt.Errorf("--flow-control: %v", err)
		}
		flow = &parsed
	}

	if *f.configPath != "" {
		cfg, err = emulator.LoadConfig(*f.configPath)
	} else {
		cfg, err = emulator.DefaultConfig()
	}
	if err != nil {
		return nil, "", err
	}
	if *f.decisions != "" {
		if *f.decisions != emulator.DecisionsDefault && *f.decisions != emulator.DecisionsAlternative {
			return nil, "", fmt.Errorf("--decisions %q: want %s or %s", *f.decisions, emulator.DecisionsDefault, emulator.DecisionsAlternative)
		}
		cfg.Decisions = *f.decisions
	}
	if *f.timeScale < 0 {
		return nil, "", errors.New("--time-scale must be positive")
	}
	if *f.timeScale > 0 {
		cfg.ClockScale = *f.timeScale
	}
	if *f.useTLS || *f.platformOnly {
		cfg.TLS = true
	}
	if *f.platformOnly {
		cfg.LockoutEnabled = &[]bool{true}[0]
	}
	if flow != nil {
		for i := range cfg.Apps {
			if a := &cfg.Apps[i]; a.QPSLimit == 0 && a.FlowControl == nil {
				own := *flow
				a.FlowControl = &own
			}
		}
	}
	if *f.certOut != "" && !cfg.TLS {
		return nil, "", errors.New("--cert-out needs --tls or --platform-only")
	}
	return cfg, fc, nil
}
