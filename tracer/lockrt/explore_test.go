package lockrt

import (
	"testing"
	"time"
)

// TestPlanIsTheSeeds checks that a plan is a function of the seed alone,
// that seeds differ, and that every action is bounded.
func TestPlanIsTheSeeds(t *testing.T) {
	actions := func(seed uint64) []time.Duration {
		var out []time.Duration
		for id := uint64(1); id <= 20; id++ {
			for k := uint64(1); k <= 50; k++ {
				out = append(out, plan(seed, id, k, id%2 == 0))
			}
		}
		return out
	}
	a, b, c := actions(8812), actions(8812), actions(8813)
	same, perturbed := 0, 0
	for i := range a {
		if a[i] != b[i] {
			t.Fatalf("seed 8812 gives action %v then %v at %d", a[i], b[i], i)
		}
		if a[i] == c[i] {
			same++
		}
		if a[i] != noPerturb {
			perturbed++
		}
		if a[i] > 640*time.Microsecond || (i/50)%2 == 1 && a[i] > 40*time.Microsecond {
			t.Errorf("action %v at %d is past its bound", a[i], i)
		}
	}
	if same == len(a) {
		t.Error("seeds 8812 and 8813 give the same plan")
	}
	if perturbed < len(a)/5 || perturbed > len(a)/2 {
		t.Errorf("%d of %d visits perturbed, want about a third", perturbed, len(a))
	}
	focused := 0
	for id := uint64(1); id <= 400; id++ {
		if inFocus(8812, 3, id) {
			focused++
		}
	}
	if focused < 250 || focused > 350 {
		t.Errorf("focus 3 keeps %d of 400 points, want about 300", focused)
	}
}

// TestPointOffIsFree checks that Point does nothing without a seed.
func TestPointOffIsFree(t *testing.T) {
	if exploreOn {
		t.Skip("LOCKSCOPE_SEED is set")
	}
	if n := testing.AllocsPerRun(100, func() { Point(1); LockPoint(2) }); n != 0 {
		t.Errorf("Point allocates %v times", n)
	}
}

// TestSelectPreference checks the rewritten select's protocol: a preferred
// case is offered alone on the first attempt, with a retry timer; the
// second attempt offers every case and no timer; without a preference the
// first attempt is the select as written.
func TestSelectPreference(t *testing.T) {
	ch := make(chan int)
	s := &SelectState{prefer: 1}
	if s.Retry() == nil || SelectChan(s, 0, ch) != nil || SelectChan(s, 1, ch) != ch {
		t.Error("first attempt: want a timer, case 0 off, case 1 on")
	}
	if s.Retry() != nil || SelectChan(s, 0, ch) != ch {
		t.Error("second attempt: want no timer and every case")
	}
	s = SelectStart(3, 2)
	if !exploreOn && (s.prefer != -1 || s.Retry() != nil || SelectChan(s, 0, ch) != ch) {
		t.Error("without exploration a select must be as written")
	}
}
