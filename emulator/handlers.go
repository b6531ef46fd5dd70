package emulator

import (
	"bytes"
	"encoding/json"
	"net"
	"net/http"
	"strings"
	"time"

	"github.com/pns-harness/pns-harness/emulator/store"
	"github.com/pns-harness/pns-harness/pns"
)

// ContentTypeResponse is the Content-Type of every provisioning answer (reference §1.5).
const ContentTypeResponse = "application/json;charset=utf-8"

// AdminPrefix is the path prefix of the admin interface.
const AdminPrefix = "/emulator/v1/"

// MetricsPath is the Prometheus endpoint.
const MetricsPath = "/metrics"

// respWriter remembers the status and result code of an answer for metrics, logging and panic
// recovery.
type respWriter struct {
	http.ResponseWriter
	status int
	code   string
	wrote  bool
	// before runs once, just before the status line goes out, so that metrics and the
	// observer are up to date when the client sees the answer.
	before func()
}

// WriteHeader records the status and runs before once.
func (w *respWriter) WriteHeader(s int) {
	if !w.wrote {
		w.status, w.wrote = s, true
		if w.before != nil {
			w.before()
		}
	}
	w.ResponseWriter.WriteHeader(s)
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
	start := time.Now()
	rw := &respWriter{ResponseWriter: w}
	log := RequestLog{Method: r.Method, Path: r.URL.Path, RemoteAddr: r.RemoteAddr}
	if e.cfg.ShortConnections {
		w.Header().Set("Connection", "close")
	}
	done := false
	finish := func() {
		if done {
			return
		}
		done = true
		log.Status, log.ResultCode, log.Duration = rw.status, rw.code, time.Since(start)
		if log.Interface != "" {
			code := rw.code
			if code == "" {
				code = "none"
			}
			e.metrics.requests.WithLabelValues(log.Interface, code).Inc()
			e.metrics.latency.WithLabelValues(log.Interface).Observe(log.Duration.Seconds())
		}
		if e.observer != nil {
			e.observer(log)
		}
	}
	rw.before = finish
	defer func() {
		if p := recover(); p != nil {
			if p == http.ErrAbortHandler {
				finish()
				panic(p)
			}
			e.metrics.panics.Inc()
			if !rw.wrote {
				e.writeError(rw, pns.NewError(pns.CodeInternalSystemError))
			}
		}
		finish()
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
		e.servePNS(rw, r, &log)
	}
}

// servePNS answers a provisioning request: routing (404/405, D26), injected faults,
// authentication (steps 0-19), validation (step 20) and the store (step 21).
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
	if iface.ID == pns.IfaceRecordDownload {
		e.serveRecord(w, r, app)
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
		data, perr := readBody(r.Body, e.cfg.MaxBodyBytes)
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
	}
	rd.alt = app.alt
	resp, perr := e.dispatch(iface.ID, app, rd)
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

