// Command terraform-provider-l2msg is the l2msg Terraform provider plugin.
package main

import (
	"context"
	"flag"
	"log"

	"github.com/hashicorp/terraform-plugin-framework/providerserver"

	"github.com/l2msg/terraform-provider-l2msg/internal/provider"
)

// version is set at release time by goreleaser (-X main.version=…).
var version = "dev"

// stopProfiling is replaced in builds with the pprof tag (main_pprof.go);
// it runs once Serve returns, which a debug-mode provider does on interrupt.
var stopProfiling = func() {}

func main() {
	var debug bool
	flag.BoolVar(&debug, "debug", false, "run the provider with support for debuggers like delve")
	flag.Parse()
	silenceUnreadLogs()
	tuneGC()

	err := providerserver.Serve(context.Background(), provider.New(version), providerserver.ServeOpts{
		Address:         "registry.terraform.io/l2msg/l2msg",
		Debug:           debug,
		ProtocolVersion: 6,
	})
	stopProfiling()
	if err != nil {
		log.Fatal(err.Error())
	}
}
