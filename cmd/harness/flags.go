package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"regexp"
	"runtime/debug"
	"strconv"
	"strings"
	"time"

	suggestpkg "github.com/pns-harness/pns-harness/internal/suggest"
)

// flagSet is the flag set of one subcommand. It embeds the standard library's FlagSet, so
// flags are declared as usual (fs.String, fs.Duration, fs.Var...), and adds what every
// subcommand shares: --help to stdout with the exit-code table, flag errors as one line with
// a hint, flags accepted after positional arguments.
type flagSet struct {
	*flag.FlagSet
	stdout, stderr io.Writer
	synopsis       string // e.g. "harness load --target URL --duration D [flags]"
	about          string // a paragraph: what the command does
}

// newFlagSet returns the flag set of subcommand name. Help goes to stdout, errors to stderr.
// Describe the command with describe; any Usage function set on the set is not used.
func newFlagSet(name string, stdout, stderr io.Writer) *flagSet {
	fs := &flagSet{FlagSet: flag.NewFlagSet(name, flag.ContinueOnError), stdout: stdout, stderr: stderr}
	fs.SetOutput(io.Discard) // the flag package's own messages are replaced by parseFlags'
	fs.synopsis = "harness " + name + " [flags]"
	return fs
}

// describe sets the synopsis line and the description paragraph of the command's --help.
func (fs *flagSet) describe(synopsis, about string) {
	fs.synopsis, fs.about = synopsis, strings.TrimSpace(about)
}

// writeHelp prints the full help of the command: synopsis, description, flags, exit codes.
func (fs *flagSet) writeHelp(w io.Writer) {
	fmt.Fprintf(w, "usage: %s\n\n", fs.synopsis)
	if fs.about != "" {
		fmt.Fprintf(w, "%s\n\n", fs.about)
	}
	fmt.Fprintf(w, "flags:\n")
	fs.SetOutput(w)
	fs.PrintDefaults()
	fs.SetOutput(io.Discard)
	fmt.Fprintln(w)
	writeExitCodes(w)
}

// usageError prints a one-line usage error with the pointer to --help and returns exitUsage.
func (fs *flagSet) usageError(format string, a ...any) int {
	fmt.Fprintf(fs.stderr, "harness %s: %s\nRun 'harness %s --help' for usage.\n", fs.Name(), fmt.Sprintf(format, a...), fs.Name())
	return exitUsage
}

// parseFlags parses a subcommand's arguments into fs. Flags may follow positional arguments
// ("--" ends the flags). When ok is false the subcommand returns code at once: exitOK after
// --help (printed to stdout), exitUsage after a bad flag or, unless positional, a positional
// argument; the error is one line on stderr with a hint where one helps.
func parseFlags(fs *flagSet, args []string, positional bool) (code int, ok bool) {
	fs.Usage = func() {}
	var rest []string
	for {
		err := fs.Parse(args)
		if errors.Is(err, flag.ErrHelp) {
			fs.writeHelp(fs.stdout)
			return exitOK, false
		}
		if err != nil {
			return fs.usageError("%s", flagErrorWithHint(fs.FlagSet, err)), false
		}
		left := fs.Args()
		if len(left) == 0 {
			break
		}
		if consumed := len(args) - len(left); consumed > 0 && args[consumed-1] == "--" {
			rest = append(rest, left...)
			break
		}
		rest = append(rest, left[0])
		args = left[1:]
	}
	if !positional && len(rest) > 0 {
		return fs.usageError("unexpected argument %q (this command takes only flags)", rest[0]), false
	}
	// Leave the positional arguments in fs.Args(): "--" stops the parser without a flag.
	_ = fs.Parse(append([]string{"--"}, rest...))
	return 0, true
}

var (
	reUndefinedFlag = regexp.MustCompile(`^flag provided but not defined: -+(.+)$`)
	reInvalidValue  = regexp.MustCompile(`^invalid (?:boolean )?value "(.*)" for flag -+([^:]+): (.*)$`)
	reBareNumber    = regexp.MustCompile(`^[0-9]+(\.[0-9]+)?$`)
)

// flagErrorWithHint rewrites the flag package's error in the CLI's words (--name, not -name)
// and adds a hint: the closest flag name for an unknown flag, a unit for a duration given as
// a bare number.
func flagErrorWithHint(fs *flag.FlagSet, err error) string {
	msg := err.Error()
	if m := reUndefinedFlag.FindStringSubmatch(msg); m != nil {
		var names []string
		fs.VisitAll(func(f *flag.Flag) { names = append(names, f.Name) })
		return fmt.Sprintf("unknown flag --%s%s", m[1], suggestFlag(m[1], names))
	}
	if m := reInvalidValue.FindStringSubmatch(msg); m != nil {
		value, name, why := m[1], m[2], m[3]
		f := fs.Lookup(name)
		hint := ""
		if g, ok := f.Value.(flag.Getter); ok {
			if _, isDuration := g.Get().(time.Duration); isDuration {
				why = "want a duration such as 500ms, 5s or 2m"
				if reBareNumber.MatchString(value) {
					hint = fmt.Sprintf("; did you mean %ss?", value)
				}
			}
		}
		if why == "parse error" {
			why = "not a valid value"
		}
		return fmt.Sprintf("--%s %q: %s%s", name, value, why, hint)
	}
	if name, ok := strings.CutPrefix(msg, "flag needs an argument: -"); ok {
		return fmt.Sprintf("--%s needs a value", strings.TrimLeft(name, "-"))
	}
	return msg
}

// suggestFlag returns "; did you mean --x?" for the flag name closest to name, or "".
func suggestFlag(name string, names []string) string {
	if s := closest(name, names); s != "" {
		return "; did you mean --" + s + "?"
	}
	return ""
}

// suggest returns "; did you mean x?" for the word of names closest to name, or "".
func suggest(name string, names []string) string {
	if s := closest(name, names); s != "" {
		return "; did you mean " + s + "?"
	}
	return ""
}

// closest is suggestpkg.Closest: the known name a mistyped one most likely meant, or "".
func closest(name string, candidates []string) string { return suggestpkg.Closest(name, candidates) }

// buildVersion is the harness version: the -ldflags value when set, else the main module's
// version and VCS revision as recorded by the Go toolchain ("(devel)" builds show the
// revision, with "+dirty" for uncommitted changes).
func buildVersion() string {
	if version != "" {
		return version
	}
	bi, ok := debug.ReadBuildInfo()
	if !ok {
		return "unknown"
	}
	return versionFromBuildInfo(bi)
}

// versionFromBuildInfo renders the version of bi; split out so that tests can feed it.
func versionFromBuildInfo(bi *debug.BuildInfo) string {
	v := bi.Main.Version
	if v == "" {
		v = "(devel)"
	}
	var rev, modified string
	for _, s := range bi.Settings {
		switch s.Key {
		case "vcs.revision":
			rev = s.Value
		case "vcs.modified":
			modified = s.Value
		}
	}
	if rev != "" && !strings.Contains(v, rev[:min(12, len(rev))]) {
		if len(rev) > 12 {
			rev = rev[:12]
		}
		v += " " + rev
		if modified == "true" {
			v += "+dirty"
		}
	}
	return v
}

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
