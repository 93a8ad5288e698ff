// Command lock-timeout is a game lobby server on a line protocol over TCP.
// A player's session holds the player's lock while it runs a command, and
// JOIN then locks the room; closing a room holds the room's lock and locks
// each member. Both orders are part of the server's API and cannot simply
// be swapped.
package main

import (
	"bufio"
	"fmt"
	"math/rand"
	"net"
	"strings"
	"sync"
	"time"
)

// Player is one connected player.
type Player struct {
	name string
	mu   sync.Mutex // guards room; held while one of the player's commands runs
	room *Room
}

// Room is a game room.
type Room struct {
	name    string
	mu      sync.Mutex // guards members and open
	members map[string]*Player
	open    bool
}

// Join adds p to r. The caller holds p.mu: Player.mu, then Room.mu.
func (r *Room) Join(p *Player) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	if !r.open {
		return fmt.Errorf("room %s is closed", r.name)
	}
	r.members[p.name] = p
	p.room = r
	return nil
}

// Close closes r and sends its members back to the lobby.
//
// It holds Room.mu and needs each member's Player.mu, the opposite of
// Join's order, so it never waits for a Player.mu: it tries it, and when
// a member is busy (perhaps joining, holding its Player.mu and waiting for
// this Room.mu) it lets go of Room.mu, backs off for a random while and
// tries again. Members detached on earlier attempts stay detached.
func (r *Room) Close() {
	backoff := 100 * time.Microsecond
	for !r.tryClose() {
		time.Sleep(backoff/2 + time.Duration(rand.Int63n(int64(backoff))))
		if backoff < 50*time.Millisecond {
			backoff *= 2
		}
	}
}

// tryClose closes r and detaches every member whose lock is free at once.
// It reports whether no member is left.
func (r *Room) tryClose() bool {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.open = false
	for name, p := range r.members {
		if !p.mu.TryLock() {
			return false // busy: give Room.mu back before waiting
		}
		p.room = nil
		p.mu.Unlock()
		delete(r.members, name)
	}
	return true
}

// Server runs the lobby.
type Server struct {
	mu    sync.Mutex // guards rooms
	rooms map[string]*Room
}

func (s *Server) room(name string) *Room {
	s.mu.Lock()
	defer s.mu.Unlock()
	r, ok := s.rooms[name]
	if !ok {
		r = &Room{name: name, members: map[string]*Player{}, open: true}
		s.rooms[name] = r
	}
	return r
}

// session runs one connection's commands, each under the player's lock.
func (s *Server) session(conn net.Conn) {
	defer conn.Close()
	in := bufio.NewScanner(conn)
	var p *Player
	for in.Scan() {
		cmd, arg, _ := strings.Cut(in.Text(), " ")
		reply := "ok"
		switch {
		case cmd == "HELLO":
			p = &Player{name: arg}
		case cmd == "JOIN" && p != nil:
			p.mu.Lock()
			if err := s.room(arg).Join(p); err != nil {
				reply = err.Error()
			}
			p.mu.Unlock()
		case cmd == "CLOSE":
			s.room(arg).Close()
		default:
			reply = "unknown command " + cmd
		}
		fmt.Fprintln(conn, reply)
	}
}

func main() {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		panic(err)
	}
	s := &Server{rooms: map[string]*Room{}}
	go func() {
		for {
			conn, err := ln.Accept()
			if err != nil {
				return
			}
			go s.session(conn)
		}
	}()
	defer ln.Close()

	// A player joins, then a moderator closes the room: one after the
	// other here, so this run completes. Under load they overlap.
	alice := dial(ln.Addr().String())
	defer alice.Close()
	fmt.Println("alice:", alice.send("HELLO alice"), alice.send("JOIN arena"))
	mod := dial(ln.Addr().String())
	defer mod.Close()
	fmt.Println("moderator:", mod.send("CLOSE arena"))
}

// client is a connection that sends one command at a time and reads the
// reply.
type client struct {
	net.Conn
	in *bufio.Scanner
}

func dial(addr string) *client {
	c, err := net.Dial("tcp", addr)
	if err != nil {
		panic(err)
	}
	return &client{c, bufio.NewScanner(c)}
}

func (c *client) send(line string) string {
	fmt.Fprintln(c, line)
	c.in.Scan()
	return c.in.Text()
}
