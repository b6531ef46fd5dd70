package main

import (
	"fmt"
	"io"
	"strconv"
	"time"
)

// progressFlag is a progress interval: a duration, or any negative number (-1, -1s) or
// "none" for no progress lines, as the help says.
type progressFlag time.Duration

func (p *progressFlag) String() string { return time.Duration(*p).String() }

// Get makes the flag a duration for flagErrorWithHint (a bare "5" is hinted as 5s).
func (p *progressFlag) Get() any { return time.Duration(*p) }

func (p *progressFlag) Set(s string) error {
	if s == "none" {
		*p = -1
		return nil
	}
	if n, err := strconv.ParseFloat(s, 64); err == nil && n < 0 {
		*p = -1
		return nil
	}
	d, err := time.ParseDuration(s)
	if err != nil {
		return err
	}
	*p = progressFlag(d)
	return nil
}

// infof prints an informative line on w (stderr): "info: " and the text, so that it does
// not read as an error, which is "harness SUBCOMMAND: " and the text.
func infof(w io.Writer, format string, args ...any) {
	fmt.Fprintf(w, "info: "+format+"\n", args...)
}

// lifetimeFlag defines --binding-lifetime, shared by load and conform: a duration every AXB and
// AXE bind carries. The value it points at is 0 when the flag is not given (the command's
// default lifetime), negative for "0" (bindings never expire) and the duration otherwise; a
// negative duration is refused.
func lifetimeFlag(fs *flagSet, usage string) *time.Duration {
	var lifetime time.Duration
	fs.Func("binding-lifetime", usage, func(v string) error {
		d, err := time.ParseDuration(v)
		switch {
		case err != nil:
			return err
		case d < 0:
			return fmt.Errorf("must not be negative")
		case d == 0:
			lifetime = -1
		default:
			lifetime = d
		}
		return nil
	})
	return &lifetime
}
