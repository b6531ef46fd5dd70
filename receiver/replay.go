package receiver

import (
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/pns-harness/pns-harness/pns"
	"github.com/pns-harness/pns-harness/reports"
)

// ReplayDir is the directory, inside a report directory, that SaveReplays writes the bodies
// of judged pushes to.
const ReplayDir = "pushes"

// SignedHeaderVar is the shell variable a replay command reads a fresh signature header from
// (the same variable as a conformance failure's reproduce line, filled by `harness sign
// --format value`).
const SignedHeaderVar = "PNS_SIGNED_HEADER"

// Replay is what a user needs to send a push the receiver judged wrong again, to their own
// receiver or to `harness receive`: the address it arrived at, the headers it carried and its
// body. The secret is never part of it.
type Replay struct {
	// URL is the address the push was sent to (scheme, Host header and request URI), its
	// secret-looking query parameters redacted (reports.RedactURL).
	URL string `json:"url"`
	// Headers are the request headers worth replaying (Content-Type, Authorization), without
	// the signature header and without transport headers.
	Headers map[string]string `json:"headers,omitempty"`
	// SignatureHeader names the signature header of the push (X-AKSK or X-WSSE), "" when it
	// had none.
	SignatureHeader string `json:"signatureHeader,omitempty"`
	// Signature is the signature header's value as received, kept only when the signature is
	// what was judged (a bad signature): re-sending it is the reproduction. For other
	// judgements it is empty and a fresh one must be signed, since a nonce is spent once.
	Signature string `json:"signature,omitempty"`
	// AppKey is the app the push was signed for ("" when its headers did not parse).
	AppKey string `json:"appKey,omitempty"`
	// Body is the body as received; it is not part of receiver.json (SaveReplays writes it to
	// its own file).
	Body []byte `json:"-"`
	// BodyFile is the body's file, relative to the report directory, once SaveReplays wrote it.
	BodyFile string `json:"bodyFile,omitempty"`
	// Repeat, when above 1, is how many times the body must be sent (a duplicate: the
	// same body accepted twice), each time with a fresh signature.
	Repeat int `json:"repeat,omitempty"`
}

// replayHeaders are the request headers a replay keeps besides the signature header.
var replayHeaders = []string{"Authorization", "Content-Type"}

// newReplay captures a push for a later replay; keepSignature keeps its signature header.
func newReplay(req *http.Request, body []byte, appKey string, keepSignature bool) *Replay {
	scheme := "http"
	if req.TLS != nil {
		scheme = "https"
	}
	// A token in the receiver's URL is a secret of the user's: it is never written down.
	rp := &Replay{URL: reports.RedactURL(scheme + "://" + req.Host + req.URL.RequestURI()), AppKey: appKey,
		Body: append([]byte(nil), body...)}
	for _, k := range replayHeaders {
		if v := req.Header.Get(k); v != "" {
			if rp.Headers == nil {
				rp.Headers = map[string]string{}
			}
			rp.Headers[k] = v
		}
	}
	for _, k := range []string{pns.HeaderXAKSK, pns.HeaderXWSSE} {
		if v := req.Header.Get(k); v != "" {
			rp.SignatureHeader = k
			if keepSignature {
				rp.Signature = v
			}
			break
		}
	}
	return rp
}

// SaveReplays writes the body of every replay of the report to dir/ReplayDir (one file per
// push) and records each file in its Replay.BodyFile, so that receiver.json names it.
func (r *Report) SaveReplays(dir string) error {
	// The replays are shared with the receiver's other snapshots: this report gets its own
	// copies before BodyFile is set.
	for i := range r.BadSignatures {
		r.BadSignatures[i].Replay = r.BadSignatures[i].Replay.clone()
	}
	for i := range r.Violations {
		r.Violations[i].Replay = r.Violations[i].Replay.clone()
	}
	for i := range r.Duplicates {
		r.Duplicates[i].Replay = r.Duplicates[i].Replay.clone()
	}
	var all []*Replay
	for _, rp := range r.Replays() {
		if rp.Body != nil {
			all = append(all, rp)
		}
	}
	if len(all) == 0 {
		return nil
	}
	if err := os.MkdirAll(filepath.Join(dir, ReplayDir), 0o755); err != nil {
		return err
	}
	for i, rp := range all {
		name := filepath.Join(ReplayDir, fmt.Sprintf("push-%03d.json", i+1))
		if err := os.WriteFile(filepath.Join(dir, name), rp.Body, 0o644); err != nil {
			return err
		}
		rp.BodyFile = filepath.ToSlash(name)
	}
	return nil
}

