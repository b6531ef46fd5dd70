package main

import (
	"fmt"
	"strings"

	"github.com/pns-harness/pns-harness/pns"
)

func main() {
	var s []string
	for _, c := range pns.HangupCauses() {
		s = append(s, fmt.Sprint(c.Code))
	}
	fmt.Print(strings.Join(s, ", "))
}
