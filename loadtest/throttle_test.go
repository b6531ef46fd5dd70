package loadtest

import (
	"bytes"
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"sort"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/pns-harness/pns-harness/pns"
)

// TestThrottlingIsData: a platform that accepts 5 binds and then answers every request with
// flow control (1010010 with its flow-control description, here with HTTP 403 as a real
// platform may) is reported as throttling per code with the moment it began, not as
// conformance errors; the 5 bindings it then refuses to unbind are named as leaked, and
// nothing else is counted as bound.
func TestThrottlingIsData(t *testing.T) {
	var binds atomic.Int64
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json;charset=UTF-8")
		if r.Method == http.MethodPost {
			if n := binds.Add(1); n <= 5 {
				fmt.Fprintf(w, `{"resultcode":"0","resultdesc":"Success","subscriptionId":"sub-%d","relationNum":"+8617000000001"}`, n)
				return
			}
		}
		w.WriteHeader(http.StatusForbidden)
		fmt.Fprintf(w, `{"resultcode":"1010010","resultdesc":%q}`, pns.DescFlowControl)
	}))
	defer srv.Close()
	res, err := Run(context.Background(), Config{Target: srv.URL, Rate: 20, Duration: time.Second, Hold: 50 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	if res.Conformance.Errors != 0 {
		t.Fatalf("throttling reported as conformance errors: %+v", res.Conformance)
	}
	bind, _ := res.Interface("axb.bind")
	unbind, _ := res.Interface("axb.unbind")
	if len(res.Rejections) != 1 {
		t.Fatalf("rejections %+v", res.Rejections)
	}
	rj := res.Rejections[0]
	if !rj.Throttling || rj.Code != "1010010" || rj.Count != bind.Count-5+unbind.Count ||
		rj.Interfaces["axb.bind"] != bind.Count-5 || rj.Interfaces["axb.unbind"] != unbind.Count || rj.BeganAtRate == 0 {
		t.Fatalf("rejection %+v (bind %d unbind %d)", rj, bind.Count, unbind.Count)
	}
	c := res.Cleanup
	sort.Strings(c.LeakedIDs)
	if c.Bound != 5 || c.Unbound != 0 || c.Retried != 0 || c.Leaked != 5 || strings.Join(c.LeakedIDs, " ") != "sub-1 sub-2 sub-3 sub-4 sub-5" {
		t.Fatalf("cleanup %+v", c)
	}
	var text bytes.Buffer
	if err := res.WriteText(&text); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{
		fmt.Sprintf("throttling: 1010010 flow control ×%d (axb.bind×%d axb.unbind×%d), began at ", rj.Count, bind.Count-5, unbind.Count),
		"leaked subscriptionIds: sub-",
	} {
		if !strings.Contains(text.String(), want) {
			t.Errorf("summary lacks %q:\n%s", want, text.String())
		}
	}
}

// TestInvalidDigestIsNotThrottling: 1010010 with its other meaning is a refusal, not
// throttling.
func TestInvalidDigestIsNotThrottling(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.WriteHeader(http.StatusUnauthorized)
		fmt.Fprint(w, `{"resultcode":"1010010","resultdesc":"Invalid digest."}`)
	}))
	defer srv.Close()
	res, err := Run(context.Background(), Config{Target: srv.URL, Rate: 10, Duration: 300 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Rejections) != 1 || res.Rejections[0].Throttling || res.Rejections[0].Count != res.SentHits || res.Cleanup.Bound != 0 {
		t.Fatalf("rejections %+v cleanup %+v", res.Rejections, res.Cleanup)
	}
}

// TestTargetDiesCountsExactly: when the target dies mid-run, leaked counts only the bindings
// that were made and not removed, each named; binds whose answers were lost are unknown, not
// leaked (a dead target once made 2,759 "leaked" of at most 500 binds).
func TestTargetDiesCountsExactly(t *testing.T) {
	var binds atomic.Int64
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method == http.MethodPost {
			n := binds.Add(1)
			if n >= 10 {
				hj, ok := w.(http.Hijacker)
				if ok {
					if c, _, err := hj.Hijack(); err == nil {
						_ = c.Close() // the target is gone: no answer
					}
				}
				return
			}
			fmt.Fprintf(w, `{"resultcode":"0","resultdesc":"Success","subscriptionId":"sub-%d","relationNum":"+8617001100000"}`, n)
			return
		}
		// Unbinds after the death get no answer either.
		if binds.Load() >= 10 {
			if hj, ok := w.(http.Hijacker); ok {
				if c, _, err := hj.Hijack(); err == nil {
					_ = c.Close()
				}
			}
			return
		}
		fmt.Fprint(w, `{"resultcode":"0","resultdesc":"Success"}`)
	}))
	defer srv.Close()
	res, err := Run(context.Background(), Config{Target: srv.URL, Profile: fakeProfile(), Rate: 50, Duration: 500 * time.Millisecond,
		Hold: time.Second, Timeout: time.Second})
	if err != nil {
		t.Fatal(err)
	}
	c := res.Cleanup
	if c.Bound != 9 || c.Unbound != 0 || c.Retried != 0 || c.Leaked != 9 || len(c.LeakedIDs) != 9 {
		t.Fatalf("cleanup %+v", c)
	}
	bind, _ := res.Interface("axb.bind")
	// Every bind without an answer was reconciled by query, which got no answer either.
	if want := bind.Count - 9; c.Unknown != want {
		t.Fatalf("unknown %d, want %d (cleanup %+v)", c.Unknown, want, c)
	}
}
