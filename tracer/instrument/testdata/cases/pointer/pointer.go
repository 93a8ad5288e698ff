package pointer

import "sync"

type Node struct {
	mu   *sync.Mutex
	next *Node
}

func New() *Node { return &Node{mu: &sync.Mutex{}} }

func (n *Node) Visit() {
	n.mu.Lock()
	(*n.mu).Unlock()
	p := &n.next.mu
	(*p).Lock()
	(*p).Unlock()
}
