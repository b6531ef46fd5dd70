package loadtest

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"time"
)

// RunInfo identifies the distributed run a shard belongs to. Every shard of one run records
// the same RunInfo (only Result.Shards differs), so Merge can refuse shards that were not run
// together: a different run ID, harness version, profile or start instant.
type RunInfo struct {
	// ID names the run (harness load --run-id), e.g. the Kubernetes Job's run name.
	ID string `json:"id,omitempty"`
	// HarnessVersion is the version of the harness that ran the shard.
	HarnessVersion string `json:"harnessVersion,omitempty"`
	// ProfileDigest is ProfileDigest of the load profile the shard used.
	ProfileDigest string `json:"profileDigest,omitempty"`
	// StartAt is the shared start instant of the shards (harness load --start-at); zero when
	// the shard started as soon as it could.
	StartAt time.Time `json:"startAt,omitzero"`
}

// MaxStartLag is how late a shard may start after StartAt before its result carries a
// warning: later than that its load is visibly offset in the merged rate over time.
const MaxStartLag = time.Second

// ProfileDigest returns "sha256:<hex>" of the profile's JSON form. The JSON form leaves the
// app secrets out (only the names of their environment variables are in it), so the digest
// can be written into results without disclosing a secret, yet two shards given different
// apps, X numbers or number ranges get different digests.
func ProfileDigest(p *Profile) string {
	if p == nil {
		p = DefaultProfile()
	}
	b, err := json.Marshal(p) // maps marshal with sorted keys: the digest is stable
	if err != nil {
		return ""
	}
	sum := sha256.Sum256(b)
	return "sha256:" + hex.EncodeToString(sum[:])
}

// waitStart blocks until the shared start instant cfg.StartAt (or until ctx is done), so that
// shards started at different moments begin their schedules together, and records a warning
// when this shard got there late. It runs right before the schedule's origin is taken.
func (r *runner) waitStart(ctx context.Context) {
	at := r.cfg.StartAt
	if at.IsZero() {
		return
	}
	if d := time.Until(at); d > 0 {
		t := time.NewTimer(d)
		select {
		case <-ctx.Done():
		case <-t.C:
		}
		t.Stop()
	}
	if lag := time.Since(at); lag > MaxStartLag && ctx.Err() == nil {
		r.agg.mu.Lock()
		r.agg.warnings = append(r.agg.warnings, fmt.Sprintf("shard %d/%d started %.1f s after the shared start instant %s: its load is offset in the merged rate over time",
			r.cfg.Shard, r.cfg.Shards, lag.Seconds(), at.UTC().Format(time.RFC3339)))
		r.agg.mu.Unlock()
	}
}
