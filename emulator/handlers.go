package emulator

import (
	"bytes"
	"encoding/json"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/pns-harness/pns-harness/pns"
)

// ContentTypeResponse is the Content-Type of every provisioning answer (reference §1.5).
const ContentTypeResponse = "application/json;charset=utf-8"

// contentTypeResponse is the header value of ContentTypeResponse, shared by every answer.
var contentTypeResponse = []string{ContentTypeResponse}

// AdminPrefix is the path prefix of the admin interface.
const AdminPrefix = "/emulator/v1/"

// MetricsPath is the Prometheus endpoint.
const MetricsPath = "/metrics"

// respWriter remembers the status and result code of an answer for metrics, logging and panic
// recovery. It also carries the request's log entry and start, so that a request costs one
// allocation for all three: a separate log, finish closure and writer were three of the bind
// path's allocations in its profile (issue 25).
type respWriter struct {
	http.ResponseWriter
	status int
	code   string
	wrote  bool
	// e, when set, has finish run once, just before the status line goes out, so that
	// metrics and the observer are up to date when the client sees the answer.
	e     *Emulator
	log   RequestLog
	start time.Time
	done  bool
	// contentType replaces ContentTypeResponse on a JSON answer when set (the stop call's
	// text/html in the alternative decisions, D81).
	contentType string
}

// WriteHeader records the status and runs finish once.
func (w *respWriter) WriteHeader(s int) {
	if !w.wrote {
		w.status, w.wrote = s, true
		w.finish()
	}
	w.ResponseWriter.WriteHeader(s)
}

// finish completes the log entry and reports it (metrics, observer), once; a no-op without e.
func (w *respWriter) finish() {
	if w.done || w.e == nil {
		return
	}
	w.done = true
	e, log := w.e, &w.log
	log.Status, log.ResultCode, log.Duration = w.status, w.code, time.Since(w.start)
	if log.Interface != "" {
		code := w.code
		if code == "" {
			code = "none"
		}
		e.metrics.observe(log.Interface, code, log.Duration)
	}
	if e.observer != nil {
		e.observer(*log)
	}
}

// Write sends the implicit 200 status first when needed.
func (w *respWriter) Write(b []byte) (int, error) {
	if !w.wrote {
		w.WriteHeader(http.StatusOK)
	}
	return w.ResponseWriter.Write(b)
}

// Unwrap lets http.ResponseController reach the connection (Hijack for injected closes).
func (w *respWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }

// Handler returns the emulator's HTTP handler: provisioning URIs, /emulator/v1/ admin and
// /metrics.
func (e *Emulator) Handler() http.Handler { return http.HandlerFunc(e.serveHTTP) }

// PlatformHandler serves only what the real platform serves: the provisioning interfaces under
// /rest and the recording files their Locations name. The admin API and /metrics answer the
// empty 404 of any unknown URI (one 404 shape on the port), so that a client tested against it
// cannot depend on emulator control. AdminHandler serves those on another listener.
func (e *Emulator) PlatformHandler() http.Handler {
	h := e.Handler()
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if p := r.URL.Path; p == MetricsPath || strings.HasPrefix(p, AdminPrefix) {
			w.WriteHeader(http.StatusNotFound)
			return
		}
		h.ServeHTTP(w, r)
	})
}

// AdminHandler serves only the admin API and /metrics (everything else 404), for a separate
// loopback listener next to PlatformHandler.
func (e *Emulator) AdminHandler() http.Handler {
	h := e.Handler()
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if p := r.URL.Path; p != MetricsPath && !strings.HasPrefix(p, AdminPrefix) {
			http.NotFound(w, r)
			return
		}
		h.ServeHTTP(w, r)
	})
}

