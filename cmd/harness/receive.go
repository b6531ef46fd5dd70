package main

import (
	"context"
	"crypto/tls"
	"fmt"
	"io"
	"net"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"github.com/pns-harness/pns-harness/assemble"
	"github.com/pns-harness/pns-harness/pipeline"
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

func init() {
	register("receive", "run the callback receiver alone (verify, validate, record pushes of a real platform)", untilSignal(func(ctx context.Context, args []string, stdout, stderr io.Writer) int {
		return runReceive(ctx, args, stdout, stderr, nil)
	}))
}

// runReceive serves the receiver until ctx is done or --duration has passed, printing a status
// line every --interval, and writes receiver.json to --out on the way out.
func runReceive(ctx context.Context, args []string, stdout, stderr io.Writer, ready func(url string)) int {
	fs := newFlagSet("receive", stdout, stderr)
	apps := appSecrets{}
	fs.Var(apps, "app", "`APP_KEY=ENV_VAR`: verify pushes of this app with the secret held in ENV_VAR (repeatable); without any, signatures are parsed but not verified")
	listen := fs.String("listen", defaultReceiveListen, "listen `address` (the platform must reach it: use a public address for a real platform)")
	duration := fs.Duration("duration", 0, "stop after this long (0 = until SIGINT/SIGTERM)")
	out := fs.String("out", "", "write receiver.json (counters, latencies, failures) to this `directory` on exit")
	interval := fs.Duration("interval", defaultReceiveInterval, "status line interval")
	var cf callbackFlags
	addCallbackFlags(fs, &cf, true)
	failFirst := fs.Float64("fail-first", 0, "fraction (0..1) of first deliveries to answer 503, so that the platform must re-push them (§7.6: the first re-push 1 minute later); the report shows the attempts and the measured re-push interval")
	skew := fs.Duration("skew", receiver.DefaultSkew, "refuse pushes whose Created is further than this from the wall clock (a Created 8 h ahead, China local time sent as UTC, is accepted within it), and nonces replayed within it (0 = check the digest only)")
	forget := fs.Duration("forget", defaultForget, "forgetting window: bodies, fee icids and calls not seen for this long are counted and forgotten, bounding memory over long soaks; a re-push arriving later than this counts as a new push, not a redelivery or duplicate (0 = remember everything)")
	tlsCert := fs.String("tls-cert", "", "serve HTTPS with this certificate chain PEM `file` (with --tls-key), for platforms that push to https notification URLs")
	tlsKey := fs.String("tls-key", "", "private key PEM `file` of --tls-cert")
	rulesFile := fs.String("rules", "", "YAML `file` of rules choosing the replies to Block requests: the X-mode callin (connect or close) and the SMS sent to the SMS control URL (vNumberRoute or DiscardMessage); see docs/callbacks.md (default: close every Block callin, discard every Block SMS)")
	fs.describe("harness receive [flags]",
		"Receives call-event, fee, X-number status and SMS pushes, verifies their signatures,\n"+
			"validates them against the JSON Schemas and reports delays against the platform's\n"+
			"event timestamps (1 s resolution; exact against the emulator, which states each push's\n"+
			"emission instant). Runs for --duration or until SIGINT/SIGTERM, then writes\n"+
			"receiver.json. Each call is judged from its own pushes once settled (--settle).\n"+
			"Exit 1 when a push had a bad signature, an invalid body or a duplicate, a call lacks a\n"+
			"notification or a fee record has no call; exit 99 when a callback threshold is broken.")
	if code, ok := parseFlags(fs, args, false); !ok {
		return code
	}
	if err := cf.check(); err != nil {
		fmt.Fprintf(stderr, "harness receive: %v\n", err)
		return exitUsage
	}
	if *skew < 0 {
		fmt.Fprintln(stderr, "harness receive: --skew must not be negative")
		return exitUsage
	}
	if *failFirst < 0 || *failFirst > 1 {
		fmt.Fprintln(stderr, "harness receive: --fail-first must be between 0 and 1")
		return exitUsage
	}
	if *forget < 0 {
		fmt.Fprintln(stderr, "harness receive: --forget must not be negative")
		return exitUsage
	}
	if *interval <= 0 {
		fmt.Fprintln(stderr, "harness receive: --interval must be positive")
		return exitUsage
	}
	var cert *tls.Certificate
	if *tlsCert != "" || *tlsKey != "" {
		if *tlsCert == "" || *tlsKey == "" {
			fmt.Fprintln(stderr, "harness receive: --tls-cert and --tls-key go together")
			return exitUsage
		}
		c, err := tls.LoadX509KeyPair(*tlsCert, *tlsKey)
		if err != nil {
			fmt.Fprintf(stderr, "harness receive: --tls-cert/--tls-key: %v\n", err)
			return exitUsage
		}
		cert = &c
	}
	var rules *receiver.Rules
	if *rulesFile != "" {
		b, err := os.ReadFile(*rulesFile)
		if err == nil {
			rules, err = receiver.ParseRules(b)
		}
		if err != nil {
			fmt.Fprintf(stderr, "harness receive: --rules: %s\n", strings.ReplaceAll(err.Error(), "\n", " "))
			return exitUsage
		}
	}
	v, err := schemas.New()
	if err != nil {
		fmt.Fprintf(stderr, "harness receive: %v\n", err)
		return exitFailed
	}
	opts := receiver.Options{
		Schemas:   v,
		FailFirst: *failFirst,
		Skew:      *skew,
		Forget:    *forget,
		Rules:     rules,
	}
	if *skew == 0 {
		opts.Skew = -1 // digest only
	}
	cf.apply(&opts)
	if len(apps) > 0 {
		opts.Apps = apps
	}
	rcv := receiver.New(opts)
	var base string
	if cert != nil {
		// The receiver's handler behind our own TLS listener; receiver.Start serves plain HTTP.
		stop, url, err := receiveServeTLS(rcv, *listen, cert)
		if err != nil {
			fmt.Fprintf(stderr, "harness receive: %v\n", err)
			return exitFailed
		}
		defer stop()
		base = url
	} else {
		if base, err = rcv.Start(*listen); err != nil {
			fmt.Fprintf(stderr, "harness receive: %v\n", err)
			return exitFailed
		}
		defer rcv.Close()
	}
	fmt.Fprintf(stdout, "receiving on %s (verifying %d app(s))\n", base, len(apps))
	if ready != nil {
		ready(base)
	}
	if *duration > 0 {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, *duration)
		defer cancel()
	}
	tick := time.NewTicker(*interval)
	defer tick.Stop()
loop:
	for {
		select {
		case <-ctx.Done():
			break loop
		case <-tick.C:
			fmt.Fprintln(stdout, receiveStatus(rcv.Snapshot()))
		}
	}
	rep := rcv.Final()
	fmt.Fprintln(stdout, receiveStatus(rep))
	if *out != "" {
		if err := rep.SaveReplays(*out); err != nil {
			fmt.Fprintf(stderr, "harness receive: %v\n", err)
			return exitFailed
		}
		if err := writeJSONFile(filepath.Join(*out, "receiver.json"), rep); err != nil {
			fmt.Fprintf(stderr, "harness receive: %v\n", err)
			return exitFailed
		}
		fmt.Fprintf(stdout, "wrote %s\n", filepath.Join(*out, "receiver.json"))
	}
	cb := assemble.Callbacks(rep, nil)
	// The console names the pushes' files under --out, wherever the user runs the command.
	cb.Reproductions = assemble.CallbackReproductions(rep, *out, "")
	printCauses(stdout, cb.Causes)
	printBlockReplies(stdout, rep.BlockReplies)
	ths, err := callbackThresholds(cb, &rep, cf.thresholds)
	if err != nil {
		fmt.Fprintf(stderr, "harness receive: %v\n", err)
		return exitFor(verdict{usage: true})
	}
	return exitFor(callbackVerdict(stdout, cb, ths))
}

