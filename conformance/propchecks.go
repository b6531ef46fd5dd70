package conformance

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strings"

	"pgregory.net/rapid"

	"github.com/pns-harness/pns-harness/pns"
)

// One field's check: the generator of its values, the property rapid draws and shrinks, and
// what a check keeps while it runs. Split from properties.go (issue 23) so that the fields,
// the requests, the checks and rapid's harness each have a file.

// genNumber generates a value of field f: a well-formed number (from the profile's blocks, its
// X numbers, a fixed line or another country) with at most one edit (a character deleted,
// inserted or replaced, or the prefix changed). Every choice shrinks towards the first option,
// so a failure is reduced to the fewest edits at the first position of the first block.
func (r *propRun) genNumber(f propField) *rapid.Generator[string] {
	m := f.iface.Mode
	return rapid.Custom(func(t *rapid.T) string {
		var base string
		if f.extension() {
			base = rapid.StringOfN(rapid.RuneFrom([]rune("0123456789")), f.digits, f.digits, -1).Draw(t, "digits")
		} else if f.xField() {
			xs := r.xs[m]
			base = xs[rapid.IntRange(0, len(xs)-1).Draw(t, "x")]
		} else {
			switch rapid.IntRange(0, 3).Draw(t, "kind") {
			case 0, 1:
				base = r.blocks[rapid.IntRange(0, len(r.blocks)-1).Draw(t, "block")]
				base += rapid.StringOfN(rapid.RuneFrom([]rune("0123456789")), 14-len(base), 14-len(base), -1).Draw(t, "digits")
			case 2: // a fixed line: area code without its 0, 7 or 8 local digits
				area := rapid.SampledFrom([]string{"10", "21", "755", "571"}).Draw(t, "area")
				base = "+86" + area + rapid.StringOfN(rapid.RuneFrom([]rune("0123456789")), 7, 8, -1).Draw(t, "local")
			default: // another country
				base = "+" + rapid.SampledFrom([]string{"44", "1", "852", "33"}).Draw(t, "country") +
					rapid.StringOfN(rapid.RuneFrom([]rune("0123456789")), 4, 13, -1).Draw(t, "national")
			}
		}
		edit := rapid.IntRange(0, 4).Draw(t, "edit")
		if edit == 0 {
			return base
		}
		rs := []rune(base)
		i := rapid.IntRange(0, len(rs)-1).Draw(t, "at")
		c := rapid.SampledFrom([]rune("0-+ a.()９")).Draw(t, "char")
		switch edit {
		case 1:
			rs = append(rs[:i:i], rs[i+1:]...)
		case 2:
			rs = append(rs[:i:i], append([]rune{c}, rs[i:]...)...)
		case 3:
			rs[i] = c
		default:
			p := rapid.SampledFrom([]string{"", "86", "0086", "+860", "+86+86", "+0"}).Draw(t, "prefix")
			return p + strings.TrimPrefix(strings.TrimPrefix(base, "+86"), "+")
		}
		return string(rs)
	})
}

// maxRedraws bounds the draws of a field that only judges malformed values (a query's or an
// identifying field's) for one check.
const maxRedraws = 32

// check runs the property of one field.
func (r *propRun) check(ctx context.Context, f propField, c *pns.Client) (PropertyResult, error) {
	fc := r.newFieldCheck(f.iface, f.name, PropertyNumber, f.rule(), f.notChecked)
	gen := r.genNumber(f)
	prop := func(t *rapid.T) {
		v := gen.Draw(t, f.name)
		names := f.iface.Query || f.identifies()
		// A well-formed number in a query, an unbind or an identifying field names a binding:
		// not judged here. Such a field draws again (a bounded number of times) rather than
		// give up the check, so that whether it sends anything does not depend on the seed:
		// most draws are well-formed, and eight of them in a row left a field unchecked.
		for i := 0; names && i < maxRedraws && f.inRule(v); i++ {
			v = gen.Draw(t, f.name)
		}
		if fc.spent() {
			return // unreachable (reported once, below), or the shrinking budget is spent
		}
		inside := f.inRule(v)
		if names && inside {
			return
		}
		ref := f.iface.Method == http.MethodPut || f.iface.Query
		if ref && r.used[usedKey(f.iface.Mode, v)] {
			return // A equal to B, or the callee equal to A, is its own rule with its own scenario
		}
		if ref {
			if err := r.setup(ctx, f.iface.Mode, c); err != nil {
				fc.sendErr = err
				return
			}
		}
		params, body := r.request(f, v)
		resp, ok := fc.send(ctx, c, params, body)
		if !ok {
			return
		}
		accepted := resp.OK()
		switch {
		case accepted && f.iface.Method == http.MethodPost:
			r.unbind(ctx, f.iface.Mode, c, subscriptionOf(resp))
		case accepted && f.iface.Method == http.MethodDelete:
			delete(r.subs, f.iface.Mode) // the reference binding is gone: the next request makes another
			delete(r.busy, r.ids[f.iface.Mode]["x"])
		case accepted && f.iface.Method == http.MethodPut:
			r.used[usedKey(f.iface.Mode, v)] = true // the binding may now have v as its A or B
		}
		named := pns.InvalidRequest(f.name)
		var want string
		decision := f.decisionFor(v, inside)
		switch {
		case !inside && accepted:
			want = "refused: the value breaks " + f.rule()
		case !inside && (resp.Code() != named.Code || resp.Envelope.ResultDesc != named.Desc):
			want, decision = fmt.Sprintf("refused with %s %q", named.Code, named.Desc), f.codeDecision()
		case inside && f.extension() && resp.Code() == pns.CodeNoIdleExtension:
			return // a well-formed extension someone holds on that X: documented (§5.1)
		case inside && f.judgedInside() && !accepted:
			want = "accepted: the value keeps " + f.rule()
		case inside && resp.Code() == named.Code && resp.Envelope.ResultDesc == named.Desc:
			want, decision = "not refused as malformed: the value keeps "+f.rule(), f.codeDecision()
		default:
			return
		}
		fc.judge(t, v, want, decision, resp)
	}
	return fc.run(prop)
}

