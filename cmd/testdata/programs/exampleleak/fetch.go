// Package fetch returns the first of several answers; First leaks the
// senders of the others, FirstBuffered does not.
package fetch

// First starts n senders and returns the first answer: the other n-1
// senders block forever on the unbuffered channel.
func First(n int) int {
	ch := make(chan int)
	for i := range n {
		go func() { ch <- i }()
	}
	return <-ch
}

// FirstBuffered is First with room for every answer: nobody is left.
func FirstBuffered(n int) int {
	ch := make(chan int, n)
	for i := range n {
		go func() { ch <- i }()
	}
	return <-ch
}