// receiveServeTLS serves the receiver's handler over HTTPS on addr; stop shuts it down.
func receiveServeTLS(rcv *receiver.Receiver, addr string, cert *tls.Certificate) (stop func(), url string, err error) {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, "", err
	}
	srv := rcv.Server() // its read deadlines hold for TLS too
	srv.TLSConfig = &tls.Config{Certificates: []tls.Certificate{*cert}, MinVersion: tls.VersionTLS12}
	done := make(chan struct{})
	go func() {
		defer close(done)
		_ = srv.ServeTLS(ln, "", "") // http.ErrServerClosed after Shutdown
	}()
	return func() {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		_ = srv.Shutdown(ctx)
		<-done
	}, "https://" + ln.Addr().String(), nil
}

// receiveStatus renders one status line from a snapshot.
func receiveStatus(r receiver.Report) string {
	c := r.Counters
	line := fmt.Sprintf("%s requests=%d events=%d feeRecords=%d badSignature=%d invalid=%d duplicates=%d outOfOrder=%d late=%d",
		r.Elapsed.Truncate(time.Second), c.Requests, c.Events, c.FeeRecords, c.BadSignature, c.Invalid, c.Duplicates, c.OutOfOrder, c.Late)
	for _, ref := range []string{receiver.RefEmulator, receiver.RefPlatform} {
		if l, ok := r.LatencyFor(ref, "fee"); ok && l.Count > 0 {
			line += fmt.Sprintf(" fee.p90=%.0fms", l.P90Ms)
			break
		}
	}
	if c.ClockSkew > 0 {
		line += fmt.Sprintf(" clockSkew=%d", c.ClockSkew)
	}
	return line
}

// writeJSONFile writes v as indented JSON, creating the directory, atomically (the run
// directory's one writer, pipeline.WriteJSON).
func writeJSONFile(path string, v any) error { return pipeline.WriteJSON(path, v) }