// dispatch decodes and validates a request for one interface and calls the store. It returns
// the success body.
func (e *Emulator) dispatch(id string, app *App, rd *reader) (any, *pns.Error) {
	st, key := e.store, app.AppKey
	if rd.err != nil {
		return nil, rd.err
	}
	switch id {
	case pns.IfaceAXBBind:
		in, err := decodeAXBBind(rd, app)
		if err != nil {
			return nil, err
		}
		b, err := st.AXBBind(key, in)
		if err != nil {
			return nil, err
		}
		return pns.AXBBindResponse{Envelope: success(), SubscriptionID: b.SubscriptionID, RelationNum: b.RelationNum,
			CallDirection: pns.Int(b.CallDirection), Duration: pns.Int(b.Duration), MaxDuration: pns.Int(b.MaxDuration)}, nil
	case pns.IfaceAXBUnbind:
		in, err := decodeAXBUnbind(rd)
		if err != nil {
			return nil, err
		}
		if _, err := st.AXBUnbind(key, in); err != nil {
			return nil, err
		}
		return success(), nil
	case pns.IfaceAXBModify:
		in, err := decodeAXBModify(rd, app)
		if err != nil {
			return nil, err
		}
		if _, err := st.AXBModify(key, in); err != nil {
			return nil, err
		}
		return success(), nil
	case pns.IfaceAXBQuery:
		in, err := decodeAXBQuery(rd)
		if err != nil {
			return nil, err
		}
		res, err := st.AXBQuery(key, in)
		if err != nil {
			return nil, err
		}
		out := pns.AXBQueryResponse{Envelope: success(), RelationNumList: make([]pns.AXBBinding, 0, len(res.Bindings)),
			TotalCount: res.TotalCount, PageIndex: res.PageIndex, PageSize: res.PageSize}
		for _, b := range res.Bindings {
			out.RelationNumList = append(out.RelationNumList, renderAXB(b))
		}
		return out, nil
	case pns.IfaceAXBind:
		in, err := decodeAXBind(rd, app)
		if err != nil {
			return nil, err
		}
		b, err := st.AXBind(key, in)
		if err != nil {
			return nil, err
		}
		return pns.AXBindResponse{Envelope: success(), OrigNum: b.OrigNum, PrivateNum: b.PrivateNum, SubscriptionID: b.SubscriptionID}, nil
	case pns.IfaceAXUnbind:
		in, err := decodeAXUnbind(rd)
		if err != nil {
			return nil, err
		}
		if _, err := st.AXUnbind(key, in); err != nil {
			return nil, err
		}
		return success(), nil
	case pns.IfaceAXModify:
		in, err := decodeAXModify(rd, app)
		if err != nil {
			return nil, err
		}
		if _, err := st.AXModify(key, in); err != nil {
			return nil, err
		}
		return success(), nil
	case pns.IfaceAXQuery:
		in, err := decodeAXQuery(rd)
		if err != nil {
			return nil, err
		}
		list, err := st.AXQuery(key, in)
		if err != nil {
			return nil, err
		}
		out := pns.AXQueryResponse{Envelope: success(), PrivateNumList: make([]pns.AXBinding, 0, len(list))}
		for _, b := range list {
			out.PrivateNumList = append(out.PrivateNumList, renderAX(b))
		}
		return out, nil
	case pns.IfaceAXCallee:
		in, err := decodeAXCallee(rd)
		if err != nil {
			return nil, err
		}
		if app.alt && !pns.ValidRealNumber(in.CalleeNum) {
			return nil, pns.InvalidRequest("calleeNum") // D56 alternative: no 400/95 temporary callee
		}
		if _, err := st.AXSetTempCallee(key, in); err != nil {
			return nil, err
		}
		return success(), nil
	case pns.IfaceAXEBind:
		in, err := decodeAXEBind(rd, app)
		if err != nil {
			return nil, err
		}
		b, err := st.AXEBind(key, in)
		if err != nil {
			return nil, err
		}
		if app.alt {
			// D64 alternative: only the ID, the one field a client may rely on.
			return pns.AXEBindResponse{Envelope: success(), SubscriptionID: b.SubscriptionID}, nil
		}
		return pns.AXEBindResponse{Envelope: success(), SubscriptionID: b.SubscriptionID, VirtualNum: b.VirtualNum,
			ExtendNum: b.ExtendNum, BindNum: b.BindNum}, nil
	case pns.IfaceAXEUnbind:
		in, err := decodeAXEKeyOnly(rd, app)
		if err != nil {
			return nil, err
		}
		if _, err := st.AXEUnbind(key, in); err != nil {
			return nil, err
		}
		return success(), nil
	case pns.IfaceAXEModify:
		in, err := decodeAXEModify(rd, app)
		if err != nil {
			return nil, err
		}
		if _, err := st.AXEModify(key, in); err != nil {
			return nil, err
		}
		return success(), nil
	case pns.IfaceAXEQuery:
		in, err := decodeAXEKeyOnly(rd, app)
		if err != nil {
			return nil, err
		}
		b, err := st.AXEQuery(key, in)
		if err != nil {
			return nil, err
		}
		return renderAXE(b), nil
	}
	return nil, pns.NewError(pns.CodeInternalSystemError)
}

// serveRecord answers the recording download (§11, D75): 301 + Location, or 1012007 with
// HTTP 404.
func (e *Emulator) serveRecord(w *respWriter, r *http.Request, app *App) {
	in, perr := decodeRecord(newQueryReader(r.URL.RawQuery))
	if perr != nil {
		e.writeError(w, perr)
		return
	}
	e.mu.RLock()
	resolve := e.resolver
	e.mu.RUnlock()
	if resolve != nil {
		if loc, ok := resolve(app.AppKey, in.FileName, in.RecordDomain); ok {
			if strings.HasPrefix(loc, "/") {
				loc = e.publicBase(r) + loc
			}
			w.code = string(pns.CodeSuccess)
			w.Header().Set("Location", loc)
			w.WriteHeader(e.recordStatus(http.StatusMovedPermanently))
			return
		}
	}
	e.writeError(w, &pns.Error{Code: pns.CodeRecordNotExist, Desc: pns.CodeRecordNotExist.Desc(), Status: e.recordStatus(http.StatusNotFound)})
}

