package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"regexp"
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
