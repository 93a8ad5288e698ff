package lockrt

import "time"

// Select-case preference (GFuzz), in builds with --explore.
//
// A select whose cases are all communications with side-effect-free
// operands is rewritten, on its own lines, into
//
//	for s := lockscopert.SelectStart(id, n); ; { select { case <-s.Retry(): continue; case v := <-lockscopert.SelectChan(s, 0, ch): ...; }; break }
//
// SelectStart draws from the seed's plan whether this execution prefers
// one of the n cases. If it does, the first attempt offers only that
// case (the others' channels are nil) and a timer of selectWait; when the
// timer fires first, the select is tried again with every case, as
// written. So a case that Go's uniform choice among ready cases would
// rarely take, because another is always ready first, gets its turn, and
// no communication is lost: only the choice, and some time, changes.
const selectWait = 500 * time.Microsecond

// SelectState is one execution of a rewritten select.
type SelectState struct {
	prefer int // the preferred case, or -1
	tries  int // attempts so far
}

// SelectStart begins an execution of rewritten select id with n cases.
func SelectStart(id int32, n int) *SelectState {
	s := &SelectState{prefer: -1}
	if !exploreOn || confirmOn || n < 2 {
		return s
	}
	uid := uint64(uint32(id)) | 1<<40 // apart from the points' IDs
	if !inFocus(exploreSeed, exploreFocus, uid) {
		return s
	}
	k := exploreVisit[uid%exploreSlots].Add(1)
	v := mix64(mix64(exploreSeed^mix64(uid)) ^ uint64(k)*0x9e3779b97f4a7c15)
	if v%3 == 0 && exploreTotal.Add(1) <= exploreMaxTotal {
		s.prefer = int((v >> 8) % uint64(n))
	}
	return s
}

// Retry is the extra case's channel: a timer on a first attempt that
// prefers a case, nil (never ready) otherwise. Each call is one attempt.
func (s *SelectState) Retry() <-chan time.Time {
	s.tries++
	if s.prefer < 0 || s.tries > 1 {
		return nil
	}
	return time.After(selectWait)
}

// SelectChan is case k's channel on this attempt: ch itself, or nil while
// the first attempt prefers another case.
func SelectChan[C any](s *SelectState, k int, ch C) C {
	if s.prefer >= 0 && s.tries <= 1 && k != s.prefer {
		var none C
		return none
	}
	return ch
}