func (e *Emulator) serveHTTP(w http.ResponseWriter, r *http.Request) {
	rw := &respWriter{ResponseWriter: w, e: e, start: time.Now(),
		log: RequestLog{Method: r.Method, Path: r.URL.Path, RemoteAddr: r.RemoteAddr}}
	if e.cfg.ShortConnections {
		w.Header().Set("Connection", "close")
	}
	defer func() {
		if p := recover(); p != nil {
			if p == http.ErrAbortHandler {
				rw.finish()
				panic(p)
			}
			e.metrics.panics.Inc()
			if !rw.wrote {
				e.writeError(rw, pns.NewError(pns.CodeInternalSystemError))
			}
		}
		rw.finish()
	}()
	switch p := r.URL.Path; {
	case p == MetricsPath:
		e.metrics.handler.ServeHTTP(rw, r)
	case strings.HasPrefix(p, AdminPrefix):
		e.admin.ServeHTTP(rw, r)
	case strings.HasPrefix(p, RecordingFilesPath):
		e.mu.RLock()
		files := e.files
		e.mu.RUnlock()
		if files == nil {
			rw.WriteHeader(http.StatusNotFound)
			return
		}
		files.ServeHTTP(rw, r)
	default:
		e.servePNS(rw, r, &rw.log)
	}
}

// servePNS answers a provisioning request: routing (404/405, D26), injected faults,
// authentication (steps 0-19), then the interface's endpoint (endpoints.go): validation
// (step 20) and the store (step 21).
func (e *Emulator) servePNS(w *respWriter, r *http.Request, log *RequestLog) {
	iface, ok, known := pns.Route(r.Method, r.URL.Path)
	if !known {
		w.WriteHeader(http.StatusNotFound)
		return
	}
	if !ok {
		w.Header().Set("Allow", allowedMethods(r.URL.Path))
		w.WriteHeader(http.StatusMethodNotAllowed)
		return
	}
	log.Interface = iface.ID
	if iface.ID == pns.IfaceStopCall && e.alternative() {
		w.contentType = stopCallContentType
	}
	if e.faults.apply(e, w, r, iface.ID) {
		return
	}
	app, perr := e.authenticate(r, peerIP(r.RemoteAddr), iface)
	if app != nil {
		log.AppKey = app.AppKey
	}
	if perr != nil {
		e.writeError(w, perr)
		return
	}
	ep, _ := endpointFor(iface)
	if ep.raw != nil {
		ep.raw(e, w, r, app)
		return
	}
	var rd *reader
	if iface.Query {
		raw := r.URL.RawQuery
		if app.alt {
			raw = strings.ReplaceAll(raw, "+", "%2B") // D17 alternative: an unescaped + is a plus
		}
		rd = newQueryReader(raw)
	} else {
		if perr := checkContentType(r.Header.Get("Content-Type")); perr != nil && !app.alt { // D18 alternative: not checked
			e.writeError(w, perr)
			return
		}
		data, perr := readBody(r.Body, r.ContentLength, e.cfg.MaxBodyBytes)
		if perr != nil {
			e.writeError(w, perr)
			return
		}
		m, perr := parseObject(data)
		if perr != nil {
			e.writeError(w, perr)
			return
		}
		rd = newBodyReader(m)
		rd.url = r.URL.RawQuery
	}
	rd.alt = app.alt
	resp, perr := e.dispatch(ep, app, rd)
	if perr != nil {
		e.writeError(w, perr)
		return
	}
	e.writeJSON(w, http.StatusOK, string(pns.CodeSuccess), resp)
}

// allowedMethods lists the methods of a known URI for the Allow header of a 405.
func allowedMethods(path string) string {
	var ms []string
	for _, i := range pns.Interfaces {
		if i.Path == path {
			ms = append(ms, i.Method)
		}
	}
	return strings.Join(ms, ", ")
}

// dispatch hands a request whose parameters were read to its endpoint and returns the success
// body. An error the reader already holds is answered first; an endpoint without serve, which
// TestEndpointsCoverInterfaces rules out, answers 1010001 rather than a panic.
func (e *Emulator) dispatch(ep endpoint, app *App, rd *reader) (any, *pns.Error) {
	if rd.err != nil {
		return nil, rd.err
	}
	if ep.serve == nil {
		return nil, pns.NewError(pns.CodeInternalSystemError)
	}
	return ep.serve(e, app, rd)
}

