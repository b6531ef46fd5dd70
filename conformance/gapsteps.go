package conformance

import (
	"bytes"
	"context"
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/cucumber/godog"
	"github.com/pns-harness/pns-harness/pns"
	"github.com/pns-harness/pns-harness/receiver"
)

// registerGapSteps adds the steps of the issue-22 gap scenarios (documented_halves.feature,
// notification_meaning.feature): a lookup that must find nothing, whatever way the platform
// says so, and the URL a call event arrives at.
func (w *world) registerGapSteps(sc stepRegistry) {
	sc.Step(`^the query finds no binding$`, w.findsNoBinding)
	sc.Step(`^the call's "([^"]*)" event arrives at the (callin|call-status) URL$`, w.eventArrivesAt)
	sc.Step(`^every push of the call is delivered (\d+) times in all, each answered HTTP (\d+)$`, w.deliveredTimes)
	sc.Step(`^every push of the call is signed with a Created in UTC$`, w.pushesCreatedUTC)
	sc.Step(`^I remember the city codes of the app's X numbers as "([^"]*)" and "([^"]*)"$`, w.rememberCities)
	sc.Step(`^I remember the area of the profile's fixed-line numbers as "([^"]*)"$`, w.rememberFixedArea)
	sc.Step(`^the response field "([^"]*)" is an X number in the remembered area "([^"]*)"$`, func(path, name string) error {
		area, err := w.fill(name)
		if err != nil {
			return err
		}
		return w.fieldIsAreaX(path, area)
	})
}

// rememberCities saves, under first and last, the city codes of the current app's first and
// last X ranges that have one (the same code when the profile lists one city), so that a
// scenario asks for X numbers of cities the target's profile says the app has, instead of one
// the emulator happens to have. Two cities, when there are two, catch a platform that ignores
// areaCode: it cannot pick by the caller's area and land in both by chance.
func (w *world) rememberCities(first, last string) error {
	a, err := w.appProfile(w.app)
	if err != nil {
		return err
	}
	var codes []string
	for _, r := range a.XRanges {
		if r.CityCode != "" {
			codes = append(codes, r.CityCode)
		}
	}
	if len(codes) == 0 {
		return fmt.Errorf("%w: the profile names no city code for app %s's X numbers", godog.ErrSkip, w.app)
	}
	w.vars[first], w.vars[last] = codes[0], codes[len(codes)-1]
	return nil
}

// rememberFixedArea saves, under name, the city code of the profile's fixed-line numbers
// (<FIX1>, …): a fixed-line number carries its area without the leading 0 (§1.4: +86755… is
// 0755; the two-digit areas are 010 and 020-029). The scenario is not checked when the
// blocks span several areas or the current app has no X number in that area, since a bind
// that lets the platform choose by A's area then needs an X there (§3.2).
func (w *world) rememberFixedArea(name string) error {
	a, err := w.appProfile(w.app)
	if err != nil {
		return err
	}
	area := ""
	for _, b := range w.rs.prof.FixedLineBlocks {
		code, ok := fixedLineArea(b)
		if !ok || (area != "" && code != area) {
			return fmt.Errorf("%w: the profile's fixed-line blocks %v do not name one area", godog.ErrSkip, w.rs.prof.FixedLineBlocks)
		}
		area = code
	}
	if area == "" {
		return fmt.Errorf("%w: the profile has no fixedLineBlocks", godog.ErrSkip)
	}
	for _, r := range a.XRanges {
		if r.CityCode == area {
			w.vars[name] = area
			return nil
		}
	}
	return fmt.Errorf("%w: app %s has no X number in %s, the area of the profile's fixed-line numbers", godog.ErrSkip, w.app, area)
}

// fixedLineArea returns the area code, with its leading 0, of a +86 fixed-line number or
// number block: two digits after +86 for Beijing (10) and 20-29, three otherwise.
func fixedLineArea(n string) (string, bool) {
	d, ok := strings.CutPrefix(n, "+86")
	if !ok || len(d) < 2 || d[0] == '0' || d[0] == '1' && d[1] != '0' {
		return "", false
	}
	l := 3
	if d[0] == '1' || d[0] == '2' {
		l = 2
	}
	if len(d) < l {
		return "", false
	}
	return "0" + d[:l], true
}

// findsNoBinding asserts the documented half of a lookup without a match: the platform does
// not return a binding. How it says so is a decision (D41, D78: a refusal such as 1012007 or
// 1016001, or "0" with an empty list), so both a refusal (HTTP 4xx, a resultcode other than
// "0") and a success whose list is empty or absent pass; a success listing any binding, a 5xx
// or an answer without a resultcode fails. Like "the request is refused" it announces no code,
// so its scenario is tagged @refused.
func (w *world) findsNoBinding() error {
	if !w.hasTag(TagRefused) {
		return fmt.Errorf("a scenario asserting only that nothing is found must be tagged %s", TagRefused)
	}
	ex, err := w.lastExchange()
	if err != nil {
		return err
	}
	list := ex.iface.List // the binding list of the query's answer (pns.Interface)
	if list == "" {
		return fmt.Errorf("the last request (%s %s) is not a query with a binding list", ex.method, ex.path)
	}
	r := ex.resp
	code := r.Envelope.ResultCode
	switch {
	case code != "" && code != string(pns.CodeSuccess) && r.Status/100 == 4:
		return nil // refused: nothing found
	case code == string(pns.CodeSuccess) && r.Status == http.StatusOK:
		items, present := ex.response[list]
		if !present || items == nil {
			return nil
		}
		if l, isList := items.([]any); isList && len(l) == 0 {
			return nil
		}
		return fmt.Errorf("the query found %s = %s, want no binding\nrequest: %s%s", list, render(items), r.Request, ex.reproduce())
	}
	return fmt.Errorf("HTTP %d resultcode %q (%q), want a refusal (HTTP 4xx) or \"0\" with no binding\nrequest: %s\nresponse: %s%s",
		r.Status, code, r.Envelope.ResultDesc, r.Request, clip(r.Body), ex.reproduce())
}

