// Command pause is the sandbox ("pause") container of the e2e cluster's pods: it holds the
// pod's namespaces and does nothing until it is stopped. It is built here so that the cluster
// needs no registry: `make k8s-e2e` packs it into a local OCI image.
package main

import (
	"os"
	"os/signal"
	"syscall"
)

func main() {
	stop := make(chan os.Signal, 1)
	signal.Notify(stop, syscall.SIGINT, syscall.SIGTERM)
	<-stop
}
