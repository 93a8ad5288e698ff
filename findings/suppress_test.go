package findings

import (
	"testing"
	"testing/fstest"
)

const suppressSrc = `package a

func f() {
	a.Lock() //lockscope:ignore lock-order-cycle init runs alone
	//lockscope:ignore double-lock
	b.Lock()
	c.Lock() //lockscope:ignore lock-leak,double-lock two kinds, one reason
	x := 1 //lockscope:ignore hang not alone on the line above
	d.Lock()
}
`

func siteFinding(kind Kind, line int) Finding {
	return Finding{ID: string(kind), Kind: kind, Severity: Error, Title: string(kind), Evidence: []Evidence{{Stack: []Frame{
		{Func: "sync.(*Mutex).Lock", File: "/go/src/sync/mutex.go", Line: 1},
		{Func: "a.f", File: "/mod/a/a.go", Line: line}}}}}
}

func TestApplySuppressions(t *testing.T) {
	tests := []struct {
		name       string
		f          Finding
		wantReason string // "" means not suppressed
		wantWarn   bool
	}{
		{"same line", siteFinding("lock-order-cycle", 4), "init runs alone", false},
		{"line above, no reason", siteFinding("double-lock", 6), "(no reason given)", true},
		{"kind list", siteFinding("lock-leak", 7), "two kinds, one reason", false},
		{"other kind", siteFinding("hang", 4), "", false},
		{"above but after code", siteFinding("hang", 9), "", false},
		{"outside the module", Finding{ID: "o", Kind: "hang", Evidence: []Evidence{{Stack: []Frame{{File: "/elsewhere/a/a.go", Line: 4}}}}}, "", false},
	}
	src := fstest.MapFS{"a/a.go": {Data: []byte(suppressSrc)}}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res := &Result{Target: Target{Dir: "/mod"}, Findings: []Finding{tt.f}}
			ApplySuppressions(res, src)
			var got *Finding
			warned := false
			for i := range res.Findings {
				if res.Findings[i].Kind == UnexplainedSuppression.Kind {
					warned = res.Findings[i].Severity == Warning
				} else {
					got = &res.Findings[i]
				}
			}
			reason := ""
			if got.Suppression != nil {
				reason = got.Suppression.Reason
			}
			if reason != tt.wantReason || warned != tt.wantWarn {
				t.Errorf("suppression %q, warning %v; want %q, %v", reason, warned, tt.wantReason, tt.wantWarn)
			}
		})
	}
}

func TestExclude(t *testing.T) {
	res := &Result{Target: Target{Dir: "/mod"}, Findings: []Finding{
		siteFinding("hang", 4),
		{ID: "gen", Kind: "hang", Evidence: []Evidence{{Stack: []Frame{{File: "/mod/gen/x.go"}}}}},
		{ID: "mixed", Kind: "hang", Evidence: []Evidence{{Stack: []Frame{{File: "/mod/gen/x.go"}}}, {Stack: []Frame{{File: "/mod/a/a.go"}}}}},
	}}
	Exclude(res, []string{"gen/...", "b/*.go"})
	if res.Findings[0].Suppression != nil || res.Findings[1].Suppression == nil || res.Findings[2].Suppression != nil {
		t.Errorf("excluded: %v %v %v, want only the finding all inside gen/", res.Findings[0].Suppression, res.Findings[1].Suppression, res.Findings[2].Suppression)
	}
}
