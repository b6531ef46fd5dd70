// Command schemagen writes package schemas' generated validators (run by `go generate
// ./schemas`): schemagen -in json -out compiled_gen.go.
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
	flag.Parse()
	src, err := schemagen.Generate(os.DirFS(*in))
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	if err := os.WriteFile(*out, src, 0o644); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
}
