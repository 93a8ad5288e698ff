package main

import (
	"context"
	"sync"
)

// Group is a trimmed copy of golang.org/x/sync/errgroup.Group: goroutines
// working on one task, the first error of which cancels the group's
// context. Wait waits for all of them, so none outlives the task.
type Group struct {
	cancel context.CancelFunc
	wg     sync.WaitGroup
	once   sync.Once
	err    error // the first error; written once, read after wg.Wait
}

// WithContext returns a Group and a context that ends when the first
// goroutine of the group fails or when Wait returns.
func WithContext(ctx context.Context) (*Group, context.Context) {
	ctx, cancel := context.WithCancel(ctx)
	return &Group{cancel: cancel}, ctx
}

// Go runs f in a goroutine of the group.
func (g *Group) Go(f func() error) {
	g.wg.Add(1)
	go func() {
		defer g.wg.Done()
		if err := f(); err != nil {
			g.once.Do(func() {
				g.err = err
				g.cancel()
			})
		}
	}()
}

// Wait waits for every goroutine of the group and returns the first error.
func (g *Group) Wait() error {
	g.wg.Wait()
	g.cancel()
	return g.err
}
