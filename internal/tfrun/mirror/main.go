// Command mirror builds the provider into a filesystem mirror the way the
// tests and benchmarks do (tfrun.BuildProvider), for scripts such as
// scripts/demo.sh, and prints the path of the CLI configuration that makes
// terraform install it from there:
//
//	export TF_CLI_CONFIG_FILE=$(go run ./internal/tfrun/mirror -dir "$work")
package main

import (
	"context"
	"flag"
	"fmt"
	"os"

	"github.com/l2msg/terraform-provider-l2msg/internal/tfrun"
)

func main() {
	dir := flag.String("dir", "", "folder for the mirror and the CLI configuration (required)")
	flag.Parse()
	if *dir == "" || flag.NArg() > 0 {
		fmt.Fprintln(os.Stderr, "usage: mirror -dir DIR")
		os.Exit(2)
	}
	p, err := tfrun.BuildProvider(context.Background(), *dir, tfrun.BuildOptions{})
	if err != nil {
		fmt.Fprintln(os.Stderr, "mirror:", err)
		os.Exit(1)
	}
	fmt.Println(p.CLIConfig)
}
