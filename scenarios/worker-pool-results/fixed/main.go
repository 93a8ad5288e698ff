// Command worker-pool-results resizes a batch of images with a pool of
// workers; in the fixed variant they send their results over a channel and
// one goroutine collects them.
package main

import (
	"fmt"
	"sort"
	"sync"
	"time"
)

// Batch is one batch job and what it produced.
type Batch struct {
	images  []string
	results []string // written only by Run's own goroutine
}

// resize stands for the real work on one image, which takes a while.
func resize(image string) string {
	time.Sleep(time.Millisecond)
	return image + " (resized)"
}

// Run resizes every image of b with workers goroutines.
func (b *Batch) Run(workers int) {
	jobs := make(chan string, len(b.images))
	for _, img := range b.images {
		jobs <- img
	}
	close(jobs)
	out := make(chan string)
	var wg sync.WaitGroup
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for img := range jobs {
				out <- resize(img) // hand the result over; share nothing
			}
		}()
	}
	go func() {
		wg.Wait()
		close(out) // every worker is done: no more results
	}()
	for r := range out {
		b.results = append(b.results, r) // one goroutine owns the slice
	}
}

func main() {
	b := &Batch{}
	for i := 0; i < 12; i++ {
		b.images = append(b.images, fmt.Sprintf("img%02d.png", i))
	}
	b.Run(3)
	sort.Strings(b.results)
	fmt.Println(len(b.results), "results") // always 12
}