// pathCallin is where the runner's receivers take the callin events of an app with a
// separate callin URL (§7.1, D77).
const pathCallin = "/callback/callin"

// eventArrivesAt waits for the first delivery of the scenario call's event of type ev and
// asserts the URL path it arrived at. Paths are known only for the runner's own receivers;
// with another push source the step is skipped.
func (w *world) eventArrivesAt(ctx context.Context, ev, where string) error {
	if err := w.needPushes(); err != nil {
		return err
	}
	if !w.rs.ownPushes {
		return fmt.Errorf("%w: the push source does not tell the URL a push arrived at", godog.ErrSkip)
	}
	_, sid, err := w.lastCall()
	if err != nil {
		return err
	}
	var got push
	err = w.inbox.wait(ctx, func(ps []push) (bool, error) {
		evs := sessionEvents(ps, sid)
		for _, p := range evs {
			if p.EventType == ev {
				got = p
				return true, nil
			}
		}
		return false, fmt.Errorf("no %s event of session %s arrived:%s", ev, sid, describe(evs))
	})
	if err != nil {
		return err
	}
	if err := checkDelivery(got, http.StatusOK); err != nil {
		return err
	}
	want := pathCallStatus
	if where == "callin" {
		want = pathCallin
	}
	if err := w.checkPath(got, want, where); err != nil {
		return err
	}
	w.setLast(got.doc, got.Body, "pushed "+ev+" event")
	return nil
}

// deliveredTimes waits until every first delivery of the scenario call's events and fee
// record has arrived n times in all (the first attempt and n-1 re-pushes, §7.6), each
// answered status by the customer, with its own signature. More than n deliveries of a body
// fail the step; whether a platform pushes once more later cannot be seen without waiting.
func (w *world) deliveredTimes(ctx context.Context, n, status int) error {
	if err := w.needPushes(); err != nil {
		return err
	}
	if !w.rs.ownPushes {
		return fmt.Errorf("%w: only the runner's own receivers keep failing an app's deliveries", godog.ErrSkip)
	}
	call, sid, err := w.lastCall()
	if err != nil {
		return err
	}
	return w.inbox.wait(ctx, func(ps []push) (bool, error) {
		firsts, all := callPushes(ps, call, sid)
		if !all {
			return false, fmt.Errorf("first deliveries of session %s so far:%s", sid, describe(firsts))
		}
		var short []string
		for _, f := range firsts {
			var got []push
			for _, p := range ps {
				if bytes.Equal(p.Body, f.Body) {
					got = append(got, p)
				}
			}
			if len(got) > n {
				return true, fmt.Errorf("%s %s delivered %d times, want %d (the first attempt and at most 6 re-pushes)", f.Kind, f.EventType, len(got), n)
			}
			if len(got) < n {
				short = append(short, fmt.Sprintf("%s %s %d times", f.Kind, f.EventType, len(got)))
				continue
			}
			nonces := map[string]bool{}
			for _, p := range got {
				if err := checkDelivery(p, status); err != nil {
					return true, err
				}
				if p.Nonce != "" && nonces[p.Nonce] {
					return true, fmt.Errorf("%s %s: two attempts signed with the Nonce %q; each attempt needs fresh headers (D66)", f.Kind, f.EventType, p.Nonce)
				}
				nonces[p.Nonce] = true
			}
		}
		if len(short) > 0 {
			return false, fmt.Errorf("delivered so far: %s; want %d each", strings.Join(short, ", "), n)
		}
		return true, nil
	})
}

// pushesCreatedUTC asserts that every push of the scenario call that has arrived is signed
// with a Created in the documented form and in UTC: "采用标准UTC格式" (§2.1), with which §7.1
// builds the push headers. The receiver tolerates China local time labelled Z, as a platform
// must for requests (D2); a push signed so would pass its signature check, so this step reads
// the Created itself: within the skew window of the wall clock (the emulator signs with the
// wall clock, D66, however far its own clock was advanced).
func (w *world) pushesCreatedUTC() error {
	if err := w.needPushes(); err != nil {
		return err
	}
	if !w.rs.ownPushes {
		return fmt.Errorf("%w: the push source does not tell a push's Created", godog.ErrSkip)
	}
	_, sid, err := w.lastCall()
	if err != nil {
		return err
	}
	w.inbox.mu.Lock()
	ps := append([]push(nil), w.inbox.list...)
	w.inbox.mu.Unlock()
	return checkCreatedUTC(ps, sid, time.Now())
}

// checkCreatedUTC is pushesCreatedUTC's judgement of the pushes concerning session sid at the
// wall-clock instant now.
func checkCreatedUTC(ps []push, sid string, now time.Time) error {
	n := 0
	for _, p := range ps {
		if !p.concerns(sid) {
			continue
		}
		n++
		c, err := pns.ParseCreated(p.Created)
		if err != nil {
			return fmt.Errorf("%s %s push signed with Created %q: %v", p.Kind, p.EventType, p.Created, err)
		}
		if d := now.Sub(c); d > receiver.DefaultSkew || d < -receiver.DefaultSkew {
			return fmt.Errorf("%s %s push signed with Created %s, %s from the wall clock's UTC %s: not the current time in UTC",
				p.Kind, p.EventType, p.Created, d.Round(time.Second), pns.FormatCreated(now))
		}
	}
	if n == 0 {
		return fmt.Errorf("no push of session %s has arrived", sid)
	}
	return nil
}