// fieldCheck is what one field's property run keeps while rapid draws and shrinks, shared by
// the number and the enum checks: the result, the failure being shrunk, the first error that
// made the platform unreachable, and the requests judged and spent on shrinking.
type fieldCheck struct {
	r               *propRun
	iface           pns.Interface
	field           string
	res             PropertyResult
	last            *PropertyFailure
	sendErr         error
	checks, shrinks int
}

// newFieldCheck starts the run of one field; notChecked names what the verdict leaves out on a
// target that is not the emulator.
func (r *propRun) newFieldCheck(iface pns.Interface, field, kind, rule string, notChecked func() []string) *fieldCheck {
	fc := &fieldCheck{r: r, iface: iface, field: field, res: PropertyResult{Interface: iface.ID, Field: field, Kind: kind, Rule: rule}}
	if !r.o.Profile.Emulator {
		fc.res.NotChecked = notChecked()
	}
	return fc
}

// spent says that no more requests are sent: the platform is unreachable (reported once, by
// run), or the shrinking budget is spent.
func (fc *fieldCheck) spent() bool {
	return fc.sendErr != nil || (fc.last != nil && fc.shrinks >= shrinkRequests)
}

// send sends one generated request and counts it; ok is false when there is nothing to judge:
// the platform is unreachable or locks the client out (kept in sendErr), or flow control
// answered (D11: counted as unjudged, never as a refusal).
func (fc *fieldCheck) send(ctx context.Context, c *pns.Client, params url.Values, body any) (resp *pns.Response, ok bool) {
	resp, err := fc.r.send(ctx, c, fc.iface, params, body)
	if err == nil && resp.Code() == pns.CodeLockedOut {
		err = errLockedOut
	}
	if err != nil {
		fc.sendErr = err
		return nil, false
	}
	if throttled(resp) {
		fc.res.Unjudged++
		return nil, false
	}
	if fc.last != nil {
		fc.shrinks++
	} else {
		fc.checks++
	}
	return resp, true
}

// judge records an answer that breaks want: on a target that is not the emulator, one resting
// on a decision is listed as a difference; otherwise it is the failure rapid shrinks.
func (fc *fieldCheck) judge(t *rapid.T, value, want, decision string, resp *pns.Response) {
	fail := PropertyFailure{Value: value, Want: want, Decision: decision, Request: resp.Request, Answer: propAnswer(resp),
		Reproduce: fc.reproduce(resp)}
	if decision != "" && !fc.r.o.Profile.Emulator {
		if len(fc.res.Differs) < maxDiffers {
			fc.res.Differs = append(fc.res.Differs, fail)
		}
		return
	}
	fc.last = &fail
	t.Fatalf("%s: %s; answer %s", value, want, fail.Answer)
}

// run runs the property with the field's own seed and returns its result: the smallest failing
// request rapid found, or an error when the platform could not be reached.
func (fc *fieldCheck) run(prop func(*rapid.T)) (PropertyResult, error) {
	if msg := runRapid(fc.r.o.Checks, fieldSeed(fc.r.o.Seed, fc.iface.ID, fc.field), fc.iface.ID+"/"+fc.field, prop); msg != "" && fc.last == nil {
		return fc.res, fmt.Errorf("properties: %s %s: %s", fc.iface.ID, fc.field, msg)
	}
	if fc.sendErr != nil {
		return fc.res, fmt.Errorf("properties: %s %s: %w", fc.iface.ID, fc.field, fc.sendErr)
	}
	fc.res.Checks, fc.res.Failure = fc.checks, fc.last
	return fc.res, nil
}
