package emulator

import (
	_ "embed"
	"encoding/json"
	"errors"
	"io"
	"math"
	"net/http"
	"strings"
	"time"

	"github.com/pns-harness/pns-harness/emulator/store"
	"github.com/pns-harness/pns-harness/pns"
	"gopkg.in/yaml.v3"
)

// Admin interface under /emulator/v1/ (no PNS authentication: listen on loopback only).
// Answers are JSON; errors are HTTP 400 with {"error": "..."}.

const maxAdminBody = 1 << 20

func validAdminPattern(p string) bool {
	if i := strings.IndexByte(p, ' '); i >= 0 {
		p = strings.TrimLeft(p[i+1:], " ")
	}
	return strings.HasPrefix(p, AdminPrefix)
}

func (e *Emulator) registerAdmin() {
	m := e.admin
	m.HandleFunc("GET "+AdminPrefix+"health", e.adminHealth)
	m.HandleFunc("POST "+AdminPrefix+"reset", e.adminReset)
	m.HandleFunc("GET "+AdminPrefix+"clock", e.adminClock)
	m.HandleFunc("POST "+AdminPrefix+"clock/advance", e.adminClockAdvance)
	m.HandleFunc("POST "+AdminPrefix+"clock/scale", e.adminClockScale)
	m.HandleFunc("GET "+AdminPrefix+"bindings", e.adminBindings)
	m.HandleFunc("GET "+AdminPrefix+"invariants", e.adminInvariants)
	m.HandleFunc("GET "+AdminPrefix+"faults", e.adminFaultsGet)
	m.HandleFunc("POST "+AdminPrefix+"faults", e.adminFaultsSet)
	m.HandleFunc("DELETE "+AdminPrefix+"faults", e.adminFaultsClear)
	m.HandleFunc("GET "+AdminPrefix+"lockout", e.adminLockoutGet)
	m.HandleFunc("POST "+AdminPrefix+"lockout", e.adminLockoutSet)
	m.HandleFunc("DELETE "+AdminPrefix+"lockout", e.adminLockoutClear)
	m.HandleFunc("GET "+AdminPrefix+"config", e.adminConfig)
	m.HandleFunc("GET "+AdminPrefix+"openapi.json", adminOpenAPI)
}

// WriteAdminJSON writes an admin answer; exported for admin handlers added with HandleAdmin.
func WriteAdminJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	_ = enc.Encode(v)
}

// WriteAdminError writes {"error": msg} with HTTP 400.
func WriteAdminError(w http.ResponseWriter, msg string) {
	WriteAdminJSON(w, http.StatusBadRequest, map[string]string{"error": msg})
}

// DecodeAdminJSON decodes a strict JSON admin body (unknown fields are errors).
func DecodeAdminJSON(r *http.Request, v any) error {
	dec := json.NewDecoder(io.LimitReader(r.Body, maxAdminBody))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return errors.New("invalid JSON body: " + err.Error())
	}
	return nil
}

// ClockState is the answer of the clock endpoints.
type ClockState struct {
	Now           string  `json:"now"`
	Scale         float64 `json:"scale"`
	OffsetSeconds float64 `json:"offsetSeconds"`
}

func (e *Emulator) clockState() ClockState {
	return ClockState{Now: pns.FormatUTC(e.clock.Now()), Scale: e.clock.Scale(), OffsetSeconds: e.clock.Offset().Seconds()}
}

func (e *Emulator) adminHealth(w http.ResponseWriter, _ *http.Request) {
	WriteAdminJSON(w, http.StatusOK, map[string]any{"status": "ok", "now": pns.FormatUTC(e.clock.Now()), "apps": len(e.apps)})
}

func (e *Emulator) adminReset(w http.ResponseWriter, _ *http.Request) {
	e.Reset()
	WriteAdminJSON(w, http.StatusOK, map[string]string{"status": "reset"})
}

func (e *Emulator) adminClock(w http.ResponseWriter, _ *http.Request) {
	WriteAdminJSON(w, http.StatusOK, e.clockState())
}

func (e *Emulator) adminClockAdvance(w http.ResponseWriter, r *http.Request) {
	var body struct {
		Seconds *float64 `json:"seconds"`
	}
	if err := DecodeAdminJSON(r, &body); err != nil {
		WriteAdminError(w, err.Error())
		return
	}
	if body.Seconds == nil || *body.Seconds < 0 || *body.Seconds > 10*365*86400 || math.IsNaN(*body.Seconds) {
		WriteAdminError(w, "seconds: must be a number from 0 to 315360000")
		return
	}
	e.clock.Advance(time.Duration(*body.Seconds * float64(time.Second)))
	e.store.Sweep()
	WriteAdminJSON(w, http.StatusOK, e.clockState())
}