// Replays returns the replays of the report's samples (bad signatures, then schema
// violations), to be read or updated in place.
func (r *Report) Replays() []*Replay {
	var all []*Replay
	for i := range r.BadSignatures {
		if rp := r.BadSignatures[i].Replay; rp != nil {
			all = append(all, rp)
		}
	}
	for i := range r.Violations {
		if rp := r.Violations[i].Replay; rp != nil {
			all = append(all, rp)
		}
	}
	for i := range r.Duplicates {
		if rp := r.Duplicates[i].Replay; rp != nil {
			all = append(all, rp)
		}
	}
	return all
}

// clone returns a copy of rp (nil for nil); the body is shared, never modified.
func (rp *Replay) clone() *Replay {
	if rp == nil {
		return nil
	}
	c := *rp
	return &c
}

// Curl renders the replay as a curl command. dir is the report directory holding BodyFile
// ("" renders its path relative to that directory); without a saved file the body is inlined.
// profileFile names the profile whose app signs a fresh header ("" leaves --profile out, for
// the built-in profiles). The result is "" when there is no body to send.
func (rp *Replay) Curl(dir, profileFile string) string {
	if rp == nil || (rp.Body == nil && rp.BodyFile == "") {
		return ""
	}
	var b strings.Builder
	b.WriteString("curl -sS -o /dev/null -w '%{http_code}\\n' -X POST " + shellQuote(rp.URL))
	names := make([]string, 0, len(rp.Headers))
	for k := range rp.Headers {
		names = append(names, k)
	}
	sort.Strings(names)
	for _, k := range names {
		b.WriteString(" -H " + shellQuote(k+": "+rp.Headers[k]))
	}
	switch {
	case rp.SignatureHeader != "" && rp.Signature != "":
		b.WriteString(" -H " + shellQuote(rp.SignatureHeader+": "+rp.Signature))
	case rp.SignatureHeader != "" && rp.Repeat > 1:
		// Each delivery needs its own nonce: the header is signed inside the loop.
		b.WriteString(` -H "` + rp.SignatureHeader + `: $(` + rp.signCommand(profileFile) + `)"`)
	case rp.SignatureHeader != "":
		b.WriteString(` -H "` + rp.SignatureHeader + `: $` + SignedHeaderVar + `"`)
	}
	file := filepath.FromSlash(rp.BodyFile)
	if rp.BodyFile != "" && !filepath.IsAbs(file) {
		file = filepath.Join(dir, file)
	}
	if rp.BodyFile != "" {
		b.WriteString(" --data-binary @" + shellQuote(file))
	} else {
		b.WriteString(" --data-raw " + shellQuote(string(rp.Body)))
	}
	var notes []string
	switch {
	case rp.SignatureHeader != "" && rp.Signature != "":
		notes = append(notes, "the signature header as received, the thing judged")
	case rp.SignatureHeader != "" && rp.Repeat > 1:
		notes = append(notes, fmt.Sprintf("the same body %d times, each signed afresh for app key %s by `harness sign` (the received signatures are not kept: their nonces are spent)", rp.Repeat, rp.AppKey))
	case rp.SignatureHeader != "":
		notes = append(notes, SignedHeaderVar+": a fresh "+rp.SignatureHeader+" value signed for app key "+rp.AppKey+
			" (the one received is not kept: its nonce is spent): "+SignedHeaderVar+`="$(`+rp.signCommand(profileFile)+`)"`)
	case rp.Repeat > 1:
		notes = append(notes, fmt.Sprintf("the same body %d times", rp.Repeat))
	}
	if rp.BodyFile != "" && !filepath.IsAbs(file) && dir == "" {
		notes = append(notes, "run it in the report's directory")
	}
	cmd := b.String()
	if rp.Repeat > 1 {
		cmd = fmt.Sprintf("for i in $(seq %d); do %s; done", rp.Repeat, cmd)
	}
	if len(notes) > 0 {
		cmd += "  # " + strings.Join(notes, "; ")
	}
	return cmd
}

