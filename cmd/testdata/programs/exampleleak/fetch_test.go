package fetch

import "fmt"

func ExampleFirst() {
	fmt.Println(First(3) >= 0)
	// Output: true
}

func ExampleFirstBuffered() {
	fmt.Println(FirstBuffered(3) >= 0)
	// Output: true
}
