// Command dining-philosophers seats five philosophers at a round table with
// one fork between each pair of neighbours. A philosopher eats with the two
// forks beside them, so neighbours take turns.
package main

import (
	"fmt"
	"sync"
)

// Table holds the five forks. Fork i lies to the left of philosopher i and
// to the right of philosopher i-1; the philosophers sit in the order
// Socrates, Plato, Aristotle, Descartes, Kant.
type Table struct {
	fork0 sync.Mutex
	fork1 sync.Mutex
	fork2 sync.Mutex
	fork3 sync.Mutex
	fork4 sync.Mutex

	uses [5]int // uses[i] counts meals eaten with fork i; guarded by fork i
}

// eat records a meal eaten with forks left and right, which must be held.
func (t *Table) eat(left, right int) {
	t.uses[left]++
	t.uses[right]++
}

// Every philosopher picks up the fork on their left, then the one on their
// right.
//
// BUG: together these orders form a cycle, fork0 -> fork1 -> fork2 -> fork3
// -> fork4 -> fork0. If all five pick up their left fork at the same moment,
// each waits forever for the right fork, which their neighbour holds.

func (t *Table) socrates() {
	t.fork0.Lock() // left
	t.fork1.Lock() // right
	t.eat(0, 1)
	t.fork1.Unlock()
	t.fork0.Unlock()
}

func (t *Table) plato() {
	t.fork1.Lock() // left
	t.fork2.Lock() // right
	t.eat(1, 2)
	t.fork2.Unlock()
	t.fork1.Unlock()
}

func (t *Table) aristotle() {
	t.fork2.Lock() // left
	t.fork3.Lock() // right
	t.eat(2, 3)
	t.fork3.Unlock()
	t.fork2.Unlock()
}

func (t *Table) descartes() {
	t.fork3.Lock() // left
	t.fork4.Lock() // right
	t.eat(3, 4)
	t.fork4.Unlock()
	t.fork3.Unlock()
}

// kant closes the circle: his left fork is fork4, his right fork0.
func (t *Table) kant() {
	t.fork4.Lock() // left
	t.fork0.Lock() // right
	t.eat(4, 0)
	t.fork0.Unlock()
	t.fork4.Unlock()
}

func main() {
	t := &Table{}
	philosophers := []func(){t.socrates, t.plato, t.aristotle, t.descartes, t.kant}

	// Each philosopher dines in their own goroutine. Here each one sits down
	// only when the previous one has finished, so this run completes; at a
	// real table they all sit down at once and can deadlock.
	prev := make(chan struct{})
	close(prev)
	for _, dine := range philosophers {
		done := make(chan struct{})
		go func(wait <-chan struct{}) {
			<-wait
			dine()
			close(done)
		}(prev)
		prev = done
	}
	<-prev
	fmt.Println("meals per fork:", t.uses)
}
