package conformance

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"

	"github.com/cucumber/godog"
	"github.com/pns-harness/pns-harness/pns"
)

// The When steps that send requests: headers of the next request, placeholders remembered
// from an answer, a request for an interface by mode and operation, and raw requests. Split
// from steps.go (issue 23) so that each file holds one noun of the suite.

func (w *world) nextHeader(name, value string) error {
	v, err := w.fill(value)
	if err != nil {
		return err
	}
	if w.next.set == nil {
		w.next.set = map[string]string{}
	}
	w.next.set[name] = v
	return nil
}

func (w *world) nextNoHeader(name string) { w.next.del = append(w.next.del, name) }

func (w *world) remember(path, name string) error {
	ex, err := w.lastExchange()
	if err != nil {
		return err
	}
	v, ok := field(ex.response, path)
	if !ok {
		return fmt.Errorf("response has no field %q: %s", path, clip(ex.resp.Body))
	}
	switch t := v.(type) {
	case string:
		w.vars[name] = t
	default:
		b, _ := json.Marshal(t)
		w.vars[name] = string(b)
	}
	return nil
}

// sendIface sends a request for an interface: body (JSON template) for POST/PUT, query
// (query-string template) for GET/DELETE.
func (w *world) sendIface(ctx context.Context, i pns.Interface, body, query string, aux bool) (*exchange, error) {
	if !i.Query && query != "" { // AXYB: app_key in the URL of a bind (§6.2)
		q, err := substituteQuery(query, w.resolve)
		if err != nil {
			return nil, err
		}
		b, err := w.fillJSON(body)
		if err != nil {
			return nil, err
		}
		return w.send(ctx, i.Method, i.Path+"?"+q, []byte(b), aux)
	}
	if i.Query {
		q, err := substituteQuery(query, w.resolve)
		if err != nil {
			return nil, err
		}
		p := i.Path
		if q != "" {
			p += "?" + q
		}
		return w.send(ctx, i.Method, p, nil, aux)
	}
	b, err := w.fillJSON(body)
	if err != nil {
		return nil, err
	}
	return w.send(ctx, i.Method, i.Path, []byte(b), aux)
}

func (w *world) bodyOp(ctx context.Context, op, mode string, doc *godog.DocString) error {
	w.useMode(mode)
	i, err := modeIface(mode, op)
	if err != nil {
		return err
	}
	_, err = w.sendIface(ctx, i, doc.Content, "", false)
	return err
}

func (w *world) queryOp(ctx context.Context, op, mode, q string) error {
	w.useMode(mode)
	i, err := modeIface(mode, op)
	if err != nil {
		return err
	}
	_, err = w.sendIface(ctx, i, "", q, false)
	return err
}

// badQueries sends n AXB queries with a wrong secret (the lockout scenario).
func (w *world) badQueries(ctx context.Context, n int, secret string) error {
	w.useMode("AXB")
	for i := 0; i < n; i++ {
		w.next.secret = secret
		if _, err := w.sendIface(ctx, mustIface(pns.IfaceAXBQuery), "", "subscriptionId=auth-probe", false); err != nil {
			return err
		}
	}
	return nil
}

func (w *world) setCallee(ctx context.Context, doc *godog.DocString) error {
	w.useMode("AX")
	_, err := w.sendIface(ctx, mustIface(pns.IfaceAXCallee), doc.Content, "", false)
	return err
}

func (w *world) recordDownload(ctx context.Context, q string) error {
	if w.app == "" {
		w.app = "AXB"
	}
	_, err := w.sendIface(ctx, mustIface(pns.IfaceRecordDownload), "", q, false)
	return err
}

func (w *world) raw(ctx context.Context, method, target string, doc *godog.DocString) error {
	if w.app == "" {
		return errors.New("no app selected: start with e.g. `Given the AXB app`")
	}
	p, q, _ := strings.Cut(target, "?")
	p, err := w.fill(p)
	if err != nil {
		return err
	}
	if q != "" {
		if q, err = substituteQuery(q, w.resolve); err != nil {
			return err
		}
		p += "?" + q
	}
	var body []byte
	if doc != nil {
		b, err := w.fillJSON(doc.Content)
		if err != nil {
			return err
		}
		body = []byte(b)
	}
	_, err = w.send(ctx, method, p, body, false)
	return err
}
