package calls

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"

	"github.com/pns-harness/pns-harness/emulator"
	"github.com/pns-harness/pns-harness/pns"
)

// AdminPrefix is where the control interface of this package is mounted.
const AdminPrefix = "/emulator/v1/"

// maxBody bounds control-interface request bodies.
const maxBody = 1 << 20

// Handler returns the control interface (mounted at AdminPrefix by the emulator):
//
//	POST /emulator/v1/calls               JSON CallRequest → CallResult
//	GET  /emulator/v1/calls?app=<appKey>  the app's call log (31 days)
//	POST /emulator/v1/numbers/status      {"numbers":[…],"status":"9","cause":""} → changes
//	POST /emulator/v1/sms                 JSON SMSRequest → SMSResult
//	GET  /emulator/v1/causes              the hang-up causes a call can be forced to (D91)
//	POST /emulator/v1/causes              JSON CauseInjection: end a share of calls with them
//	DELETE /emulator/v1/causes            stop the injection
//
// Bad input is answered with 400 and {"error":"…"}. The recording files are served by
// RecordingHandler, on the provisioning listener.
func (s *Simulator) Handler() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("POST "+AdminPrefix+"calls", s.handleCall)
	mux.HandleFunc("GET "+AdminPrefix+"calls", s.handleCallLog)
	mux.HandleFunc("POST "+AdminPrefix+"numbers/status", s.handleStatus)
	mux.HandleFunc("POST "+AdminPrefix+"sms", s.handleSMS)
	mux.HandleFunc("GET "+AdminPrefix+"causes", s.handleCauses)
	mux.HandleFunc("POST "+AdminPrefix+"causes", s.handleCausesSet)
	mux.HandleFunc("DELETE "+AdminPrefix+"causes", s.handleCausesClear)
	return mux
}

// Routes lists the method-and-pattern pairs Handler serves, for emulators that register each
// route on their own mux.
func Routes() []string {
	return []string{
		"POST " + AdminPrefix + "calls",
		"GET " + AdminPrefix + "calls",
		"POST " + AdminPrefix + "numbers/status",
		"POST " + AdminPrefix + "sms",
		"GET " + AdminPrefix + "causes",
		"POST " + AdminPrefix + "causes",
		"DELETE " + AdminPrefix + "causes",
	}
}

// writeJSON answers like the emulator's own admin handlers.
func writeJSON(w http.ResponseWriter, status int, v any) { emulator.WriteAdminJSON(w, status, v) }

func writeErr(w http.ResponseWriter, status int, msg string) {
	writeJSON(w, status, map[string]string{"error": msg})
}

// decode reads a JSON body strictly (unknown fields are errors, so typos are caught).
func decode(w http.ResponseWriter, r *http.Request, v any) bool {
	dec := json.NewDecoder(http.MaxBytesReader(w, r.Body, maxBody))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		writeErr(w, http.StatusBadRequest, "invalid JSON body: "+err.Error())
		return false
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		writeErr(w, http.StatusBadRequest, "invalid JSON body: trailing data after the object")
		return false
	}
	return true
}

func errStatus(err error) int {
	switch {
	case errors.Is(err, ErrInvalid), errors.Is(err, ErrUnknownNumber):
		return http.StatusBadRequest
	}
	return http.StatusInternalServerError
}

func (s *Simulator) handleCall(w http.ResponseWriter, r *http.Request) {
	var req CallRequest
	if !decode(w, r, &req) {
		return
	}
	res, err := s.Call(r.Context(), req)
	if err != nil {
		writeErr(w, errStatus(err), err.Error())
		return
	}
	writeJSON(w, http.StatusOK, res)
}

// callLogResponse is the answer of GET /emulator/v1/calls.
type callLogResponse struct {
	App   string       `json:"app"`
	Count int          `json:"count"`
	Calls []CallRecord `json:"calls"`
}

func (s *Simulator) handleCallLog(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	app := q.Get("app")
	if app == "" {
		writeErr(w, http.StatusBadRequest, "query parameter app (the APP_Key) is required; apps with calls: "+strings.Join(s.Apps(), ", "))
		return
	}
	calls := s.CallLog(app)
	if v := q.Get("limit"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 {
			writeErr(w, http.StatusBadRequest, fmt.Sprintf("limit %q: want a positive integer", v))
			return
		}
		if len(calls) > n {
			calls = calls[len(calls)-n:]
		}
	}
	if sid := q.Get("sessionId"); sid != "" {
		var out []CallRecord
		for _, c := range calls {
			if c.SessionID == sid {
				out = append(out, c)
			}
		}
		calls = out
	}
	if calls == nil {
		calls = []CallRecord{}
	}
	writeJSON(w, http.StatusOK, callLogResponse{App: app, Count: len(calls), Calls: calls})
}

