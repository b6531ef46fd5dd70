package loadtest

import (
	"context"
	"net/http"
	"net/http/httptest"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/pns-harness/pns-harness/emulator"
)

// TestPlatformFlowControl runs a load over TLS against the emulator's platform face (only the
// /rest interfaces, lockout on) with a token bucket of 5 requests that never refills, as a
// platform under overload answers: the refusals are throttling, counted per code, never a
// conformance error; the bindings it accepted but then refuses to remove are named as leaked,
// and the bound and leaked counts are exact.
func TestPlatformFlowControl(t *testing.T) {
	cfg, err := emulator.DefaultConfig()
	if err != nil {
		t.Fatal(err)
	}
	on := true
	cfg.LockoutEnabled = &on
	for i := range cfg.Apps {
		cfg.Apps[i].FlowControl = &emulator.FlowControl{Rate: 0.001, Burst: 5}
	}
	em, err := emulator.New(*cfg)
	if err != nil {
		t.Fatal(err)
	}
	defer em.Close()
	srv := httptest.NewTLSServer(em.PlatformHandler())
	defer srv.Close()
	tc := srv.Client().Transport.(*http.Transport).TLSClientConfig
	prof := DefaultProfile()
	for _, e := range cfg.Entries() {
		if a := prof.Apps[strings.ToUpper(strings.TrimPrefix(e.App, "demo-"))]; a != nil {
			a.XNumbers = append(a.XNumbers, e.Number)
		}
	}
	res, err := Run(context.Background(), Config{Target: srv.URL, TLSConfig: tc, Profile: prof, Rate: 20,
		Duration: time.Second, Hold: 20 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	bind, _ := res.Interface("axb.bind")
	unbind, _ := res.Interface("axb.unbind")
	if res.Conformance.Errors != 0 || bind.Count != res.SentHits || bind.Success == 0 || bind.Success > 5 {
		t.Fatalf("conformance %+v bind %d/%d sent %d", res.Conformance, bind.Success, bind.Count, res.SentHits)
	}
	if len(res.Rejections) != 1 || !res.Rejections[0].Throttling || res.Rejections[0].Count != bind.Count-bind.Success+unbind.Count-unbind.Success {
		t.Fatalf("rejections %+v (bind %+v unbind %+v)", res.Rejections, bind.Codes, unbind.Codes)
	}
	c := res.Cleanup
	left := len(em.Store().Dump("").AXB)
	sort.Strings(c.LeakedIDs)
	if c.Bound != bind.Success || c.Unbound != unbind.Success || c.Leaked != int64(left) || c.Bound != c.Unbound+c.Retried+c.Leaked || len(c.LeakedIDs) != left {
		t.Fatalf("cleanup %+v, %d bindings left on the platform", c, left)
	}
}
