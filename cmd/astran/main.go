// Command astran logs in to Astran, checks and tests IAM policies, and runs
// the local emulator. Run "astran --help" for the commands.
package main

import "os"

func main() {
	os.Exit(run(os.Args[1:], os.Stdin, os.Stdout, os.Stderr))
}
