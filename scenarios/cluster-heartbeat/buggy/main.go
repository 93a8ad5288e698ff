// Command cluster-heartbeat runs three nodes of a cluster in one process.
// They exchange heartbeats over net/rpc on loopback TCP. A node sends its
// heartbeats while holding its own lock, and its RPC handler needs that
// same lock to record a peer's heartbeat: two nodes beating at each other
// at the same moment wait for each other across the network.
package main

import (
	"fmt"
	"net/rpc"
	"sort"
	"sync"
	"time"
)

// Node is one member of the cluster.
type Node struct {
	name  string
	peers map[string]*rpc.Client // set up before the first beat, read-only after

	mu       sync.Mutex // guards term and lastSeen
	term     int
	lastSeen map[string]time.Time
}

// receive records a peer's heartbeat; it runs in n's RPC handler.
func (n *Node) receive(b Beat) Ack {
	n.mu.Lock()
	defer n.mu.Unlock()
	n.lastSeen[b.From] = time.Now()
	if b.Term > n.term {
		n.term = b.Term
	}
	return Ack{From: n.name, Term: n.term}
}

// beat sends one heartbeat to every peer.
//
// BUG: it holds n.mu across the RPC calls, to send a consistent term and
// record the acks. If node a beats at b while b beats at a, a holds a.mu
// and waits for b's handler, which waits for b.mu, held by b's beat,
// which waits for a's handler, which waits for a.mu.
func (n *Node) beat() {
	n.mu.Lock()
	defer n.mu.Unlock()
	n.term++
	for _, name := range sortedNames(n.peers) {
		var ack Ack
		if err := n.peers[name].Call("Node.Heartbeat", Beat{From: n.name, Term: n.term}, &ack); err != nil {
			fmt.Printf("%s: heartbeat to %s: %v\n", n.name, name, err)
			continue
		}
		n.lastSeen[ack.From] = time.Now()
	}
}

func sortedNames(m map[string]*rpc.Client) []string {
	var names []string
	for name := range m {
		names = append(names, name)
	}
	sort.Strings(names)
	return names
}

func main() {
	names := []string{"a", "b", "c"}
	nodes := map[string]*Node{}
	addrs := map[string]string{}
	for _, name := range names {
		n := &Node{name: name, peers: map[string]*rpc.Client{}, lastSeen: map[string]time.Time{}}
		addr, stop := listen(n)
		defer stop()
		nodes[name], addrs[name] = n, addr
	}
	for _, name := range names {
		connect(nodes[name], addrs)
	}

	// Three rounds of heartbeats. The nodes take turns here, as if their
	// timers never fired together, so this run completes; in production
	// each node's ticker fires on its own and two beats do overlap.
	for round := 0; round < 3; round++ {
		for _, name := range names {
			nodes[name].beat()
		}
	}
	for _, name := range names {
		n := nodes[name]
		n.mu.Lock()
		fmt.Printf("%s: term %d, sees %d peers\n", n.name, n.term, len(n.lastSeen))
		n.mu.Unlock()
		for _, c := range n.peers {
			c.Close()
		}
	}
}
