package main

import (
	"fmt"
	"time"
)

func leak(n int) {
	for i := 0; i < n; i++ {
		ch := make(chan int)
		go func() { ch <- i }()
	}
}

func main() {
	leak(3)
	fmt.Println("serving")
	for {
		time.Sleep(10 * time.Millisecond) // a server that never exits
	}
}
