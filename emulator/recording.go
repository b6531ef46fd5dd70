package emulator

import (
	"net"
	"net/http"
	"strings"

	"github.com/pns-harness/pns-harness/pns"
)

// sharedEndpoints serves the interfaces of no particular mode: the recording download (§11),
// which answers a redirect rather than a JSON body, so it writes its whole answer itself, and
// the stop call (§11.2, stopcall.go).
var sharedEndpoints = map[string]endpoint{
	pns.IfaceRecordDownload: {validate: validateOnly(anyApp(decodeRecord)), raw: (*Emulator).serveRecord},
	pns.IfaceStopCall:       jsonEndpoint(decodeStopCall, (*Emulator).stopCall),
}

// RecordReq is a validated recording download query (§11).
type RecordReq struct {
	FileName     string
	RecordDomain string
}

// decodeRecord validates recording download parameters (§11).
func decodeRecord(r *reader) (RecordReq, *pns.Error) {
	var q RecordReq
	q.FileName = r.required("fileName", 1, 128)
	q.RecordDomain = r.required("recordDomain", 1, 128)
	return q, r.err
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
