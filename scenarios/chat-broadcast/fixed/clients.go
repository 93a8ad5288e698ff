package main

import (
	"bufio"
	"fmt"
	"net"
	"strings"
	"sync"
	"time"
)

const (
	clients  = 6
	messages = 40 // per client
)

func main() {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		panic(err)
	}
	room := &Room{members: map[*member]bool{}}
	var conns sync.WaitGroup
	go func() {
		for {
			conn, err := ln.Accept()
			if err != nil {
				return // the listener was closed
			}
			conns.Add(1)
			go func() {
				defer conns.Done()
				room.serve(conn)
			}()
		}
	}()

	start := time.Now()
	var talk, ready sync.WaitGroup
	ready.Add(clients)
	for i := range clients {
		c := dial(ln.Addr().String(), fmt.Sprintf("user%d", i), i == 0)
		talk.Add(1)
		go func() {
			defer talk.Done()
			c.talk(i, &ready)
		}()
	}
	talk.Wait()
	ln.Close()
	conns.Wait()
	fmt.Printf("%d clients said %d lines each in %s\n", clients, messages, time.Since(start).Round(time.Millisecond))
}

// client is one chat user's connection.
type client struct {
	conn net.Conn
	in   *bufio.Reader
	slow bool // on a slow link: reads a line every 3ms, with little buffering
}

// dial connects and joins the room as name.
func dial(addr, name string, slow bool) *client {
	conn, err := net.Dial("tcp", addr)
	if err != nil {
		panic(err)
	}
	if slow {
		conn.(*net.TCPConn).SetReadBuffer(4096)
	}
	c := &client{conn: conn, in: bufio.NewReaderSize(conn, 512), slow: slow}
	fmt.Fprintf(conn, "%s\n", name)
	if line, err := c.in.ReadString('\n'); err != nil || line != "joined\n" {
		panic(fmt.Sprintf("join: %q %v", line, err))
	}
	return c
}

// talk waits until everyone has joined, says its lines while reading the
// room, and leaves once it has read every line said.
func (c *client) talk(id int, ready *sync.WaitGroup) {
	defer c.conn.Close()
	ready.Done()
	ready.Wait()
	go func() {
		for n := range messages {
			fmt.Fprintf(c.conn, "message %d from user%d: %s\n", n, id, strings.Repeat("x", 200))
		}
	}()
	for range clients * messages {
		if _, err := c.in.ReadString('\n'); err != nil {
			return
		}
		if c.slow {
			time.Sleep(3 * time.Millisecond)
		}
	}
}