// success is the envelope of every successful JSON answer.
func success() pns.Envelope {
	return pns.Envelope{ResultCode: string(pns.CodeSuccess), ResultDesc: pns.CodeSuccess.Desc()}
}

// writeError answers a PNS error with its envelope and HTTP status.
func (e *Emulator) writeError(w *respWriter, err *pns.Error) {
	status, desc := err.HTTPStatus(), err.Desc
	if e.alternative() {
		status, desc = alternativeError(err)
	}
	code := string(err.Code)
	if plain(code) && plain(desc) { // the envelope straight into the buffer, without boxing it
		je := jsonEncoders.Get().(*jsonEncoder)
		je.b = appendEnvelope(je.b[:0], code, desc)
		e.writeAnswer(w, status, code, je.b)
		jsonEncoders.Put(je)
		return
	}
	e.writeJSON(w, status, code, pns.Envelope{ResultCode: code, ResultDesc: desc})
}

// writeJSON writes a provisioning answer. HTML escaping is off so that values come back as
// sent (e.g. "<" in userData is not turned into \u003c).
//
// The answers of the hot paths (envelopes, binds) are appended by appendAnswer without
// reflection; the others, and any answer with a string to escape, go through encoding/json,
// whose bytes appendAnswer reproduces. The buffer and the encoder come from a pool: a new
// Encoder and Buffer per answer were among the bind path's allocations in its profile (issue
// 25). Write copies the bytes, so the buffer is free again when writeJSON returns.
func (e *Emulator) writeJSON(w *respWriter, status int, code string, v any) {
	je := jsonEncoders.Get().(*jsonEncoder)
	defer func() {
		if je.buf.Cap() <= 64<<10 && cap(je.b) <= 64<<10 { // a rare large answer (a long query result) is not kept
			jsonEncoders.Put(je)
		}
	}()
	if b, ok := appendAnswer(je.b[:0], v); ok {
		je.b = b
		e.writeAnswer(w, status, code, b)
		return
	}
	buf := &je.buf
	buf.Reset()
	if err := je.enc.Encode(v); err != nil {
		status, code = http.StatusInternalServerError, string(pns.CodeInternalSystemError)
		buf.Reset()
		buf.WriteString(`{"resultcode":"1010001","resultdesc":"Internal system error."}`)
	}
	e.writeAnswer(w, status, code, bytes.TrimRight(buf.Bytes(), "\n"))
}

// writeAnswer sends an answer's JSON body with its status; code is its result code, for the
// metrics and the request log.
func (e *Emulator) writeAnswer(w *respWriter, status int, code string, body []byte) {
	w.code = code
	h := w.Header()
	if w.contentType != "" {
		h.Set("Content-Type", w.contentType)
	} else {
		// One shared value instead of Set's new slice per answer: net/http only reads it
		// (Clone copies it), and an Add would append to a new array (its capacity is 1).
		h["Content-Type"] = contentTypeResponse
	}
	w.WriteHeader(status)
	_, _ = w.Write(body)
}

// jsonEncoder is a reusable answer buffer: b for appendAnswer, buf with its encoder (HTML
// escaping off) for the answers encoding/json writes.
type jsonEncoder struct {
	b   []byte
	buf bytes.Buffer
	enc *json.Encoder
}

var jsonEncoders = sync.Pool{New: func() any {
	je := &jsonEncoder{b: make([]byte, 0, 256)}
	je.enc = json.NewEncoder(&je.buf)
	je.enc.SetEscapeHTML(false)
	return je
}}

func boolString(b bool) string {
	if b {
		return "true"
	}
	return "false"
}

func renderPreVoice(p *pns.PreVoice) *pns.PreVoice {
	if p == nil || (p.CallerHintTone == "" && p.CalleeHintTone == "") {
		return nil
	}
	cp := *p
	return &cp
}