// StatusRequest is the body of POST /emulator/v1/numbers/status.
type StatusRequest struct {
	Numbers []string `json:"numbers"`
	Status  string   `json:"status"`
	Cause   string   `json:"cause,omitempty"`
}

func (s *Simulator) handleStatus(w http.ResponseWriter, r *http.Request) {
	var req StatusRequest
	if !decode(w, r, &req) {
		return
	}
	ch, err := s.SetStatus(req.Numbers, req.Status, req.Cause)
	if err != nil {
		writeErr(w, errStatus(err), err.Error())
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"changes": ch})
}

func (s *Simulator) handleSMS(w http.ResponseWriter, r *http.Request) {
	var req SMSRequest
	if !decode(w, r, &req) {
		return
	}
	res, err := s.SMS(r.Context(), req)
	if err != nil {
		writeErr(w, errStatus(err), err.Error())
		return
	}
	writeJSON(w, http.StatusOK, res)
}

// RecordingHandler serves GET RecordingPath{name}?token=…, the WAV file of a download URL
// (D75), on the provisioning listener. A missing or stale token is 403 with {"error":"…"};
// an unknown path or recording is the empty 404 every unknown URI of that listener gets, so
// that the port has one 404 shape.
func (s *Simulator) RecordingHandler() http.Handler { return http.HandlerFunc(s.handleRecording) }

func (s *Simulator) handleRecording(w http.ResponseWriter, r *http.Request) {
	name, ok := strings.CutPrefix(r.URL.Path, RecordingPath)
	if !ok || name == "" || strings.Contains(name, "/") {
		w.WriteHeader(http.StatusNotFound)
		return
	}
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		w.Header().Set("Allow", "GET, HEAD")
		w.WriteHeader(http.StatusMethodNotAllowed)
		return
	}
	data, status, msg := s.recordingFile(name, r.URL.Query().Get("token"))
	if status == http.StatusNotFound {
		w.WriteHeader(status)
		return
	}
	if status != http.StatusOK {
		writeErr(w, status, msg)
		return
	}
	w.Header().Set("Content-Type", "audio/wav")
	w.Header().Set("Content-Length", strconv.Itoa(len(data)))
	w.WriteHeader(http.StatusOK)
	if r.Method != http.MethodHead {
		_, _ = w.Write(data)
	}
}

// CauseEntry is one entry of the hang-up cause menu (GET /emulator/v1/causes): a code of
// reference §7.7 that CallRequest.Cause accepts, with the events a forced call produces.
type CauseEntry struct {
	Code      int    `json:"code"`
	Group     string `json:"group,omitempty"`
	Meaning   string `json:"meaning"`
	StateDesc string `json:"stateDesc"`
	// Events is the event sequence of a call forced to this cause (AXE calls add
	// collectInfo after callin).
	Events []string `json:"events"`
}

// CauseMenu lists every hang-up cause a simulated call can be forced to, ordered by code.
func CauseMenu() []CauseEntry {
	var out []CauseEntry
	for _, c := range pns.HangupCauses() {
		out = append(out, CauseEntry{Code: c.Code, Group: string(c.Group), Meaning: c.Meaning,
			StateDesc: c.StateDesc, Events: stageEvents(c.Stage)})
	}
	return out
}

func stageEvents(st pns.CauseStage) []string {
	switch st {
	case pns.StageCallout:
		return []string{pns.EventCallin, pns.EventCallout, pns.EventDisconnect}
	case pns.StageRinging:
		return []string{pns.EventCallin, pns.EventCallout, pns.EventAlerting, pns.EventDisconnect}
	case pns.StageTalk:
		return []string{pns.EventCallin, pns.EventCallout, pns.EventAlerting, pns.EventAnswer, pns.EventDisconnect}
	}
	return []string{pns.EventCallin, pns.EventDisconnect}
}

// causesAnswer is the answer of the /causes routes: the menu and the installed injection.
type causesAnswer struct {
	Causes    []CauseEntry   `json:"causes"`
	Injection CauseInjection `json:"injection"`
}

func (s *Simulator) handleCauses(w http.ResponseWriter, _ *http.Request) {
	writeJSON(w, http.StatusOK, causesAnswer{Causes: CauseMenu(), Injection: s.CauseInjectionConfig()})
}

func (s *Simulator) handleCausesSet(w http.ResponseWriter, r *http.Request) {
	var c CauseInjection
	if !decode(w, r, &c) {
		return
	}
	if err := s.SetCauseInjection(c); err != nil {
		writeErr(w, errStatus(err), err.Error())
		return
	}
	s.handleCauses(w, r)
}

func (s *Simulator) handleCausesClear(w http.ResponseWriter, r *http.Request) {
	_ = s.SetCauseInjection(CauseInjection{})
	s.handleCauses(w, r)
}
