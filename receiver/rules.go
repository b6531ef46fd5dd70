package receiver

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/pns-harness/pns-harness/pns"
	"gopkg.in/yaml.v3"
)

// DefaultCallinAnswer is the reply to a Block `callin` (X mode, reference §6.7) that no rule
// matches: end the call. Putting an unknown caller through to some number would be a guess;
// a rule without match fields is the user's own default.
const DefaultCallinAnswer = `{"operation":"close"}`

// Rules choose the replies to Block requests: the X-mode `callin` (reference §6.7) and the SMS
// sent to the SMS control URL (§10.3). The first rule whose match fields all equal the
// request's wins; an empty match field matches anything, and a value ending in "*" matches
// by prefix. Each rule has either Reply (checked against the contract when the rules are
// parsed) or Raw (sent verbatim, e.g. to see how a platform treats an invalid reply).
type Rules struct {
	Callin []CallinRule `json:"callin,omitempty"`
	SMS    []SMSRule    `json:"sms,omitempty"`
}

// CallinRule answers the Block `callin` of a call from Caller to the X number Called.
type CallinRule struct {
	Caller string           `json:"caller,omitempty"`
	Called string           `json:"called,omitempty"`
	Reply  *pns.CallinReply `json:"reply,omitempty"`
	Raw    string           `json:"raw,omitempty"`
	body   []byte
}

// SMSRule answers the Block SMS of Calling to the X number VirtualNumber with one action.
// A vNumberRoute reply without message.calling gets the request's calling, which the
// contract requires it to equal.
type SMSRule struct {
	Calling       string         `json:"calling,omitempty"`
	VirtualNumber string         `json:"virtualNumber,omitempty"`
	Reply         *pns.SMSAction `json:"reply,omitempty"`
	Raw           string         `json:"raw,omitempty"`
}

// ParseRules reads a rule file: YAML (or JSON, which is YAML) with the keys of Rules. Unknown
// keys, a rule with neither or both of reply and raw, and a reply the contract does not allow
// are errors naming the rule.
func ParseRules(data []byte) (*Rules, error) {
	var doc any
	if err := yaml.Unmarshal(data, &doc); err != nil {
		return nil, fmt.Errorf("rules: %w", err)
	}
	if doc == nil {
		return nil, errors.New("rules: the file is empty")
	}
	j, err := json.Marshal(doc)
	if err != nil {
		return nil, fmt.Errorf("rules: %w", err)
	}
	dec := json.NewDecoder(bytes.NewReader(j))
	dec.DisallowUnknownFields()
	var r Rules
	if err := dec.Decode(&r); err != nil {
		return nil, fmt.Errorf("rules: %w", err)
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		return nil, errors.New("rules: trailing data")
	}
	if len(r.Callin) == 0 && len(r.SMS) == 0 {
		return nil, errors.New("rules: neither callin nor sms rules")
	}
	for i := range r.Callin {
		c := &r.Callin[i]
		switch {
		case (c.Reply == nil) == (c.Raw == ""):
			return nil, fmt.Errorf("rules: callin[%d]: want either reply or raw", i)
		case c.Raw != "":
			c.body = []byte(c.Raw)
		default:
			b, _ := json.Marshal(c.Reply)
			if _, err := pns.ParseCallinReply(b); err != nil {
				return nil, fmt.Errorf("rules: callin[%d].reply: %w", i, err)
			}
			c.body = b
		}
	}
	for i := range r.SMS {
		s := &r.SMS[i]
		switch {
		case (s.Reply == nil) == (s.Raw == ""):
			return nil, fmt.Errorf("rules: sms[%d]: want either reply or raw", i)
		case s.Reply != nil:
			calling := "+8613800000000" // any sender: the real one is filled in per request
			a := *s.Reply
			if a.Message != nil {
				m := *a.Message
				if m.Calling != "" {
					calling = m.Calling
				}
				m.Calling = calling
				a.Message = &m
			}
			b, _ := json.Marshal(pns.SMSBlockReply{Actions: []pns.SMSAction{a}})
			if _, err := pns.ParseSMSBlockReply(b, calling); err != nil {
				return nil, fmt.Errorf("rules: sms[%d].reply: %w", i, err)
			}
		}
	}
	return &r, nil
}

// match reports whether a rule's field p matches v: empty matches anything, "x*" by prefix.
func match(p, v string) bool {
	if p == "" {
		return true
	}
	if pre, ok := strings.CutSuffix(p, "*"); ok {
		return strings.HasPrefix(v, pre)
	}
	return p == v
}

// CallinAnswer is the reply body to a Block `callin` from caller to the X number called: the
// first matching rule's, DefaultCallinAnswer when none matches (or r is nil).
func (r *Rules) CallinAnswer(caller, called string) []byte {
	if r != nil {
		for _, c := range r.Callin {
			if match(c.Caller, caller) && match(c.Called, called) {
				return c.body
			}
		}
	}
	return []byte(DefaultCallinAnswer)
}

// SMSAnswer is the reply body to a Block SMS from calling to the X number x; ok is false when
// no rule matches (or r is nil).
func (r *Rules) SMSAnswer(calling, x string) (body []byte, ok bool) {
	if r == nil {
		return nil, false
	}
	for _, s := range r.SMS {
		if !match(s.Calling, calling) || !match(s.VirtualNumber, x) {
			continue
		}
		if s.Raw != "" {
			return []byte(s.Raw), true
		}
		a := *s.Reply
		if a.Message != nil {
			m := *a.Message
			if m.Calling == "" {
				m.Calling = calling
			}
			a.Message = &m
		}
		b, _ := json.Marshal(pns.SMSBlockReply{Actions: []pns.SMSAction{a}})
		return b, true
	}
	return nil, false
}
