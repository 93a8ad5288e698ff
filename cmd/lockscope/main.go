// Command lockscope finds deadlocks, lock-order violations and races in Go
// programs and tests. See `lockscope help`.
package main

import (
	"os"

	"github.com/lockscope/lockscope/cmd"
)

func main() { os.Exit(cmd.Main(cmd.System())) }
