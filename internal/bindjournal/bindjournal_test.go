package bindjournal

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestWriteRead: what a Writer appends, Read folds into what may be left: bound and never
// removed (with the ID and the X the answer named), sent without an answer, and neither the
// refused nor the removed ones; the last run record names the target.
func TestWriteRead(t *testing.T) {
	dir := t.TempDir()
	w, err := Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	w.Write(Record{Op: OpRun, Target: "https://127.0.0.1:1", Ephemeral: true})
	w.Write(Record{Op: OpRun, Target: "https://127.0.0.1:2"})
	for id := uint64(1); id <= 4; id++ {
		w.Write(Record{Op: OpBind, ID: id, Mode: "AXB", App: "k", A: "+1", B: "+2"})
	}
	w.Write(Record{Op: OpBound, ID: 1, Sub: "s1", X: "+3"})
	w.Write(Record{Op: OpBound, ID: 2, Sub: "s2"})
	w.Write(Record{Op: OpGone, ID: 2})
	w.Write(Record{Op: OpRefused, ID: 3})
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	if err := w.Close(); err != nil { // idempotent
		t.Fatal(err)
	}
	var nilW *Writer
	nilW.Write(Record{Op: OpBind}) // records nothing, never panics
	st, err := Read(dir)
	if err != nil {
		t.Fatal(err)
	}
	if st.Target != "https://127.0.0.1:2" || st.Ephemeral || st.Binds != 4 || st.Live != 1 || st.Maybe != 1 {
		t.Fatalf("state %+v", st)
	}
	if b := st.LiveBinds[0]; b.ID != 1 || b.Sub != "s1" || b.X != "+3" || b.A != "+1" {
		t.Errorf("live %+v", b)
	}
	if b := st.MaybeBinds[0]; b.ID != 4 {
		t.Errorf("maybe %+v", b)
	}
}

// TestReadDamaged: a last line cut by a crash is ignored; a broken line before the last means
// the journal is damaged; no journal is fs.ErrNotExist.
func TestReadDamaged(t *testing.T) {
	if _, err := Read(t.TempDir()); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("no journal: %v", err)
	}
	write := func(text string) string {
		dir := t.TempDir()
		if err := os.WriteFile(filepath.Join(dir, File), []byte(text), 0o600); err != nil {
			t.Fatal(err)
		}
		return dir
	}
	st, err := Read(write(`{"op":"run","target":"t","ephemeral":true}` + "\n" + `{"op":"bind","id":1}` + "\n" + `{"op":"bind","id":2,"a":"+8`))
	if err != nil || st.Maybe != 1 || !st.Ephemeral {
		t.Errorf("cut last line: %+v %v", st, err)
	}
	if _, err := Read(write(`{"op":"bind","id":1}` + "\n" + `{"op":` + "\n" + `{"op":"bind","id":2}` + "\n")); err == nil || !strings.Contains(err.Error(), "line 2") {
		t.Errorf("broken middle line: %v", err)
	}
}
