// Command chat-broadcast runs a chat server over TCP on loopback and a few
// clients that talk in one room, one of them on a slow link. The room
// writes every message to every member while it holds its lock, so the
// slow member's full connection stalls everyone.
package main

import (
	"bufio"
	"fmt"
	"net"
	"sync"
)

// Room is a chat room: every line a member says goes to every member.
type Room struct {
	mu      sync.Mutex // guards members; held while writing to every member: the bug
	members map[*member]bool
}

// member is one connected client.
type member struct {
	name string
	conn net.Conn
}

func (r *Room) join(m *member) {
	r.mu.Lock()
	r.members[m] = true
	r.mu.Unlock()
}

func (r *Room) leave(m *member) {
	r.mu.Lock()
	delete(r.members, m)
	r.mu.Unlock()
}

// broadcast writes line to every member. A write blocks while the
// member's connection is full, and the room stays locked meanwhile.
func (r *Room) broadcast(from, line string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	for m := range r.members {
		fmt.Fprintf(m.conn, "%s: %s\n", from, line)
	}
}

// serve runs one connection: the first line is the member's name, every
// later line is said in the room.
func (r *Room) serve(conn net.Conn) {
	defer conn.Close()
	conn.(*net.TCPConn).SetWriteBuffer(4096) // bound the memory of each connection
	in := bufio.NewScanner(conn)
	if !in.Scan() {
		return
	}
	m := &member{name: in.Text(), conn: conn}
	r.join(m)
	defer r.leave(m)
	fmt.Fprintf(conn, "joined\n")
	for in.Scan() {
		r.broadcast(m.name, in.Text())
	}
}
