// Command worker-pool-results resizes a batch of images with a pool of
// workers that collect their results in a shared slice.
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
	results []string // appended to by every worker, unguarded: the bug
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
	var wg sync.WaitGroup
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for img := range jobs {
				// append reads the slice header, may copy the array, and
				// writes the header back: two workers lose each other's
				// results or corrupt the array.
				b.results = append(b.results, resize(img))
			}
		}()
	}
	wg.Wait()
}

func main() {
	b := &Batch{}
	for i := 0; i < 12; i++ {
		b.images = append(b.images, fmt.Sprintf("img%02d.png", i))
	}
	b.Run(3)
	sort.Strings(b.results)
	fmt.Println(len(b.results), "results") // sometimes fewer than 12
}
