package conformance

import (
	"context"
	"encoding/json"
	"fmt"
	"sync"

	"github.com/cucumber/godog"
	"github.com/pns-harness/pns-harness/pns"
	"github.com/pns-harness/pns-harness/receiver"
)

// BlockReplies are the answers a receiver gives Block requests (the X-mode callin, §6.7; the
// SMS at the SMS control URL, §10.3) on behalf of the suite: each scenario sets the reply for
// the X it holds, so that concurrent scenarios each get their own. A Block request about an X
// nobody set gets the receiver's own defaults. The runner's own receivers use one; a caller
// that runs its own receiver (Options.Pushes) passes one as Options.Replies and sets
// receiver.Options.BlockReply to its Reply method. The zero value is ready to use.
type BlockReplies struct {
	mu     sync.Mutex
	callin map[string][]byte
	sms    map[string][]byte
}

// set installs the reply to Block requests about x; the returned function removes it.
func (b *BlockReplies) set(sms bool, x string, reply []byte) func() {
	b.mu.Lock()
	defer b.mu.Unlock()
	m := &b.callin
	if sms {
		m = &b.sms
	}
	if *m == nil {
		*m = map[string][]byte{}
	}
	(*m)[x] = reply
	return func() {
		b.mu.Lock()
		defer b.mu.Unlock()
		delete(*m, x)
	}
}

// Reply is a receiver.Options.BlockReply: the reply set for the X the request is about.
func (b *BlockReplies) Reply(a receiver.Arrival) ([]byte, bool) {
	var env struct {
		StatusInfo *struct {
			Called string `json:"called"`
		} `json:"statusInfo"`
		SMSEvent *struct {
			VirtualNumber string `json:"virtualNumber"`
		} `json:"smsEvent"`
	}
	if json.Unmarshal(a.Body, &env) != nil {
		return nil, false
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	switch {
	case a.Kind == pns.NotifySMSBlock && env.SMSEvent != nil:
		r, ok := b.sms[env.SMSEvent.VirtualNumber]
		return r, ok
	case a.Kind == pns.NotifyEvent && env.StatusInfo != nil:
		r, ok := b.callin[env.StatusInfo.Called]
		return r, ok
	}
	return nil, false
}

// registerBlockReplySteps adds the steps that set the customer's answer to Block requests.
func (w *world) registerBlockReplySteps(sc stepRegistry) {
	sc.Step(`^the customer's server answers the callin of "([^"]*)" with:$`, func(ctx context.Context, x string, doc *godog.DocString) error {
		return w.answerBlock(false, x, doc)
	})
	sc.Step(`^the customer's server answers the Block SMS to "([^"]*)" with:$`, func(ctx context.Context, x string, doc *godog.DocString) error {
		return w.answerBlock(true, x, doc)
	})
}

// answerBlock sets the reply of the runner's own receiver to Block requests about x. With
// another push source the replies are that receiver's (harness receive --rules), which the
// scenario cannot set: it skips.
func (w *world) answerBlock(sms bool, x string, doc *godog.DocString) error {
	if err := w.needPushes(); err != nil {
		return err
	}
	if w.rs.replies == nil {
		return fmt.Errorf("%w: the Block replies come from the receiver of the target's pushes (harness receive --rules), not from the runner", godog.ErrSkip)
	}
	num, err := w.fill(x)
	if err != nil {
		return err
	}
	text, err := w.fillJSON(doc.Content)
	if err != nil {
		return err
	}
	w.undo = append(w.undo, w.rs.replies.set(sms, num, []byte(text)))
	return nil
}
