package pkgvar

import "sync"

var registryMu sync.Mutex

var (
	tableMu = new(sync.RWMutex)
)

func Register() {
	registryMu.Lock()
	defer registryMu.Unlock()
	tableMu.RLock()
	tableMu.RUnlock()
}
