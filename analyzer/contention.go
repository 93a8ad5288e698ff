package analyzer

import (
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/lockscope/lockscope/findings"
	"github.com/lockscope/lockscope/tracer"
)

// Default thresholds of the contention and long-hold checks (see
// Thresholds). They keep the noise of small runs out: a test suite's
// occasional wait of a few microseconds is not worth a finding.
const (
	DefaultLongHold     = 100 * time.Millisecond
	DefaultMinWait      = 50 * time.Millisecond
	DefaultMinWaitShare = 0.05
	DefaultMinWaits     = 10
)

// limits returns t with defaults in place of zero fields.
func (t Thresholds) limits() Thresholds {
	if t.LongHoldNs == 0 {
		t.LongHoldNs = int64(DefaultLongHold)
	}
	if t.MinWaitNs == 0 {
		t.MinWaitNs = int64(DefaultMinWait)
	}
	if t.MinWaitShare == 0 {
		t.MinWaitShare = DefaultMinWaitShare
	}
	if t.MinWaits == 0 {
		t.MinWaits = DefaultMinWaits
	}
	return t
}

// lockUse is what the runtime profiles say about one lock: who held it
// while others waited (mutex profile) and who waited (block profile).
type lockUse struct {
	holders, waiters []siteDelay
}

// siteDelay is the delay charged to one function's stacks.
type siteDelay struct {
	Frame findings.Frame   // the Unlock or Lock call
	Stack []findings.Frame // the heaviest stack through it
	// Acquire is where a holder's critical section began, the Lock or
	// RLock call (see siteIndex.acquireOf); zero if unknown.
	Acquire findings.Frame
	Count   int64
	DelayNs int64
}

// runContention reports locks whose waits add up to enough to matter.
func runContention(p *pass) ([]findings.Finding, error) {
	t := p.Input.Thresholds.limits()
	wall := p.wallNs()
	sites := p.lockUsers(true)
	var out []findings.Finding
	for _, c := range p.contention() {
		if !over(c.Waits, t.MinWaits) || !over(c.WaitNs, t.MinWaitNs) ||
			t.MinWaitShare > 0 && float64(c.WaitNs) < t.MinWaitShare*float64(wall) {
			continue
		}
		out = append(out, p.contentionFinding(c, sites[c.Lock], wall))
	}
	return out, nil
}

// runLongHold reports locks held, or waited for, longer than LongHoldNs.
func runLongHold(p *pass) ([]findings.Finding, error) {
	t := p.Input.Thresholds.limits()
	if t.LongHoldNs < 0 {
		return nil, nil
	}
	sites := p.lockUsers(false)
	var out []findings.Finding
	for _, c := range p.contention() {
		if c.MaxHoldNs < t.LongHoldNs && c.MaxWaitNs < t.LongHoldNs {
			continue
		}
		out = append(out, p.longHoldFinding(c, sites[c.Lock], t.LongHoldNs))
	}
	return out, nil
}

// over reports whether v reaches min; a negative min is always reached.
func over(v, min int64) bool { return min < 0 || v >= min }

// wallNs is the wall time of every target process, added up.
func (p *pass) wallNs() int64 {
	var ns int64
	for _, pr := range p.Input.Processes {
		ns += pr.Duration.Nanoseconds()
	}
	return ns
}

// lockUsers reads every process's block and mutex profiles, saying what
// it could not read when warn is set.
func (p *pass) lockUsers(warn bool) map[string]*lockUse {
	hold, wait := map[string]map[string]*siteDelay{}, map[string]map[string]*siteDelay{}
	ix := newSiteIndex(p.Input.Sites)
	for _, pr := range p.Input.Processes {
		for _, kind := range []string{tracer.MutexProfile, tracer.BlockProfile} {
			samples, err := lockProfile(p.Input.Sites, pr, kind)
			if err != nil && warn {
				p.Warn("%s", err)
			}
			by := wait
			if kind == tracer.MutexProfile {
				by = hold
			}
			for _, s := range samples {
				addDelay(by, s, ix, kind)
			}
		}
	}
	out := map[string]*lockUse{}
	of := func(lock string) *lockUse {
		if out[lock] == nil {
			out[lock] = &lockUse{}
		}
		return out[lock]
	}
	for lock, m := range hold {
		of(lock).holders = heaviest(m)
	}
	for lock, m := range wait {
		of(lock).waiters = heaviest(m)
	}
	return out
}

