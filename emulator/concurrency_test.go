package emulator_test

import (
	"context"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"

	"github.com/pns-harness/pns-harness/emulator"
	"github.com/pns-harness/pns-harness/pns"
)

// TestParallelHTTPKeepsInvariants drives the emulator over HTTP from many goroutines that bind,
// modify and unbind overlapping numbers on a handful of X numbers in every mode, then asserts
// that the invariant walk is clean, that every binding the clients believe live is visible to
// query and that every binding they unbound is gone.
func TestParallelHTTPKeepsInvariants(t *testing.T) {
	cfg, err := emulator.DefaultConfig()
	if err != nil {
		t.Fatal(err)
	}
	em, err := emulator.New(*cfg)
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(em.Handler())
	defer srv.Close()
	defer em.Close()
	ctx := context.Background()
	client := func(key string) *pns.Client {
		return &pns.Client{BaseURL: srv.URL, Signer: pns.Signer{AppKey: key, AppSecret: key + "-secret"}}
	}
	axb, ax, axe := client("demo-axb"), client("demo-ax"), client("demo-axe")
	xAXB := poolNumbers(t, em, "demo-axb", 3)
	xAX := poolNumbers(t, em, "demo-ax", 6)
	xAXE := poolNumbers(t, em, "demo-axe", 3)
	// Few numbers on few X: collisions (1012010, 1011005, 1011003, 1020167) are frequent.
	num := func(r *rand.Rand) string { return fmt.Sprintf("+86139000000%02d", r.IntN(12)) }

	type live struct {
		mode pns.Mode
		id   string
	}
	var mu sync.Mutex
	alive := map[string]live{}
	gone := map[string]live{}
	var wg sync.WaitGroup
	const workers, ops = 12, 120
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func(seed uint64) {
			defer wg.Done()
			r := rand.New(rand.NewPCG(seed, 7))
			var mine []live
			for i := 0; i < ops; i++ {
				switch op := r.IntN(10); {
				case op < 5 || len(mine) == 0:
					var l live
					switch r.IntN(3) {
					case 0:
						out, resp, err := axb.AXBBind(ctx, pns.AXBBindRequest{CallerNum: num(r), CalleeNum: num(r), RelationNum: xAXB[r.IntN(len(xAXB))]})
						if err != nil || !resp.OK() {
							continue
						}
						l = live{pns.ModeAXB, out.SubscriptionID}
					case 1:
						out, resp, err := ax.AXBind(ctx, pns.AXBindRequest{OrigNum: num(r), PrivateNum: xAX[r.IntN(len(xAX))]})
						if err != nil || !resp.OK() {
							continue
						}
						l = live{pns.ModeAX, out.SubscriptionID}
					default:
						out, resp, err := axe.AXEBind(ctx, pns.AXEBindRequest{BindNum: num(r), VirtualNum: xAXE[r.IntN(len(xAXE))]})
						if err != nil || !resp.OK() {
							continue
						}
						l = live{pns.ModeAXE, out.SubscriptionID}
					}
					mine = append(mine, l)
					mu.Lock()
					alive[l.id] = l
					mu.Unlock()
				case op < 7:
					l := mine[r.IntN(len(mine))]
					switch l.mode {
					case pns.ModeAXB:
						_, _ = axb.AXBModify(ctx, pns.AXBModifyRequest{SubscriptionID: l.id, CalleeNum: num(r), Duration: pns.Int(3600)})
					case pns.ModeAX:
						_, _ = ax.AXModify(ctx, pns.AXModifyRequest{SubscriptionID: l.id, OrigNum: num(r)})
					default:
						_, _ = axe.AXEModify(ctx, pns.AXEModifyRequest{SubscriptionID: l.id, UserData: "m"})
					}
				default:
					k := r.IntN(len(mine))
					l := mine[k]
					var resp *pns.Response
					var err error
					switch l.mode {
					case pns.ModeAXB:
						resp, err = axb.AXBUnbind(ctx, pns.AXBUnbindParams{SubscriptionID: l.id})
					case pns.ModeAX:
						resp, err = ax.AXUnbind(ctx, pns.AXUnbindParams{SubscriptionID: l.id})
					default:
						resp, err = axe.AXEUnbind(ctx, pns.AXEKeyParams{SubscriptionID: l.id})
					}
					if err != nil || !resp.OK() {
						t.Errorf("unbind of own live binding %s: %v %+v", l.id, err, resp)
						continue
					}
					mine = append(mine[:k], mine[k+1:]...)
					mu.Lock()
					delete(alive, l.id)
					gone[l.id] = l
					mu.Unlock()
				}
			}
		}(uint64(w + 1))
	}
	wg.Wait()

	resp, err := http.Get(srv.URL + "/emulator/v1/invariants")
	if err != nil {
		t.Fatal(err)
	}
	var inv struct {
		Violations []json.RawMessage `json:"violations"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&inv); err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if len(inv.Violations) != 0 {
		t.Fatalf("invariant violations after parallel load: %s", inv.Violations)
	}
	t.Logf("live=%d unbound=%d", len(alive), len(gone))
	if len(alive) == 0 || len(gone) == 0 {
		t.Fatalf("the workload did not exercise both outcomes: alive=%d gone=%d", len(alive), len(gone))
	}
	query := func(l live) pns.Code {
		var r *pns.Response
		switch l.mode {
		case pns.ModeAXB:
			_, r, err = axb.AXBQuery(ctx, pns.AXBQueryParams{SubscriptionID: l.id})
		case pns.ModeAX:
			_, r, err = ax.AXQuery(ctx, pns.AXQueryParams{SubscriptionID: l.id})
		default:
			_, r, err = axe.AXEQuery(ctx, pns.AXEKeyParams{SubscriptionID: l.id})
		}
		if err != nil {
			t.Fatal(err)
		}
		return r.Code()
	}
	for _, l := range alive {
		if c := query(l); c != pns.CodeSuccess {
			t.Errorf("live %s binding %s: query answered %s", l.mode, l.id, c)
		}
	}
	for _, l := range gone {
		want := pns.CodeRecordNotExist
		if l.mode == pns.ModeAX {
			want = pns.CodeAXRecordNotExist
		}
		if c := query(l); c != want {
			t.Errorf("unbound %s binding %s: query answered %s, want %s", l.mode, l.id, c, want)
		}
	}
}

// poolNumbers returns the first n X numbers of an app's pool.
func poolNumbers(t *testing.T, em *emulator.Emulator, app string, n int) []string {
	t.Helper()
	nums := em.Store().XNumbers(app)
	if len(nums) < n {
		t.Fatalf("app %s has %d X numbers, want %d", app, len(nums), n)
	}
	out := make([]string, n)
	for i := range out {
		out[i] = nums[i].Number
	}
	return out
}
