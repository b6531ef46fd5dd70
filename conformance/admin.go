package conformance

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"time"

	"github.com/cucumber/godog"
	"github.com/pns-harness/pns-harness/pns"
)

// adminClient talks to the emulator's admin API (/emulator/v1/…). Only @emulator scenarios and
// the run setup use it.
type adminClient struct {
	base  string
	httpc *http.Client
}

func (a *adminClient) post(ctx context.Context, path string, body any) error {
	return a.do(ctx, http.MethodPost, path, body)
}

func (a *adminClient) do(ctx context.Context, method, path string, body any) error {
	var rd io.Reader
	if body != nil {
		b, err := json.Marshal(body)
		if err != nil {
			return err
		}
		rd = bytes.NewReader(b)
	}
	req, err := http.NewRequestWithContext(ctx, method, a.base+path, rd)
	if err != nil {
		return err
	}
	req.Header.Set("Content-Type", "application/json")
	resp, err := a.httpc.Do(req)
	if err != nil {
		return fmt.Errorf("emulator admin %s: %w", path, err)
	}
	defer resp.Body.Close()
	data, _ := io.ReadAll(io.LimitReader(resp.Body, 1<<16))
	if resp.StatusCode/100 != 2 {
		return fmt.Errorf("emulator admin %s: HTTP %d %s", path, resp.StatusCode, clip(data))
	}
	return nil
}

// advance moves the emulator clock forward.
func (a *adminClient) advance(ctx context.Context, d time.Duration) error {
	return a.post(ctx, "/clock/advance", map[string]any{"seconds": d.Seconds()})
}

// lockout switches the client-IP lockout of D8 on or off (clearing lock state when off).
func (a *adminClient) lockout(ctx context.Context, on bool) error {
	return a.post(ctx, "/lockout", map[string]any{"enabled": on})
}

// fault makes the emulator answer every request of an interface with a result code; the
// fault configuration is global, so scenarios using it restore it with clearFaults.
func (a *adminClient) fault(ctx context.Context, iface, code string) error {
	return a.post(ctx, "/faults", map[string]any{"seed": 1, "faults": []map[string]any{
		{"interface": iface, "errorRate": 1, "resultcode": code}}})
}

// clearFaults removes every injected fault.
func (a *adminClient) clearFaults(ctx context.Context) error {
	return a.do(ctx, http.MethodDelete, "/faults", nil)
}

// clearLockout forgets every locked IP and failure count.
func (a *adminClient) clearLockout(ctx context.Context) error {
	return a.do(ctx, http.MethodDelete, "/lockout", nil)
}

// errNoSimulator marks an emulator without the call simulator (its admin API answers 404).
var errNoSimulator = errors.New("the emulator has no call simulator (its /emulator/v1/calls or /sms answered 404)")

// call places a simulated call and returns the CallResult JSON.
func (a *adminClient) call(ctx context.Context, req map[string]any) ([]byte, error) {
	return a.simulate(ctx, "/calls", req)
}

// simulate posts to a call-simulator endpoint (/calls, /sms, /numbers/status) and returns the
// answer; without a simulator the error wraps godog.ErrSkip.
func (a *adminClient) simulate(ctx context.Context, path string, req map[string]any) ([]byte, error) {
	b, err := json.Marshal(req)
	if err != nil {
		return nil, err
	}
	hr, err := http.NewRequestWithContext(ctx, http.MethodPost, a.base+path, bytes.NewReader(b))
	if err != nil {
		return nil, err
	}
	hr.Header.Set("Content-Type", "application/json")
	resp, err := a.httpc.Do(hr)
	if err != nil {
		return nil, fmt.Errorf("emulator admin %s: %w", path, err)
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	if err != nil {
		return nil, err
	}
	switch {
	case resp.StatusCode == http.StatusNotFound:
		// Every scenario that needs the simulator is skipped, not failed, without one.
		return nil, fmt.Errorf("%w: %w", godog.ErrSkip, errNoSimulator)
	case resp.StatusCode/100 != 2:
		return nil, fmt.Errorf("emulator admin %s: HTTP %d %s", path, resp.StatusCode, clip(data))
	}
	return data, nil
}

// clockNow returns the emulator clock's current time (it may be ahead of the wall clock after
// advances).
func (a *adminClient) clockNow(ctx context.Context) (time.Time, error) {
	st, err := a.clock(ctx)
	if err != nil {
		return time.Time{}, err
	}
	return pns.ParseUTC(st.Now)
}

// clockState is the answer of the emulator's clock endpoints.
type clockState struct {
	Now   string  `json:"now"`
	Scale float64 `json:"scale"`
}

// clock reads the emulator clock's time and speed.
func (a *adminClient) clock(ctx context.Context) (clockState, error) {
	var st clockState
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, a.base+"/clock", nil)
	if err != nil {
		return st, err
	}
	resp, err := a.httpc.Do(req)
	if err != nil {
		return st, fmt.Errorf("emulator admin /clock: %w", err)
	}
	defer resp.Body.Close()
	if err := json.NewDecoder(io.LimitReader(resp.Body, 1<<16)).Decode(&st); err != nil || resp.StatusCode != http.StatusOK {
		return st, fmt.Errorf("emulator admin /clock: HTTP %d %v", resp.StatusCode, err)
	}
	return st, nil
}

// setScale sets the speed of the emulator clock relative to the wall clock.
func (a *adminClient) setScale(ctx context.Context, scale float64) error {
	return a.post(ctx, "/clock/scale", map[string]any{"scale": scale})
}
