// Package local is reached only through a relative replace directive.
package local

// Greeting is what the replacement provides.
func Greeting() string { return "from ../local" }
