package emulator

import (
	"testing"

	"github.com/pns-harness/pns-harness/pns"
)

// TestEndpointsCoverInterfaces checks the emulator's endpoint table against pns.Interfaces,
// the one list of interfaces: every interface has exactly one endpoint, under its own mode,
// with a validator and one way to answer; and the table has nothing pns does not list.
func TestEndpointsCoverInterfaces(t *testing.T) {
	for _, i := range pns.Interfaces {
		ep, ok := endpointFor(i)
		if !ok {
			t.Errorf("%s (mode %q): no endpoint", i.ID, i.Mode)
			continue
		}
		if ep.validate == nil {
			t.Errorf("%s: endpoint without validate", i.ID)
		}
		if (ep.serve == nil) == (ep.raw == nil) {
			t.Errorf("%s: endpoint must set exactly one of serve and raw", i.ID)
		}
	}
	n := 0
	for mode, table := range endpoints {
		for id := range table {
			n++
			i, ok := pns.InterfaceByID(id)
			if !ok {
				t.Errorf("endpoint %q (mode %q): not an interface of pns.Interfaces", id, mode)
			} else if i.Mode != mode {
				t.Errorf("endpoint %q is in the %q table, its interface is mode %q", id, mode, i.Mode)
			}
		}
	}
	if n != len(pns.Interfaces) {
		t.Errorf("%d endpoints for %d interfaces", n, len(pns.Interfaces))
	}
}

// TestEndpointUnknownInterface: an interface pns does not list, or a known ID under another
// mode, has no endpoint; dispatching to no endpoint answers 1010001, unless the reader already holds an error.
func TestEndpointUnknownInterface(t *testing.T) {
	for _, i := range []pns.Interface{
		{ID: "axb.nope", Mode: pns.ModeAXB},
		{ID: pns.IfaceAXBBind, Mode: pns.ModeAX},
		{ID: pns.IfaceRecordDownload, Mode: pns.ModeAXE},
		{ID: pns.IfaceAXEQuery, Mode: "AXYB"},
		{},
	} {
		if _, ok := endpointFor(i); ok {
			t.Errorf("%+v: has an endpoint", i)
		}
	}
	te := newTestEmu(t, nil)
	app, _ := te.e.AppByKey(axbKey)
	if _, err := te.e.dispatch(endpoint{}, app, newBodyReader(nil)); err == nil || err.Code != pns.CodeInternalSystemError {
		t.Errorf("no endpoint: %v, want 1010001", err)
	}
	rd := newBodyReader(nil)
	rd.fail("x")
	if _, err := te.e.dispatch(endpoint{}, app, rd); err != rd.err {
		t.Errorf("reading error not first: %v", err)
	}
}

// TestEveryInterfaceReachesItsDecoder sends every interface of pns.Interfaces, signed by an app
// of its mode, without parameters through the public handler: each answer must come from that
// interface's own decoder (1010002 naming its first mandatory field), not 1010001 from a
// missing endpoint or another interface's field.
func TestEveryInterfaceReachesItsDecoder(t *testing.T) {
	te := newTestEmu(t, nil)
	appOf := map[pns.Mode]string{pns.ModeAXB: axbKey, pns.ModeAX: axKey, pns.ModeAXE: axeKey, pns.ModeAXYB: axybKey, "": axeKey}
	want := map[string]string{
		pns.IfaceAXBBind: "callerNum", pns.IfaceAXBUnbind: "subscriptionId", pns.IfaceAXBModify: "subscriptionId",
		pns.IfaceAXBQuery: "subscriptionId", pns.IfaceAXBind: "origNum", pns.IfaceAXUnbind: "subscriptionId",
		pns.IfaceAXModify: "privateNum", pns.IfaceAXQuery: "subscriptionId", pns.IfaceAXCallee: "privateNum",
		pns.IfaceAXEBind: "bindNum", pns.IfaceAXEUnbind: "subscriptionId", pns.IfaceAXEModify: "subscriptionId",
		pns.IfaceAXEQuery: "subscriptionId", pns.IfaceRecordDownload: "fileName",
		pns.IfaceStopCall: "sessionid",
		pns.IfaceAXYBBind: "app_key", pns.IfaceAXYBUnbind: "app_key", pns.IfaceAXYBQuery: "app_key",
	}
	for _, i := range pns.Interfaces {
		body := "{}"
		if i.Query {
			body = ""
		}
		r := te.call(appOf[i.Mode], i.Method, i.Path, body)
		if r.Status != 403 || r.Code != "1010002" || r.Desc != "Invalid request. "+want[i.ID] {
			t.Errorf("%s: %d %s, want 403 1010002 naming %s", i.ID, r.Status, r.Body, want[i.ID])
		}
	}
}
