package analyzer

import (
	"fmt"
	"path/filepath"
	"slices"
	"strings"

	"github.com/lockscope/lockscope/analyzer/internal/gotext"
)

// lockset is how a finding says where its held locks come from.
const lockset = "Held locks are a static, per-function approximation: the Lock and RLock calls before each access in the functions of its stack, not released before it (a deferred Unlock holds to the function's end); which instance was locked is not known."

// raceMessage says what happened, in words.
func raceMessage(name string, a, b raceSide) string {
	return fmt.Sprintf("%s %s %s in %s%s, holding %s; %s %s it in %s%s, holding %s. Nothing orders the two accesses (no lock, channel or other synchronisation that both took part in), so they can happen at the same time. %s",
		capitalize(a.who()), raceVerb(a.acc), name, a.where(), codeWords(a), heldWords(a.held),
		b.who(), pastVerb(b.acc), b.where(), codeWords(b), heldWords(b.held), lockset)
}

// raceAdvice says what to change, following from what each side held.
func raceAdvice(name string, a, b raceSide) string {
	an, bn := a.heldNames(), b.heldNames()
	switch {
	case len(an) == 0 && len(bn) == 0:
		return fmt.Sprintf("Neither side holds a lock: %s needs one, taken around the %s in %s and the %s in %s; or it should be confined to one goroutine (hand it over through a channel); or, for a single word such as a counter or flag, be an atomic (sync/atomic).",
			name, a.acc.Op(), a.where(), b.acc.Op(), b.where())
	case len(an) == 0 || len(bn) == 0:
		holder, bare := a, b
		if len(an) == 0 {
			holder, bare = b, a
		}
		lock := holder.held[0]
		take := "take " + lock.Name
		if lock.RW && !bare.acc.Write {
			take += " (or its read lock, RLock)"
		} else if lock.RW {
			take += " (its write lock, Lock)"
		}
		return fmt.Sprintf("The %s in %s holds %s, the %s in %s holds nothing: %s in %s, around the access to %s.",
			holder.acc.Op(), holder.where(), strings.Join(holder.heldNames(), " and "), bare.acc.Op(), bare.where(), take, bare.where(), name)
	}
	common := commonLocks(a.held, b.held)
	if len(common) == 0 {
		return fmt.Sprintf("They hold different locks, %s in %s and %s in %s, which do not exclude each other: guard %s with one lock that both sides take.",
			strings.Join(an, " and "), a.where(), strings.Join(bn, " and "), b.where(), name)
	}
	for _, s := range []raceSide{a, b} {
		for _, h := range s.held {
			if h.Read && s.acc.Write && slices.Contains(common, h.Name) {
				return fmt.Sprintf("Both hold %s, but the write in %s holds only its read lock, which other readers share: take %s's write lock (Lock) there.", h.Name, s.where(), h.Name)
			}
		}
	}
	return fmt.Sprintf("Both sides seem to hold %s, yet the race detector saw nothing ordering them: most likely they lock different instances of %s (each value's own lock, while %s is shared between them), or the lock is released on a path this static view does not follow. Guard %s with one lock instance that both goroutines take.",
		strings.Join(common, " and "), common[0], name, name)
}

func commonLocks(a, b []heldLock) []string {
	var out []string
	for _, x := range a {
		for _, y := range b {
			if x.Name == y.Name {
				out = append(out, x.Name)
			}
		}
	}
	return out
}

func raceVerb(a gotext.RaceAccess) string {
	if a.Write {
		return "writes"
	}
	return "reads"
}

func pastVerb(a gotext.RaceAccess) string {
	if a.Write {
		return "wrote"
	}
	return "read"
}

func codeWords(s raceSide) string {
	if s.key.File == "" {
		return ""
	}
	w := " (" + locWords(s.key)
	if s.code != "" {
		w += ": " + s.code
	}
	return w + ")"
}

func capitalize(s string) string {
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
}

func baseName(p string) string { return filepath.Base(p) }