func (e *Emulator) adminClockScale(w http.ResponseWriter, r *http.Request) {
	var body struct {
		Scale *float64 `json:"scale"`
	}
	if err := DecodeAdminJSON(r, &body); err != nil {
		WriteAdminError(w, err.Error())
		return
	}
	if body.Scale == nil || !(*body.Scale > 0) || *body.Scale > 1e6 {
		WriteAdminError(w, "scale: must be a number above 0 and at most 1000000")
		return
	}
	e.clock.SetScale(*body.Scale)
	WriteAdminJSON(w, http.StatusOK, e.clockState())
}

func fmtOptTime(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return pns.FormatUTC(t)
}

// renderDump is the admin answer of a store dump: each mode renders its own list (modes).
func renderDump(d store.Dump) BindingsDump {
	var out BindingsDump
	for _, m := range pns.Modes {
		modes[m].dump(d, &out)
	}
	return out
}

func (e *Emulator) adminBindings(w http.ResponseWriter, r *http.Request) {
	app := r.URL.Query().Get("app")
	if _, ok := e.apps[app]; app != "" && !ok {
		WriteAdminError(w, "app: no app with appKey "+app)
		return
	}
	WriteAdminJSON(w, http.StatusOK, renderDump(e.store.Dump(app)))
}

func (e *Emulator) adminInvariants(w http.ResponseWriter, _ *http.Request) {
	vs := e.store.Check()
	out := make([]string, 0, len(vs))
	for _, v := range vs {
		out = append(out, v.String())
	}
	WriteAdminJSON(w, http.StatusOK, map[string][]string{"violations": out})
}

func (e *Emulator) adminFaultsGet(w http.ResponseWriter, _ *http.Request) {
	WriteAdminJSON(w, http.StatusOK, e.faults.get())
}

func (e *Emulator) adminFaultsSet(w http.ResponseWriter, r *http.Request) {
	var c FaultConfig
	if err := DecodeAdminJSON(r, &c); err != nil {
		WriteAdminError(w, err.Error())
		return
	}
	if err := e.faults.set(c); err != nil {
		WriteAdminError(w, err.Error())
		return
	}
	WriteAdminJSON(w, http.StatusOK, e.faults.get())
}

func (e *Emulator) adminFaultsClear(w http.ResponseWriter, _ *http.Request) {
	_ = e.faults.set(FaultConfig{})
	WriteAdminJSON(w, http.StatusOK, e.faults.get())
}

func (e *Emulator) adminLockoutGet(w http.ResponseWriter, _ *http.Request) {
	WriteAdminJSON(w, http.StatusOK, e.lock.state(e.clock.Now()))
}

func (e *Emulator) adminLockoutSet(w http.ResponseWriter, r *http.Request) {
	var body struct {
		Enabled *bool `json:"enabled"`
	}
	if err := DecodeAdminJSON(r, &body); err != nil {
		WriteAdminError(w, err.Error())
		return
	}
	if body.Enabled == nil {
		WriteAdminError(w, "enabled: must be true or false")
		return
	}
	e.lock.setEnabled(*body.Enabled)
	WriteAdminJSON(w, http.StatusOK, e.lock.state(e.clock.Now()))
}

func (e *Emulator) adminLockoutClear(w http.ResponseWriter, _ *http.Request) {
	e.lock.clear()
	WriteAdminJSON(w, http.StatusOK, e.lock.state(e.clock.Now()))
}

// adminConfig answers the effective configuration with secrets redacted, as JSON with the
// YAML key names.
func (e *Emulator) adminConfig(w http.ResponseWriter, _ *http.Request) {
	y, err := e.cfg.Redacted().YAML()
	var v any
	if err == nil {
		err = yaml.Unmarshal(y, &v)
	}
	if err != nil {
		WriteAdminJSON(w, http.StatusInternalServerError, map[string]string{"error": err.Error()})
		return
	}
	WriteAdminJSON(w, http.StatusOK, v)
}

// openAPIDoc is the OpenAPI 3.1 description of the admin API, served at
// /emulator/v1/openapi.json and rendered into docs/admin-api.md. A test sends each of its
// examples to the emulator and checks every admin route is described.
//
//go:embed openapi.json
var openAPIDoc []byte

// OpenAPI returns the OpenAPI 3.1 document of the admin API.
func OpenAPI() []byte { return append([]byte(nil), openAPIDoc...) }

func adminOpenAPI(w http.ResponseWriter, _ *http.Request) {
	w.Header().Set("Content-Type", "application/json")
	_, _ = w.Write(openAPIDoc)
}
