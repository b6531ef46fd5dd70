// Command schemagen writes package schemas' generated validators (run by `go generate
// ./schemas`): schemagen -in json -out compiled_gen.go for the validators of decoded values,
// schemagen -tape -in json -out compiled_tape_gen.go for those of package schemas' Tape.
package main

import (
	"flag"
	"fmt"
	"os"

	"github.com/pns-harness/pns-harness/schemas/internal/schemagen"
)

func main() {
	in := flag.String("in", "json", "directory of the *.json schemas")
	out := flag.String("out", "compiled_gen.go", "Go file to write")
	tape := flag.Bool("tape", false, "generate the tape validators")
	flag.Parse()
	generate := schemagen.Generate
	if *tape {
		generate = schemagen.GenerateTape
	}
	src, err := generate(os.DirFS(*in))
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	if err := os.WriteFile(*out, src, 0o644); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
}
