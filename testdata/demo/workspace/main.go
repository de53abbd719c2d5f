package main

import "fmt"

// HACK: hard-coded greeting until configuration lands
func main() {
	fmt.Println("hello")
}
