package pns

import (
	"strings"
	"testing"
)

func TestRefusesCredentials(t *testing.T) {
	for _, tt := range []struct {
		code, desc string
		want       bool
	}{
		{"1010010", "Invalid digest.", true},
		{"1010010", DescFlowControl, false},
		{"1010010", "the flow control upper limit is reached on the platform", false}, // a platform's own casing
		{"1010010", "", true},
		{"1010003", "Invalid app_key.", true},
		{"1010013", "Time out limit.", true},
		{"1023006", "Authorization not contained in the HTTP header.", true},
		{"1020166", "The app client ip is not in ip white list.", true},
		{"1020176", "Authentication failed, try again later", true},
		{"0", "Success", false},
		{"1012001", "", false},
		{"1010001", "", false},
		{"102300", "", false},
	} {
		if got := RefusesCredentials(tt.code, tt.desc); got != tt.want {
			t.Errorf("RefusesCredentials(%s, %q) = %v, want %v", tt.code, tt.desc, got, tt.want)
		}
	}
}

func TestCredentialWatch(t *testing.T) {
	bad := func(w *CredentialWatch, app string) *CredentialsRefused {
		return w.Observe(app, "1010010", "Invalid digest.")
	}
	t.Run("trips at the limit", func(t *testing.T) {
		var w CredentialWatch
		for i := 1; i < DefaultRefusalLimit; i++ {
			if bad(&w, "AXB") != nil {
				t.Fatalf("tripped at refusal %d, before the limit", i)
			}
		}
		r := bad(&w, "AXB")
		if r == nil || r.App != "AXB" || r.Refusals != DefaultRefusalLimit || w.Refused() != r {
			t.Fatalf("after %d refusals: %+v", DefaultRefusalLimit, r)
		}
		want := "the platform refused our signature for app AXB (1010010 Invalid digest.): check appKey/appSecret"
		if r.Error() != want {
			t.Errorf("message %q, want %q", r.Error(), want)
		}
	})
	t.Run("an accepted app never trips", func(t *testing.T) {
		var w CredentialWatch
		w.Observe("AXB", "1012001", "whatever the platform says about the content")
		for range 10 {
			if bad(&w, "AXB") != nil {
				t.Fatal("tripped after an accepted request")
			}
		}
	})
	t.Run("flow control and no answer are not refusals", func(t *testing.T) {
		w := CredentialWatch{Limit: 1}
		if w.Observe("AX", "", "") != nil {
			t.Fatal("an empty code tripped the watch")
		}
		w.Observe("AX", "1010010", DescFlowControl) // an answer past authentication
		if bad(&w, "AX") != nil {
			t.Fatal("flow control did not prove the credentials")
		}
	})
	t.Run("apps are counted apart", func(t *testing.T) {
		w := CredentialWatch{Limit: 2}
		w.Observe("AX", "0", "Success")
		bad(&w, "AX")
		bad(&w, "AX")
		if bad(&w, "AXE") != nil {
			t.Fatal("one refusal of AXE tripped a limit of 2")
		}
		if r := w.Observe("AXE", "1020176", "Authentication failed, try again later"); r == nil || !strings.Contains(r.Error(), "locked out") {
			t.Fatalf("lock: %v", r)
		}
	})
}

func TestRefusalLimit(t *testing.T) {
	for failures, want := range map[int]int{0: 3, 10: 3, 7: 3, 6: 2, 5: 2, 4: 1, 3: 1, 2: 1, 1: 1} {
		if got := RefusalLimit(failures); got != want {
			t.Errorf("RefusalLimit(%d) = %d, want %d", failures, got, want)
		}
	}
}
