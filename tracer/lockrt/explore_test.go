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