// signCommand is the `harness sign` command that prints a fresh signature header value for
// the replay's app.
func (rp *Replay) signCommand(profileFile string) string {
	cmd := "harness sign"
	if profileFile != "" {
		cmd += " --profile " + shellQuote(profileFile)
	}
	cmd += " --app-key " + shellQuote(rp.AppKey) + " --format value"
	if rp.SignatureHeader == pns.HeaderXWSSE {
		cmd += " --scheme wsse"
	}
	return cmd
}

// shellQuote quotes s for a POSIX shell.
func shellQuote(s string) string {
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}

// replay captures the arrival for a Replay (nil without its request).
func (a *Arrival) replay(keepSignature bool) *Replay {
	if a.req == nil {
		return nil
	}
	return newReplay(a.req, a.Body, a.AppKey, keepSignature)
}

// NotOurCall is the reproduction of a call the harness did not make: its pushes came from the
// target's own calls, which no request of the harness makes again.
const NotOurCall = "not reproducible here: the target's calls are not ours"

// Curl renders the call's reproduction: the bind that re-creates its binding (signed afresh
// for the app: profileFile names the profile whose app signs, "" for the built-in profiles)
// and the emulator's calls request that made it. The new call's pushes go to the app's
// callback URLs, where `harness receive` (or the user's receiver) judges them.
func (tr *CallTrigger) Curl(profileFile string) string {
	if tr == nil {
		return ""
	}
	var b strings.Builder
	var notes []string
	if bd := tr.Bind; bd != nil {
		scheme, hdr := pns.SchemeAKSK, pns.HeaderXAKSK
		if bd.WSSE {
			scheme, hdr = pns.SchemeWSSE, pns.HeaderXWSSE
		}
		b.WriteString("curl -sS -X " + bd.Method + " " + shellQuote(bd.URL) +
			" -H " + shellQuote(pns.HeaderAuthorization+": "+pns.AuthorizationValue(scheme)) +
			" -H " + shellQuote("Content-Type: "+pns.ContentTypeJSON) +
			` -H "` + hdr + `: $` + SignedHeaderVar + `"` +
			" --data-raw " + shellQuote(bd.Body) + " && echo && ")
		cmd := "harness sign"
		if profileFile != "" {
			cmd += " --profile " + shellQuote(profileFile)
		}
		cmd += " --app-key " + shellQuote(bd.AppKey) + " --format value"
		if bd.WSSE {
			cmd += " --scheme wsse"
		}
		notes = append(notes, SignedHeaderVar+": a fresh "+hdr+" value signed for app key "+bd.AppKey+": "+
			SignedHeaderVar+`="$(`+cmd+`)"`,
			"the bind re-creates the binding the call went through (the load removed it; unbind it afterwards)")
	}
	b.WriteString("curl -sS -X POST " + shellQuote(tr.URL) + " -H 'Content-Type: application/json' --data-raw " + shellQuote(tr.Body))
	notes = append(notes, "the emulator simulates the call again and pushes its notifications to the app's callback URLs: judge them there with `harness receive` (or your receiver)",
		"it needs the emulator at that address still running (an embedded run's emulator ends with the run)")
	b.WriteString("  # " + strings.Join(notes, "; "))
	return b.String()
}
