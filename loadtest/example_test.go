package loadtest_test

import (
	"fmt"

	"github.com/pns-harness/pns-harness/loadtest"
)

func ExampleParseRamp() {
	p, err := loadtest.ParseRamp("10s@100,30s@500,10s@0")
	if err != nil {
		panic(err)
	}
	fmt.Println(p.Total(), p.MaxRate(), p.Hits(p.Total()))
	at, _ := p.Intended(1900) // 1000 requests in the first stage, then 900 at 500/s
	fmt.Println(at)
	// Output:
	// 50s 500 16000
	// 11.8s
}

func ExampleParseThreshold() {
	for _, expr := range []string{"bind.corrected.p99<100ms", "bind.success>=99.9%", "callback.fee.p95<2s", "bind.p99<50"} {
		t, err := loadtest.ParseThreshold(expr)
		if err != nil {
			fmt.Println(err)
			continue
		}
		fmt.Printf("scope=%s stat=%s corrected=%v %s %g (%s)\n", t.Scope, t.Stat, t.Corrected, t.Op, t.Value, t.Kind)
	}
	// Output:
	// scope=bind stat=p99 corrected=true < 100 (latency)
	// scope=bind stat=success corrected=false >= 99.9 (percent)
	// scope=callback.fee stat=p95 corrected=false < 2000 (latency)
	// threshold "bind.p99<50": bind.p99 needs a duration such as 50ms, got "50"
}
