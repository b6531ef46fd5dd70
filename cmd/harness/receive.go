package main

import (
	"context"
	"crypto/tls"
	"fmt"
	"io"
	"net"
	"path/filepath"
	"time"

	"github.com/pns-harness/pns-harness/assemble"
	"github.com/pns-harness/pns-harness/pipeline/rundir"
	"github.com/pns-harness/pns-harness/receiver"
	"github.com/pns-harness/pns-harness/schemas"
)

func init() {
	register("receive", "run the callback receiver alone (verify, validate, record pushes of a real platform)", untilSignal(func(ctx context.Context, args []string, stdout, stderr io.Writer) int {
		return runReceive(ctx, args, stdout, stderr, nil)
	}))
}

// runReceive serves the receiver until ctx is done or --duration has passed, printing a status
// line every --interval, and writes receiver.json to --out on the way out.
func runReceive(ctx context.Context, args []string, stdout, stderr io.Writer, ready func(url string)) int {
	var o receiveOptions
	fs := receiveFlags(&o, stdout, stderr)
	if code, ok := parseFlags(fs, args, false); !ok {
		return code
	}
	if err := o.check(); err != nil {
		fmt.Fprintf(stderr, "harness receive: %v\n", err)
		return exitUsage
	}
	v, err := schemas.New()
	if err != nil {
		fmt.Fprintf(stderr, "harness receive: %v\n", err)
		return exitFailed
	}
	rcv := receiver.New(o.receiverOptions(v))
	base, stop, err := receiveServe(rcv, o.listen, o.cert)
	if err != nil {
		fmt.Fprintf(stderr, "harness receive: %v\n", err)
		return exitFailed
	}
	defer stop()
	fmt.Fprintf(stdout, "receiving on %s (verifying %d app(s))\n", base, len(o.apps))
	if ready != nil {
		ready(base)
	}
	if o.duration > 0 {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, o.duration)
		defer cancel()
	}
	receiveStatusLoop(ctx, stdout, rcv, o.interval)
	return receiveFinish(rcv.Final(), &o, stdout, stderr)
}

// receiveServe serves rcv on addr: plain HTTP, or HTTPS when cert is not nil. stop shuts it
// down.
func receiveServe(rcv *receiver.Receiver, addr string, cert *tls.Certificate) (url string, stop func(), err error) {
	if cert != nil {
		// The receiver's handler behind our own TLS listener; receiver.Start serves plain HTTP.
		stop, url, err := receiveServeTLS(rcv, addr, cert)
		return url, stop, err
	}
	url, err = rcv.Start(addr)
	if err != nil {
		return "", nil, err
	}
	return url, func() { rcv.Close() }, nil
}

// receiveStatusLoop prints a status line every interval until ctx is done.
func receiveStatusLoop(ctx context.Context, stdout io.Writer, rcv *receiver.Receiver, interval time.Duration) {
	tick := time.NewTicker(interval)
	defer tick.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-tick.C:
			fmt.Fprintln(stdout, receiveStatus(rcv.Snapshot()))
		}
	}
}

// receiveFinish prints the final status, writes receiver.json and the pushes' replays under
// --out, prints the causes of failures and returns the exit code of the callback verdict.
func receiveFinish(rep receiver.Report, o *receiveOptions, stdout, stderr io.Writer) int {
	fmt.Fprintln(stdout, receiveStatus(rep))
	if o.out != "" {
		if err := rep.SaveReplays(o.out); err != nil {
			fmt.Fprintf(stderr, "harness receive: %v\n", err)
			return exitFailed
		}
		if err := writeJSONFile(filepath.Join(o.out, "receiver.json"), rep); err != nil {
			fmt.Fprintf(stderr, "harness receive: %v\n", err)
			return exitFailed
		}
		fmt.Fprintf(stdout, "wrote %s\n", filepath.Join(o.out, "receiver.json"))
	}
	cb := assemble.Callbacks(rep, nil)
	// The console names the pushes' files under --out, wherever the user runs the command.
	cb.Reproductions = assemble.CallbackReproductions(rep, o.out, "")
	printCauses(stdout, cb.Causes)
	printBlockReplies(stdout, rep.BlockReplies)
	ths, err := callbackThresholds(cb, &rep, o.callbacks.thresholds.Callback)
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
// directory's one writer, rundir.WriteJSON).
func writeJSONFile(path string, v any) error { return rundir.WriteJSON(path, v) }
