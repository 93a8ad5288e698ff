// Package goflags is built with tags taken from GOFLAGS.
package goflags
