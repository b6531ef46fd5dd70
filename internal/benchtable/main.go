// Command benchtable reads the output of `go test -bench` runs (make bench's log) on stdin and
// prints one table of the side-by-side figures: each ratio with the baseline it was measured
// against in the same run, the aim of issue 25, and whether the aim was met. A figure whose
// benchmark did not run or did not report it is printed as "not measured", never as met.
//
// Usage: benchtable < bench.log (exit 2 when the input cannot be read).
package main

import (
	"fmt"
	"io"
	"os"
)

func main() { os.Exit(run(os.Stdin, os.Stdout, os.Stderr)) }

// run is the command: the table of in on out, exit status 0, or 2 after a one-line error.
func run(in io.Reader, out, errOut io.Writer) int {
	res, err := parse(in)
	if err != nil {
		fmt.Fprintln(errOut, "benchtable: reading the benchmark log:", err)
		return 2
	}
	fmt.Fprint(out, render(res))
	return 0
}
