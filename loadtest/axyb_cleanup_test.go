package loadtest

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/pns-harness/pns-harness/pns"
)

// TestReconcileAXYBPaced: the look-up of a lost AXYB bind asks every X of the app, one query
// each, and waits for the cleanup's pace before every query but the first, so the cleanup's
// rate bounds it; a pace that ends (the budget is spent) stops the look-up there.
func TestReconcileAXYBPaced(t *testing.T) {
	var queries atomic.Int64
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodGet || r.URL.Path != pns.PathAXYB || r.URL.Query().Get("app_key") != "k" {
			t.Errorf("unexpected request %s %s", r.Method, r.URL)
		}
		queries.Add(1)
		w.Header().Set("Content-Type", "application/json;charset=UTF-8")
		w.WriteHeader(http.StatusForbidden)
		_, _ = w.Write([]byte(`{"resultcode":"1012007","resultdesc":"The record does not exist."}`))
	}))
	defer srv.Close()
	c := &pns.Client{BaseURL: srv.URL, Signer: pns.Signer{AppKey: "k", AppSecret: "s"}}
	xs := []string{"+8617006100000", "+8617006100001", "+8617006100002", "+8617006100003"}
	o := &bindState{m: &modeRun{mode: pns.ModeAXYB, app: &AppProfile{AppKey: "k", XNumbers: xs}}, a: "+8613400000051"}
	var paced int
	n, err := reconcileAXYB(context.Background(), c, o, func(context.Context) error { paced++; return nil })
	if err != nil || n != 0 {
		t.Fatalf("reconcile: %d, %v; want nothing found", n, err)
	}
	if queries.Load() != int64(len(xs)) || paced != len(xs)-1 {
		t.Errorf("%d queries, %d paced; want %d queries, all but the first paced", queries.Load(), paced, len(xs))
	}

	queries.Store(0)
	spent := errors.New("cleanup budget spent")
	_, err = reconcileAXYB(context.Background(), c, o, func(context.Context) error { return spent })
	if !errors.Is(err, spent) || queries.Load() != 1 {
		t.Errorf("err %v after %d queries; want the pace's error after the first query", err, queries.Load())
	}

	o.m.app.XNumbers = nil
	if _, err := reconcileAXYB(context.Background(), c, o, nil); err == nil || !strings.Contains(err.Error(), "lists no number of app k") {
		t.Errorf("err %v; want the reason no number can be asked", err)
	}
}
