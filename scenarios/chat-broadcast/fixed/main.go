// Command chat-broadcast runs a chat server over TCP on loopback and a few
// clients that talk in one room, one of them on a slow link. Every member
// has its own outbound queue and writer goroutine: the room only queues a
// message under its lock, so a slow member delays no one but itself.
package main

import (
	"bufio"
	"fmt"
	"io"
	"net"
	"sync"
)

// queueLen is how many lines a member's queue holds; a member further
// behind than that loses lines rather than stalling the room.
const queueLen = 1024

// Room is a chat room: every line a member says goes to every member.
type Room struct {
	mu      sync.Mutex // guards members and each member's out and dropped; never held across I/O
	members map[*member]bool
}

// member is one connected client.
type member struct {
	name    string
	conn    net.Conn
	out     chan string // lines to write; closed by leave
	dropped int         // lines lost because out was full
}

func (r *Room) join(m *member) {
	r.mu.Lock()
	r.members[m] = true
	r.mu.Unlock()
}

func (r *Room) leave(m *member) {
	r.mu.Lock()
	delete(r.members, m)
	close(m.out)
	r.mu.Unlock()
}

// broadcast queues line for every member without ever blocking: a member
// whose queue is full loses the line.
func (r *Room) broadcast(from, line string) {
	msg := fmt.Sprintf("%s: %s\n", from, line)
	r.mu.Lock()
	defer r.mu.Unlock()
	for m := range r.members {
		select {
		case m.out <- msg:
		default:
			m.dropped++
		}
	}
}

// writeLoop writes m's queued lines to its connection until leave closes
// the queue; after a write error it keeps draining the queue.
func (m *member) writeLoop() {
	for line := range m.out {
		io.WriteString(m.conn, line)
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
	m := &member{name: in.Text(), conn: conn, out: make(chan string, queueLen)}
	var writer sync.WaitGroup
	writer.Add(1)
	go func() {
		defer writer.Done()
		m.writeLoop()
	}()
	r.join(m)
	m.out <- "joined\n"
	for in.Scan() {
		r.broadcast(m.name, in.Text())
	}
	r.leave(m)
	writer.Wait()
}
