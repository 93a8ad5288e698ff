// Command lazy-init-race loads its configuration on first use, from
// whichever request goroutine needs it first; the fixed variant loads it
// exactly once with sync.Once.
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

var (
	configOnce sync.Once
	config     *Config // set once, by configOnce
)

// loadConfig reads the configuration, such as from a file.
func loadConfig() *Config { return &Config{Endpoint: "https://api.example.com", Retries: 3} }

// getConfig returns the configuration, loading it the first time. Do runs
// the function once; every other caller waits for it to finish, and sees
// what it wrote.
func getConfig() *Config {
	configOnce.Do(func() { config = loadConfig() })
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
