//go:build tools

package tools

import (
	_ "github.com/HdrHistogram/hdrhistogram-go"
	_ "github.com/cucumber/godog"
	_ "github.com/google/uuid"
	_ "github.com/prometheus/client_golang/prometheus"
	_ "github.com/santhosh-tekuri/jsonschema/v6"
	_ "github.com/tsenart/vegeta/v12/lib"
	_ "golang.org/x/text/message"
	_ "gopkg.in/yaml.v3"
)
