package main

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"testing"

	"github.com/pns-harness/pns-harness/pns"
	"github.com/pns-harness/pns-harness/receiver"
)

func TestReceiveVerifiesAndRecords(t *testing.T) {
	t.Setenv("RCV_TEST_SECRET", "rcv-secret")
	out := t.TempDir()
	ctx, cancel := context.WithCancel(context.Background())
	urls := make(chan string, 1)
	done := make(chan int, 1)
	var stdout, stderr bytes.Buffer
	go func() {
		done <- runReceive(ctx, []string{"--listen", "127.0.0.1:0", "--app", "rcv-app=RCV_TEST_SECRET", "--out", out, "--interval", "1h"},
			&stdout, &stderr, func(u string) { urls <- u })
	}()
	base := <-urls
	body := []byte(`{"eventType":"callin","statusInfo":{"sessionId":"s-1","timestamp":"2026-11-27 04:00:00","caller":"+8613800000001","called":"+8617000000001","subscriptionId":"0167ecc9-bfb6-4eec-b671-a7dab2ba78cf"}}`)
	post := func(secret string) int {
		req, _ := http.NewRequest(http.MethodPost, base, bytes.NewReader(body))
		req.Header.Set("Content-Type", pns.ContentTypeJSON)
		pns.Signer{AppKey: "rcv-app", AppSecret: secret}.Sign(req.Header)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		_, _ = io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		return resp.StatusCode
	}
	if got := post("wrong"); got != http.StatusUnauthorized {
		t.Errorf("badly signed push: status %d, want 401", got)
	}
	if got := post("rcv-secret"); got != http.StatusOK {
		t.Errorf("signed push: status %d, want 200", got)
	}
	cancel()
	if code := <-done; code != exitFailed {
		t.Errorf("exit code %d, want %d (a bad signature was seen)", code, exitFailed)
	}
	b, err := os.ReadFile(filepath.Join(out, "receiver.json"))
	if err != nil {
		t.Fatal(err)
	}
	var rep receiver.Report
	if err := json.Unmarshal(b, &rep); err != nil {
		t.Fatal(err)
	}
	if rep.Counters.Events != 1 || rep.Counters.BadSignature != 1 {
		t.Errorf("events=%d badSignature=%d, want 1 and 1", rep.Counters.Events, rep.Counters.BadSignature)
	}
	if bytes.Contains(b, []byte("rcv-secret")) || bytes.Contains(stdout.Bytes(), []byte("rcv-secret")) {
		t.Error("the app secret leaked into the report or the output")
	}
}

func TestReceiveUsage(t *testing.T) {
	var out bytes.Buffer
	for _, args := range [][]string{{"--app", "nokey"}, {"--app", "k=UNSET_ENV_FOR_TEST"}, {"--fail-first", "2"}, {"extra"}} {
		if code := runReceive(context.Background(), args, &out, &out, nil); code != exitUsage {
			t.Errorf("%v: exit %d, want %d", args, code, exitUsage)
		}
	}
}