// addDelay adds a sample to its lock's entry for the sample's function.
func addDelay(by map[string]map[string]*siteDelay, s lockSample, ix *siteIndex, kind string) {
	if by[s.Lock] == nil {
		by[s.Lock] = map[string]*siteDelay{}
	}
	f := s.Stack[0]
	k := f.File + "\x00" + funcInPkg(f.Func)
	d := by[s.Lock][k]
	if d == nil {
		d = &siteDelay{Frame: f, Stack: s.Stack}
		if kind == tracer.MutexProfile {
			d.Acquire = ix.acquireOf(s.Stack, s.Lock)
		}
		by[s.Lock][k] = d
	}
	d.Count += s.Count
	d.DelayNs += s.DelayNs
}

// heaviest sorts a lock's sites by delay, most first.
func heaviest(m map[string]*siteDelay) []siteDelay {
	var out []siteDelay
	for _, k := range sortedKeys(m) {
		out = append(out, *m[k])
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].DelayNs > out[j].DelayNs })
	return out
}

// where names a holding site by where it took the lock:
// "chat.(*Room).broadcast (room.go:41)", and where it released it when that
// is another function: "bbolt.(*DB).beginTx (db.go:801), released in
// bbolt.(*DB).removeTx (db.go:877)". When the acquisition is not known, it
// says the site is where the lock was released.
func (d siteDelay) where() string {
	switch {
	case d.Acquire.Func == "":
		return "a critical section released in " + location(d.Frame)
	case sameFunc(d.Acquire.Func, d.Frame.Func) && d.Acquire.File == d.Frame.File:
		return location(d.Acquire)
	}
	return fmt.Sprintf("%s, released in %s", location(d.Acquire), location(d.Frame))
}

// fpKey is the name of lock in fingerprints.
func (p *pass) fpKey(lock string) string {
	if c := p.Model.Classes[lock]; c != nil {
		return c.FPKey
	}
	return lock
}

// holdsText says what the sampled holds of c show, or "".
func holdsText(c findings.Contention) string {
	if c.HoldSamples == 0 {
		return ""
	}
	s := fmt.Sprintf(" Sampled holds (%d): %s on average, longest %s", c.HoldSamples, findings.Duration(c.HoldNs/c.HoldSamples), findings.Duration(c.MaxHoldNs))
	if c.MaxHoldSite != "" {
		s += " (locked at " + c.MaxHoldSite + ")"
	}
	return s + "."
}

// holdersText names up to three holding sites with the waits they caused.
func holdersText(ls *lockUse, lock string) string {
	if ls == nil || len(ls.holders) == 0 {
		return ""
	}
	var parts []string
	for i, h := range ls.holders {
		if i == 3 {
			break
		}
		parts = append(parts, fmt.Sprintf("%s (%s of waits, %d handoffs)", h.where(), findings.Duration(h.DelayNs), h.Count))
	}
	return fmt.Sprintf(" While others waited, %s was held by %s.", lock, strings.Join(parts, "; "))
}

// siteEvidence is the holders' and waiters' heaviest stacks.
func siteEvidence(ls *lockUse, lock string) []findings.Evidence {
	var out []findings.Evidence
	if ls == nil {
		return out
	}
	for i, h := range ls.holders {
		if i < 3 {
			taken := ""
			if h.Acquire.Func != "" {
				taken = " (locked at " + location(h.Acquire) + ")"
			}
			out = append(out, findings.Evidence{Role: fmt.Sprintf("held %s%s while others waited %s in all (%d handoffs), released at %s",
				lock, taken, findings.Duration(h.DelayNs), h.Count, location(h.Frame)), Stack: h.Stack})
		}
	}
	for i, w := range ls.waiters {
		if i < 3 {
			out = append(out, findings.Evidence{Role: fmt.Sprintf("waited %s in all for %s (%d waits) at %s",
				findings.Duration(w.DelayNs), lock, w.Count, location(w.Frame)), Stack: w.Stack})
		}
	}
	return out
}