// publicBase is the scheme and authority of a recording Location: the configured
// publicBaseURL, else what the client used to reach this listener (its Host header, the
// listener's address for a request without one), so that the Location works from the client's
// side of a port mapping or a name the emulator does not know.
func (e *Emulator) publicBase(r *http.Request) string {
	if b := e.cfg.PublicBaseURL; b != "" {
		return strings.TrimRight(b, "/")
	}
	scheme := "http"
	if r.TLS != nil {
		scheme = "https"
	}
	host := r.Host
	if host == "" {
		if a, ok := r.Context().Value(http.LocalAddrContextKey).(net.Addr); ok {
			host = a.String()
		}
	}
	return scheme + "://" + host
}

func success() pns.Envelope {
	return pns.Envelope{ResultCode: string(pns.CodeSuccess), ResultDesc: pns.CodeSuccess.Desc()}
}

// writeError answers a PNS error with its envelope and HTTP status.
func (e *Emulator) writeError(w *respWriter, err *pns.Error) {
	status, desc := err.HTTPStatus(), err.Desc
	if e.alternative() {
		status, desc = alternativeError(err)
	}
	e.writeJSON(w, status, string(err.Code), pns.Envelope{ResultCode: string(err.Code), ResultDesc: desc})
}

// writeJSON writes a provisioning answer. HTML escaping is off so that values come back as
// sent (e.g. "<" in userData is not turned into \u003c).
func (e *Emulator) writeJSON(w *respWriter, status int, code string, v any) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		status, code = http.StatusInternalServerError, string(pns.CodeInternalSystemError)
		buf.Reset()
		buf.WriteString(`{"resultcode":"1010001","resultdesc":"Internal system error."}`)
	}
	w.code = code
	h := w.Header()
	h.Set("Content-Type", ContentTypeResponse)
	w.WriteHeader(status)
	_, _ = w.Write(bytes.TrimRight(buf.Bytes(), "\n"))
}

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

// renderAXB renders an AXB binding as a relationNumList element (§3.5).
func renderAXB(b store.AXBBinding) pns.AXBBinding {
	return pns.AXBBinding{
		SubscriptionID: b.SubscriptionID, RelationNum: b.RelationNum, CallerNum: b.CallerNum, CalleeNum: b.CalleeNum,
		CallDirection: b.CallDirection, Duration: b.Duration, MaxDuration: b.MaxDuration,
		RecordFlag: boolString(b.RecordFlag), RecordHintTone: b.RecordHintTone, PrivateSms: boolString(b.PrivateSMS),
		PreVoice: renderPreVoice(b.PreVoice), UserData: b.UserData, SubscribeTime: pns.FormatUTC(b.SubscribeTime),
	}
}

// renderAX renders an AX binding as a privateNumList element (§4.5); recordHintTone only when
// recordFlag is true, callDirection only when it was set.
func renderAX(b store.AXBinding) pns.AXBinding {
	out := pns.AXBinding{
		OrigNum: b.OrigNum, PrivateNum: b.PrivateNum, PrivateNumType: privateNumTypeValue,
		SubscribeTime: pns.FormatUTC(b.SubscribeTime), SubscriptionID: b.SubscriptionID,
		RecordFlag: boolString(b.RecordFlag), CalleeNumDisplay: orStr(b.CalleeNumDisplay, b.CalleeNumDisplay != "", defaultDisplay),
		PrivateSms: boolString(b.PrivateSMS), PreVoice: renderPreVoice(b.PreVoice), MaxDuration: b.MaxDuration,
		LastMinVoice: b.LastMinVoice, CallDirection: b.CallDirection, UserData: b.UserData,
		TurnFlag: orStr(b.TurnFlag, b.TurnFlag != "", defaultTurnFlag),
	}
	if b.RecordFlag {
		out.RecordHintTone = b.RecordHintTone
	}
	return out
}

// renderAXE renders the flat AXE query answer (§5.5).
func renderAXE(b store.AXEBinding) pns.AXEQueryResponse {
	return pns.AXEQueryResponse{
		Envelope: success(), SubscriptionID: b.SubscriptionID, VirtualNum: b.VirtualNum, ExtendNum: b.ExtendNum,
		BindNum: b.BindNum, DisplayNumMode: orStr(b.DisplayNumMode, b.DisplayNumMode != "", defaultDisplay),
		RecordFlag: boolString(b.RecordFlag), RecordHintTone: b.RecordHintTone, CallbackTone: b.CallbackTone,
		CallbackNum: b.CallbackNum, TimeUnit: orStr(b.TimeUnit, b.TimeUnit != "", defaultTimeUnit),
		BindExpiredTime: b.BindExpiredTime, CallbackExpiredTime: b.CallbackExpiredTime, UserData: b.UserData,
	}
}
