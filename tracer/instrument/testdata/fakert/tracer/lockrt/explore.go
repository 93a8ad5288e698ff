package lockrt

// Point and LockPoint are the scheduling points of an exploring build.
func Point(id int32)     {}
func LockPoint(id int32) {}

type SelectState struct{}

func SelectStart(id int32, n int) *SelectState        { return &SelectState{} }
func (s *SelectState) Retry() <-chan struct{}         { return nil }
func SelectChan[C any](s *SelectState, k int, ch C) C { return ch }
