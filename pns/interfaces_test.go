package pns

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"testing"
)

// TestInterfaceRowsComplete: every interface row names what the rest of the harness derives
// from it (a mode's operation, the reference section of its request table) and only codes the
// code table has and that are not answered by every interface anyway, so that a row added
// without them fails here rather than as a missing coverage row later.
func TestInterfaceRowsComplete(t *testing.T) {
	seen := map[string]bool{}
	for _, i := range Interfaces {
		if seen[i.ID] {
			t.Errorf("%s: listed twice", i.ID)
		}
		seen[i.ID] = true
		if i.Section == "" {
			t.Errorf("%s: no reference section", i.ID)
		}
		if (i.Mode == "") != (i.Op == "") {
			t.Errorf("%s: mode %q with operation %q: a mode's interface has an operation, a shared one none", i.ID, i.Mode, i.Op)
		}
		if i.Mode != "" && i.ID != i.Mode.Lower()+"."+i.Op {
			t.Errorf("%s: want the ID %s.%s (mode and operation)", i.ID, i.Mode.Lower(), i.Op)
		}
		if i.Mode != "" {
			if got, ok := InterfaceFor(i.Mode, i.Op); !ok || got.ID != i.ID {
				t.Errorf("InterfaceFor(%s, %s) = %s, %v; want %s (one interface per operation)", i.Mode, i.Op, got.ID, ok, i.ID)
			}
		}
		if i.List != "" && i.Op != "query" {
			t.Errorf("%s: answer list %q on a %q interface; only a query answers a list", i.ID, i.List, i.Op)
		}
		for _, c := range i.Codes {
			ci, ok := Lookup(c)
			if !ok {
				t.Errorf("%s: code %s is not in the code table", i.ID, c)
				continue
			}
			if !slices.Contains(ci.Interfaces, i.ID) {
				t.Errorf("%s: code %s does not list it (its interfaces %v)", i.ID, c, ci.Interfaces)
			}
		}
	}
}

// TestCodeInterfacesDerived: the interfaces of a code are exactly the rows naming it, never a
// mix of the pseudo-IDs "all"/"provisioning" and rows, and in the table's order with the second
// scope last (the order the contract hash was taken in).
func TestCodeInterfacesDerived(t *testing.T) {
	for _, ci := range Codes() {
		var want []string
		for _, second := range []bool{false, true} {
			for _, i := range Interfaces {
				if i.Mode.SecondScope() == second && slices.Contains(i.Codes, ci.Code) {
					want = append(want, i.ID)
				}
			}
		}
		pseudo := slices.Contains(ci.Interfaces, "all") || slices.Contains(ci.Interfaces, "provisioning")
		switch {
		case pseudo && len(want) > 0:
			t.Errorf("%s applies to every interface and rows %v name it too", ci.Code, want)
		case !pseudo && !slices.Equal(ci.Interfaces, want):
			t.Errorf("%s: interfaces %v, want %v", ci.Code, ci.Interfaces, want)
		}
	}
	ci, _ := Lookup(CodeRecordNotExist)
	if want := []string{IfaceAXBUnbind, IfaceAXBModify, IfaceAXBQuery, IfaceAXEUnbind, IfaceAXEModify, IfaceAXEQuery,
		IfaceRecordDownload, IfaceStopCall, IfaceAXYBBind, IfaceAXYBUnbind, IfaceAXYBQuery}; !slices.Equal(ci.Interfaces, want) {
		t.Errorf("1012007: %v, want %v", ci.Interfaces, want)
	}
}

// TestClientSendsEveryInterface: Client.Send reaches every row of Interfaces by its ID with the
// row's method and path, parameters in the query string for a query interface and in the body
// otherwise; an ID no row has is refused before anything is sent.
func TestClientSendsEveryInterface(t *testing.T) {
	var got struct{ method, path, query, body string }
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		got.method, got.path, got.query, got.body = r.Method, r.URL.Path, r.URL.RawQuery, string(b)
		w.Header().Set("Content-Type", ContentTypeJSON)
		_, _ = w.Write([]byte(`{"resultcode":"0","resultdesc":"Success","subscriptionId":"s1"}`))
	}))
	defer srv.Close()
	c := Client{BaseURL: srv.URL, Signer: Signer{AppKey: "k", AppSecret: "s"}}
	for _, i := range Interfaces {
		got.method, got.path, got.query, got.body = "", "", "", ""
		var params, body any
		if i.Query {
			params = url.Values{"subscriptionId": {"s1"}}
		} else {
			body = map[string]string{"subscriptionId": "s1"}
		}
		var out struct {
			SubscriptionID string `json:"subscriptionId"`
		}
		r, err := c.Send(context.Background(), i.ID, params, body, &out)
		if err != nil || !r.OK() || out.SubscriptionID != "s1" {
			t.Fatalf("%s: %v %+v %+v", i.ID, err, r, out)
		}
		if got.method != i.Method || got.path != i.Path {
			t.Errorf("%s: sent %s %s, want %s %s", i.ID, got.method, got.path, i.Method, i.Path)
		}
		wantBody, _ := json.Marshal(body)
		if i.Query && (got.query != "subscriptionId=s1" || got.body != "") || !i.Query && (got.query != "" || got.body != string(wantBody)) {
			t.Errorf("%s: query %q body %q", i.ID, got.query, got.body)
		}
	}
	got.path = ""
	if _, err := c.Send(context.Background(), "axb.nope", nil, nil, nil); err == nil || got.path != "" {
		t.Errorf("unknown interface: err %v, sent to %q", err, got.path)
	}
}
