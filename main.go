// Command terraform-provider-l2msg is the l2msg Terraform provider plugin.
package main

import (
	"context"
	"flag"
	"log"

	"github.com/hashicorp/terraform-plugin-framework/providerserver"

	"github.com/l2msg/terraform-provider-l2msg/internal/provider"
	"github.com/l2msg/terraform-provider-l2msg/internal/startup"
)

// version is set at release time by goreleaser (-X main.version=…).
var version = "dev"

func main() {
	var debug bool
	flag.BoolVar(&debug, "debug", false, "run the provider with support for debuggers like delve")
	flag.Parse()
	startup.SilenceUnreadLogs()
	startup.TuneGC()
	stopProfiling := startup.Profile()

	err := providerserver.Serve(context.Background(), provider.New(version), providerserver.ServeOpts{
		Address:         "registry.terraform.io/l2msg/l2msg",
		Debug:           debug,
		ProtocolVersion: 6,
	})
	// Serve returns when Terraform is done with the provider, or on interrupt
	// in debug mode: write the profiles before exiting.
	stopProfiling()
	if err != nil {
		log.Fatal(err.Error())
	}
}
