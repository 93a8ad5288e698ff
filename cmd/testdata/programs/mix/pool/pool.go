package pool

import "sync"

type Pool struct{ mu sync.Mutex }

func (p *Pool) Release() { p.mu.Unlock() }
