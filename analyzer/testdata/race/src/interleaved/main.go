// Interleaved races while its goroutines print, so that race reports and
// the program's own output mix on standard error.
package main

import (
	"fmt"
	"os"
	"sync"
)

var hits int

func main() {
	var wg sync.WaitGroup
	for i := 0; i < 4; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for j := 0; j < 3; j++ {
				fmt.Fprintf(os.Stderr, "  worker %d step %d()\n", i, j)
				hits++
			}
		}()
	}
	wg.Wait()
	fmt.Println("hits:", hits)
}
