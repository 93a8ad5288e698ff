// Command lazy-init-race loads its configuration on first use, from
// whichever request goroutine needs it first.
package main

import (
	"fmt"
	"sync"
)

// Config is the service configuration.
type Config struct {
	Endpoint string
	Retries  int
}

// config is loaded on first use. The check and the set in getConfig are
// not atomic together: the bug.
var config *Config

// loadConfig reads the configuration, such as from a file.
func loadConfig() *Config { return &Config{Endpoint: "https://api.example.com", Retries: 3} }

// getConfig returns the configuration, loading it the first time.
func getConfig() *Config {
	if config == nil { // check...
		config = loadConfig() // ...then act: another goroutine may be between the two
	}
	return config
}

func main() {
	var wg sync.WaitGroup
	for r := 0; r < 4; r++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			c := getConfig()
			fmt.Printf("request %d: %s, %d retries\n", r, c.Endpoint, c.Retries)
		}()
	}
	wg.Wait()
}
