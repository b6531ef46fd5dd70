// This file is split from store.go (issue 23): the helpers the modes share to copy, default
// and modify the fields of a binding.

package store

import (
	"time"

	"github.com/pns-harness/pns-harness/pns"
)

// byCreation orders bindings by creation time, then subscriptionId (D41).
func byCreation(ti, tj time.Time, idi, idj string) bool {
	if !ti.Equal(tj) {
		return ti.Before(tj)
	}
	return idi < idj
}

func clonePreVoice(p *pns.PreVoice) *pns.PreVoice {
	if p == nil {
		return nil
	}
	c := *p
	return &c
}

func cloneInt(p *int) *int {
	if p == nil {
		return nil
	}
	v := *p
	return &v
}

// mergePreVoice applies the non-empty sub-fields of upd to cur.
func mergePreVoice(cur, upd *pns.PreVoice) *pns.PreVoice {
	if upd == nil {
		return cur
	}
	out := pns.PreVoice{}
	if cur != nil {
		out = *cur
	}
	if upd.CallerHintTone != "" {
		out.CallerHintTone = upd.CallerHintTone
	}
	if upd.CalleeHintTone != "" {
		out.CalleeHintTone = upd.CalleeHintTone
	}
	if out == (pns.PreVoice{}) {
		return nil
	}
	return &out
}

// normPreVoice drops an empty preVoice object.
func normPreVoice(p *pns.PreVoice) *pns.PreVoice {
	if p == nil || *p == (pns.PreVoice{}) {
		return nil
	}
	return clonePreVoice(p)
}

func boolOr(p *bool, def bool) bool {
	if p == nil {
		return def
	}
	return *p
}

// Modify helpers: PNS modify requests leave absent fields unchanged (§3.4, §4.4, §5.4). Each
// helper applies one present field and records that the binding changed, so that
// subscribeTime moves only when something was sent.

// setVal applies an optional value sent as a pointer.
func setVal[T any](dst *T, v *T, changed *bool) {
	if v != nil {
		*dst = *v
		*changed = true
	}
}

// setStr applies an optional string; empty means absent (D22).
func setStr(dst *string, v string, changed *bool) {
	if v != "" {
		*dst = v
		*changed = true
	}
}

// setRecording applies recordFlag, then recordHintTone: switching recording off forgets the
// tone, which is only kept while recording is on (D25).
func setRecording(flag *bool, tone *string, inFlag *bool, inTone string, changed *bool) {
	if inFlag != nil {
		*flag = *inFlag
		if !*flag {
			*tone = ""
		}
		*changed = true
	}
	setStr(tone, inTone, changed)
}