// contentionFinding describes the contention of c.
func (p *pass) contentionFinding(c findings.Contention, ls *lockUse, wall int64) findings.Finding {
	msg := fmt.Sprintf("Goroutines waited %d times to acquire %s: %s in all", c.Waits, c.Lock, findings.Duration(c.WaitNs))
	if wall > 0 {
		msg += fmt.Sprintf(", %.0f%% of the target's wall time of %s (waits of several goroutines add up)",
			100*float64(c.WaitNs)/float64(wall), findings.Duration(wall))
	}
	msg += fmt.Sprintf("; the longest single wait was %s.", findings.Duration(c.MaxWaitNs))
	msg += holdsText(c) + holdersText(ls, c.Lock)
	return findings.Finding{
		ID:   findings.Fingerprint(findings.KindContention, []string{p.fpKey(c.Lock)}, nil),
		Kind: findings.KindContention, Severity: findings.Warning, Confidence: findings.Observed,
		Title:    fmt.Sprintf("%s is contended: %d waits, %s waited in all", c.Lock, c.Waits, findings.Duration(c.WaitNs)),
		Message:  msg,
		Locks:    []string{c.Lock},
		Evidence: siteEvidence(ls, c.Lock),
		Advice:   p.contentionAdvice(c, ls),
	}
}

// contentionAdvice names the holding site to shorten and the remedies that
// fit the lock.
func (p *pass) contentionAdvice(c findings.Contention, ls *lockUse) string {
	var b strings.Builder
	if ls != nil && len(ls.holders) > 0 {
		fmt.Fprintf(&b, "Shorten the critical section of %s at %s, which kept others waiting longest: ", c.Lock, ls.holders[0].where())
	} else {
		fmt.Fprintf(&b, "Shorten the critical sections of %s: ", c.Lock)
	}
	b.WriteString("hold the lock only to read or update the shared state, and do the slow work (I/O, calls to other services, sleeps, encoding) before Lock or after Unlock, on a copy. ")
	if ci := p.Model.Classes[c.Lock]; ci == nil || !ci.RW {
		fmt.Fprintf(&b, "If most acquisitions only read, make %s a sync.RWMutex and take RLock on the read paths. ", c.Lock)
	}
	b.WriteString("If the state it guards is keyed (by user, by symbol, by connection), shard it into several locks so that unrelated requests stop waiting for each other; for a counter, use sync/atomic.")
	return b.String()
}

// longHoldFinding describes a lock held for at least long ns: a warning when
// a goroutine was seen waiting that long, info when only a sampled hold
// shows it.
func (p *pass) longHoldFinding(c findings.Contention, ls *lockUse, long int64) findings.Finding {
	sev := findings.Info
	var parts []string
	if c.MaxWaitNs >= long {
		sev = findings.Warning
		parts = append(parts, fmt.Sprintf("a goroutine waited %s for it in one go, so one holder, or several in a row, kept it that long", findings.Duration(c.MaxWaitNs)))
	}
	if c.MaxHoldNs >= long {
		h := fmt.Sprintf("a sampled hold lasted %s", findings.Duration(c.MaxHoldNs))
		if c.MaxHoldSite != "" {
			h += " (locked at " + c.MaxHoldSite + ")"
		}
		parts = append(parts, h)
	}
	msg := fmt.Sprintf("%s was held for longer than the long-hold threshold of %s: %s.", c.Lock, findings.Duration(long), strings.Join(parts, "; "))
	if sev == findings.Info {
		msg += " No goroutine was seen waiting that long (hold times are sampled, one acquisition in 64 or fewer), so this is a latency risk rather than observed harm."
	}
	msg += holdersText(ls, c.Lock)
	where := "its critical sections"
	if ls != nil && len(ls.holders) > 0 {
		where = "the critical section at " + ls.holders[0].where()
	} else if c.MaxHoldSite != "" {
		where = "the critical section locked at " + c.MaxHoldSite
	}
	return findings.Finding{
		ID:   findings.Fingerprint(findings.KindLongHold, []string{p.fpKey(c.Lock)}, nil),
		Kind: findings.KindLongHold, Severity: sev, Confidence: findings.Observed,
		Title:    longHoldTitle(c),
		Message:  msg,
		Locks:    []string{c.Lock},
		Evidence: siteEvidence(ls, c.Lock),
		Advice: fmt.Sprintf("Move the slow work out of %s of %s: network and disk I/O, calls to other services, sleeps, channel operations and long computations belong before Lock or after Unlock. Copy what they need under the lock, release it, then do them; if a result must be written back, lock again briefly.",
			where, c.Lock),
	}
}

// longHoldTitle says what the longest hold or wait of c was.
func longHoldTitle(c findings.Contention) string {
	if c.MaxHoldNs >= c.MaxWaitNs {
		return fmt.Sprintf("%s is held for %s at a time", c.Lock, findings.Duration(c.MaxHoldNs))
	}
	return fmt.Sprintf("%s kept a goroutine waiting %s in one go", c.Lock, findings.Duration(c.MaxWaitNs))
}
