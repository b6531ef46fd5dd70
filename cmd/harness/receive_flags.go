package main

import (
	"crypto/tls"
	"errors"
	"fmt"
	"io"
	"os"
	"sort"
	"strings"
	"time"

	"github.com/pns-harness/pns-harness/receiver"
	"github.com/pns-harness/pns-harness/schemas"
)

// Defaults of `harness receive`.
const (
	defaultReceiveListen   = "127.0.0.1:9090"
	defaultReceiveInterval = 10 * time.Second
	// defaultForget outlasts the platform's 5 h re-push schedule (§7.6), so re-pushes are
	// still recognised while memory stays bounded over days.
	defaultForget = 6 * time.Hour
)

// appSecrets is a repeatable flag of APP_KEY=ENV_VAR pairs: the secret is read from the
// environment so that it never appears in a process listing, a shell history or a report.
type appSecrets map[string]string

func (a appSecrets) String() string {
	keys := make([]string, 0, len(a))
	for k := range a {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return strings.Join(keys, ",")
}

func (a appSecrets) Set(v string) error {
	key, env, ok := strings.Cut(v, "=")
	if !ok || key == "" || env == "" {
		return fmt.Errorf("want APP_KEY=ENV_VAR, got %q", v)
	}
	secret, set := os.LookupEnv(env)
	if !set || secret == "" {
		return fmt.Errorf("environment variable %s (secret of %s) is not set", env, key)
	}
	a[key] = secret
	return nil
}

// receiveOptions are the parsed flags of `harness receive`.
type receiveOptions struct {
	apps            appSecrets
	listen, out     string
	duration        time.Duration
	interval        time.Duration
	callbacks       callbackFlags
	failFirst       float64
	skew, forget    time.Duration
	tlsCert, tlsKey string
	rulesFile       string
	cert            *tls.Certificate // loaded by check from tlsCert and tlsKey
	rules           *receiver.Rules  // loaded by check from rulesFile
}

// receiveFlags defines the flags of `harness receive` on a new flag set, filling o.
func receiveFlags(o *receiveOptions, stdout, stderr io.Writer) *flagSet {
	fs := newFlagSet("receive", stdout, stderr)
	o.apps = appSecrets{}
	fs.Var(o.apps, "app", "`APP_KEY=ENV_VAR`: verify pushes of this app with the secret held in ENV_VAR (repeatable); without any, signatures are parsed but not verified")
	fs.StringVar(&o.listen, "listen", defaultReceiveListen, "listen `address` (the platform must reach it: use a public address for a real platform)")
	fs.DurationVar(&o.duration, "duration", 0, "stop after this long (0 = until SIGINT/SIGTERM)")
	fs.StringVar(&o.out, "out", "", "write receiver.json (counters, latencies, failures) to this `directory` on exit")
	fs.DurationVar(&o.interval, "interval", defaultReceiveInterval, "status line interval")
	addCallbackFlags(fs, &o.callbacks, true)
	fs.Float64Var(&o.failFirst, "fail-first", 0, "fraction (0..1) of first deliveries to answer 503, so that the platform must re-push them (§7.6: the first re-push 1 minute later); the report shows the attempts and the measured re-push interval")
	fs.DurationVar(&o.skew, "skew", receiver.DefaultSkew, "refuse pushes whose Created is further than this from the wall clock (a Created 8 h ahead, China local time sent as UTC, is accepted within it), and nonces replayed within it (0 = check the digest only)")
	fs.DurationVar(&o.forget, "forget", defaultForget, "forgetting window: bodies, fee icids and calls not seen for this long are counted and forgotten, bounding memory over long soaks; a re-push arriving later than this counts as a new push, not a redelivery or duplicate (0 = remember everything)")
	fs.StringVar(&o.tlsCert, "tls-cert", "", "serve HTTPS with this certificate chain PEM `file` (with --tls-key), for platforms that push to https notification URLs")
	fs.StringVar(&o.tlsKey, "tls-key", "", "private key PEM `file` of --tls-cert")
	fs.StringVar(&o.rulesFile, "rules", "", "YAML `file` of rules choosing the replies to Block requests: the X-mode callin (connect or close) and the SMS sent to the SMS control URL (vNumberRoute or DiscardMessage); see docs/callbacks.md (default: close every Block callin, discard every Block SMS)")
	fs.describe("harness receive [flags]",
		"Receives call-event, fee, X-number status and SMS pushes, verifies their signatures,\n"+
			"validates them against the JSON Schemas and reports delays against the platform's\n"+
			"event timestamps (1 s resolution; exact against the emulator, which states each push's\n"+
			"emission instant). Runs for --duration or until SIGINT/SIGTERM, then writes\n"+
			"receiver.json. Each call is judged from its own pushes once settled (--settle).\n"+
			"Exit 1 when a push had a bad signature, an invalid body or a duplicate, a call lacks a\n"+
			"notification or a fee record has no call; exit 99 when a callback threshold is broken.")
	return fs
}

// check validates the options after parsing and loads what they name (the TLS key pair, the
// Block rules) before anything starts: every refusal is a usage error, said in one line.
func (o *receiveOptions) check() error {
	if err := o.callbacks.check(); err != nil {
		return err
	}
	switch {
	case o.skew < 0:
		return errors.New("--skew must not be negative")
	case o.failFirst < 0 || o.failFirst > 1:
		return errors.New("--fail-first must be between 0 and 1")
	case o.forget < 0:
		return errors.New("--forget must not be negative")
	case o.interval <= 0:
		return errors.New("--interval must be positive")
	}
	if o.tlsCert != "" || o.tlsKey != "" {
		if o.tlsCert == "" || o.tlsKey == "" {
			return errors.New("--tls-cert and --tls-key go together")
		}
		c, err := tls.LoadX509KeyPair(o.tlsCert, o.tlsKey)
		if err != nil {
			return fmt.Errorf("--tls-cert/--tls-key: %v", err)
		}
		o.cert = &c
	}
	if o.rulesFile != "" {
		b, err := os.ReadFile(o.rulesFile)
		if err == nil {
			o.rules, err = receiver.ParseRules(b)
		}
		if err != nil {
			return fmt.Errorf("--rules: %s", strings.ReplaceAll(err.Error(), "\n", " "))
		}
	}
	return nil
}

// receiverOptions turns the checked options into the receiver's, with validate checking
// push bodies against the schemas.
func (o *receiveOptions) receiverOptions(v *schemas.Validator) receiver.Options {
	opts := receiver.Options{
		Schemas:   v,
		FailFirst: o.failFirst,
		Skew:      o.skew,
		Forget:    o.forget,
		Rules:     o.rules,
	}
	if o.skew == 0 {
		opts.Skew = -1 // digest only
	}
	o.callbacks.apply(&opts)
	if len(o.apps) > 0 {
		opts.Apps = o.apps
	}
	return opts
}
