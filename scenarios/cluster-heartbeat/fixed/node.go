package main

import (
	"net"
	"net/rpc"
)

// Beat is a heartbeat: who sends it and its view of the cluster.
type Beat struct {
	From string
	Term int
}

// Ack answers a heartbeat.
type Ack struct {
	From string
	Term int
}

// listen serves n's RPC methods on a loopback port and returns its address.
func listen(n *Node) (string, func()) {
	srv := rpc.NewServer()
	if err := srv.RegisterName("Node", &Handler{n}); err != nil {
		panic(err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		panic(err)
	}
	go srv.Accept(ln)
	return ln.Addr().String(), func() { ln.Close() }
}

// Handler exposes a Node's RPC methods.
type Handler struct{ n *Node }

// Heartbeat is the RPC method peers call.
func (h *Handler) Heartbeat(b Beat, ack *Ack) error {
	*ack = h.n.receive(b)
	return nil
}

// connect dials every other node's RPC server.
func connect(n *Node, addrs map[string]string) {
	for name, addr := range addrs {
		if name == n.name {
			continue
		}
		c, err := rpc.Dial("tcp", addr)
		if err != nil {
			panic(err)
		}
		n.peers[name] = c
	}
}
