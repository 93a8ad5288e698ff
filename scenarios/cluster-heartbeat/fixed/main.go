// Command cluster-heartbeat runs three nodes of a cluster in one process.
// They exchange heartbeats over net/rpc on loopback TCP. A node holds its
// lock only to read and update its own state, never across a call to a
// peer, so nodes beating at each other at the same moment do not wait for
// each other.
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

// beat sends one heartbeat to every peer. It takes n.mu to advance the
// term, releases it for the calls, and takes it again briefly for each ack:
// the lock is never held while waiting for another node.
func (n *Node) beat() {
	n.mu.Lock()
	n.term++
	b := Beat{From: n.name, Term: n.term}
	n.mu.Unlock()
	for _, name := range sortedNames(n.peers) {
		var ack Ack
		if err := n.peers[name].Call("Node.Heartbeat", b, &ack); err != nil {
			fmt.Printf("%s: heartbeat to %s: %v\n", n.name, name, err)
			continue
		}
		n.mu.Lock()
		n.lastSeen[ack.From] = time.Now()
		n.mu.Unlock()
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

	// Three rounds of heartbeats, every node beating at once.
	for round := 0; round < 3; round++ {
		var wg sync.WaitGroup
		for _, name := range names {
			wg.Add(1)
			go func(n *Node) {
				defer wg.Done()
				n.beat()
			}(nodes[name])
		}
		wg.Wait()
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
