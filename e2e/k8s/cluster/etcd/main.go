// Command etcd is the etcd server the e2e cluster runs: the upstream etcdmain built in the same
// module as the Kubernetes components, because Debian's etcd 3.4 lacks features the 1.34 API
// server asks for.
package main

import (
	"os"

	"go.etcd.io/etcd/server/v3/etcdmain"
)

func main() { etcdmain.Main(os.Args) }
