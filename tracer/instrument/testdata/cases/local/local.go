package local

import "sync"

func Transfer() {
	var mu sync.Mutex
	mu.Lock()
	mu.Unlock()
	go func() {
		mu.Lock()
		mu.Unlock()
	}()
}

var shared = []*sync.Mutex{new(sync.Mutex)}

func locks() []*sync.Mutex { return shared }

func Index() {
	ls := make([]sync.Mutex, 2)
	ls[0].Lock()
	ls[0].Unlock()
	locks()[0].Lock()
	locks()[0].Unlock()
}

func Param(m *sync.Mutex) {
	m.Lock()
	m.Unlock()
}
