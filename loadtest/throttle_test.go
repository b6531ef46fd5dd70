package loadtest

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"sort"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/pns-harness/pns-harness/pns"
	"github.com/pns-harness/pns-harness/profile"
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
	// One cleanup attempt: the platform refuses every unbind, so retries with backoff only
	// wait longer for the same 5 leaks.
	res, err := Run(context.Background(), Config{Target: srv.URL, Rate: 20, Duration: time.Second, Hold: 50 * time.Millisecond, CleanupAttempts: 1})
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
// throttling. (The credential probe, a query, is answered past authentication, so the load
// runs.)
func TestInvalidDigestIsNotThrottling(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method == http.MethodGet {
			fmt.Fprint(w, `{"resultcode":"1012001","resultdesc":"no such binding"}`)
			return
		}
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
	// One cleanup attempt: the target is gone, retries with backoff only wait longer for the
	// same leaks and unknowns.
	res, err := Run(context.Background(), Config{Target: srv.URL, Profile: fakeProfile(), Rate: 50, Duration: 500 * time.Millisecond,
		Hold: time.Second, Timeout: time.Second, CleanupAttempts: 1})
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

// TestRefusedCredentialsStopBeforeTheLoad: a platform that refuses every signature gets the
// credential probe pns.RefusalLimit times (below the lockout stated in the profile) and not
// one bind; Run returns the refusal naming the app. Flow control on the probe is not a
// refusal: that load runs.
func TestRefusedCredentialsStopBeforeTheLoad(t *testing.T) {
	for _, tt := range []struct {
		name     string
		desc     string
		lockout  int
		requests int64 // the requests the platform sees before the run stops
	}{
		{"invalid digest", "Invalid digest.", 0, pns.DefaultRefusalLimit},
		{"lockout stated at 4", "Invalid digest.", 4, 1},
	} {
		t.Run(tt.name, func(t *testing.T) {
			var seen, binds atomic.Int64
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				seen.Add(1)
				if r.Method == http.MethodPost {
					binds.Add(1)
				}
				w.WriteHeader(http.StatusUnauthorized)
				fmt.Fprintf(w, `{"resultcode":"1010010","resultdesc":%q}`, tt.desc)
			}))
			defer srv.Close()
			prof := fakeProfile()
			prof.Lockout.Failures, prof.Lockout.Window = tt.lockout, profile.Duration(time.Minute)
			res, err := Run(context.Background(), Config{Target: srv.URL, Profile: prof, Rate: 50, Duration: time.Minute})
			var ref *pns.CredentialsRefused
			if !errors.As(err, &ref) || res != nil {
				t.Fatalf("Run: %v (result %v), want *pns.CredentialsRefused", err, res != nil)
			}
			if ref.App != "AXB" || ref.Code != "1010010" || !strings.Contains(err.Error(), "check appKey/appSecret") {
				t.Errorf("refusal %+v: %v", ref, err)
			}
			if seen.Load() != tt.requests || binds.Load() != 0 {
				t.Errorf("the platform saw %d requests (%d binds), want %d and no bind", seen.Load(), binds.Load(), tt.requests)
			}
		})
	}
	t.Run("flow control is not a refusal", func(t *testing.T) {
		var binds atomic.Int64
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if r.Method == http.MethodPost {
				binds.Add(1)
			}
			w.WriteHeader(http.StatusUnauthorized)
			fmt.Fprintf(w, `{"resultcode":"1010010","resultdesc":%q}`, pns.DescFlowControl)
		}))
		defer srv.Close()
		res, err := Run(context.Background(), Config{Target: srv.URL, Profile: fakeProfile(), Rate: 20, Duration: 300 * time.Millisecond})
		if err != nil || res.CouldNotCheck != "" || binds.Load() == 0 {
			t.Fatalf("Run: %v, could not check %q, %d binds", err, res.CouldNotCheck, binds.Load())
		}
	})
}
