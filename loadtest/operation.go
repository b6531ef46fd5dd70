package loadtest

import (
	"net/http"
	"net/url"
	"sort"
	"strings"

	"github.com/pns-harness/pns-harness/pns"
)

// Operation names of workload steps.
const (
	OpBind   = "bind"
	OpUnbind = "unbind"
	OpQuery  = "query"
	OpModify = "modify"
	OpCallee = "callee"
	OpCall   = "call"
	OpStop   = "stop"
)

// operation is one thing a flow step can do to a session's binding: the request it sends and
// what its answer changes. Each lives in its own file (op_*.go) and has one entry in
// operations, as a prober has in blackbox_exporter's table; adding one is that much.
type operation struct {
	// Ifaces gives, per mode that has the operation, the interface ID its requests are
	// checked and reported under.
	Ifaces map[pns.Mode]string
	// Binds and Unbinds mark the operations that create and remove the session's binding
	// (first and last step of a flow without a pool).
	Binds, Unbinds bool
	// After names the operation that must come right before this one in a flow (the stop
	// needs the call it stops).
	After string
	// Releases marks an operation that ends something the session holds besides its binding
	// (a live call): once the load is stopping it still runs, before the unbind.
	Releases bool
	// Request fills the request of a step for session s. It runs on a worker, right before
	// the request is sent: it must be cheap (no decoding, no locks held long).
	Request func(m *modeRun, s *session, q *request)
	// Check, when set, replaces the provisioning checks (result code, status, schemas) for
	// an operation whose answers are not the platform's.
	Check func(r *runner, h *hit) (answer, observation)
	// Answer, when set, reads the checked answer of the step (on a checker goroutine) and
	// updates the session; it returns false when the session cannot go on.
	Answer func(r *runner, s *session, a *answer, o *observation) bool
}

// operations is the table of workload operations by step name.
var operations = map[string]*operation{
	OpBind:   opBind,
	OpUnbind: opUnbind,
	OpQuery:  opQuery,
	OpModify: opModify,
	OpCallee: opCallee,
	OpCall:   opCall,
	OpStop:   opStop,
	OpYB:     opYB,
}

// OperationNames lists the operations a workload step may name, sorted.
func OperationNames() []string {
	out := make([]string, 0, len(operations))
	for k := range operations {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

func (o *operation) has(m pns.Mode) bool { _, ok := o.Ifaces[m]; return ok }

func (o *operation) modeList() string {
	var ms []string
	for m := range o.Ifaces {
		ms = append(ms, strings.ToLower(string(m)))
	}
	sort.Strings(ms)
	return strings.Join(ms, ", ")
}

// everyMode maps each mode that has the operation to its interface "<mode>.<suffix>" (AXYB
// has no modify, so a workload asking for one is refused before the run).
func everyMode(suffix string) map[pns.Mode]string {
	out := map[pns.Mode]string{}
	for _, m := range pns.Modes {
		if i, ok := pns.InterfaceFor(m, suffix); ok {
			out[m] = i.ID
		}
	}
	return out
}

// request is what a step sends.
type request struct {
	method string
	url    string
	body   []byte
	header http.Header
	// spare is a header map a previous request of the same hit no longer uses, for the signed
	// headers of this one (loadSigner.headerInto); nil when there is none.
	spare http.Header
}

// provisioning fills q for a provisioning interface: its method and path, the signed
// headers, and the subscriptionId query parameter (when sub is not empty) or body. The URL is
// built in one allocation: at load rates the per-request garbage is what the generator's CPU
// goes to.
func (m *modeRun) provisioning(iface pns.Interface, q *request, sub string, body []byte) {
	q.method = iface.Method
	if sub == "" {
		q.url = m.base + iface.Path
	} else {
		const key = "?subscriptionId="
		esc := sub
		if strings.ContainsFunc(sub, needsEscape) {
			esc = url.QueryEscape(sub)
		}
		var b strings.Builder
		b.Grow(len(m.base) + len(iface.Path) + len(key) + len(esc))
		b.WriteString(m.base)
		b.WriteString(iface.Path)
		b.WriteString(key)
		b.WriteString(esc)
		q.url = b.String()
	}
	if m.appKeyParam != "" {
		sep := "?"
		if sub != "" {
			sep = "&"
		}
		q.url += sep + m.appKeyParam
	}
	q.body = body
	q.header = m.sign.headerInto(q.spare)
	q.spare = nil
}

// params adds the mode's app_key (AXYB) to the query parameters of a setup or cleanup request.
func (m *modeRun) params(v url.Values) url.Values {
	if m.appKeyParam != "" {
		if v == nil {
			v = url.Values{}
		}
		v.Set("app_key", m.app.AppKey)
	}
	return v
}

// needsEscape reports whether r is not left as is by url.QueryEscape.
func needsEscape(r rune) bool {
	return !('a' <= r && r <= 'z' || 'A' <= r && r <= 'Z' || '0' <= r && r <= '9' || r == '-' || r == '_' || r == '.' || r == '~')
}
