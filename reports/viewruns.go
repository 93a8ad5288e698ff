package reports

import (
	"fmt"
	"sort"
	"time"

	"github.com/lockscope/lockscope/findings"
)

// The per-run and per-package breakdown, for --runs N and multi-package
// test runs.

type breakdownView struct {
	Runs     []int // column headings
	Packages []breakdownRow
	More     int
}

type breakdownRow struct {
	Package  string
	Cells    []runCell
	Findings int
}

type runCell struct {
	State, Class, Duration string
}

func newBreakdown(res *findings.Result) *breakdownView {
	if len(res.Runs) < 2 {
		return nil
	}
	b := &breakdownView{}
	runs := map[int]bool{}
	rows := map[string]*breakdownRow{}
	var pkgs []string
	for _, r := range res.Runs {
		runs[r.Run] = true
		if rows[r.Package] == nil {
			rows[r.Package] = &breakdownRow{Package: r.Package}
			pkgs = append(pkgs, r.Package)
		}
	}
	for r := range runs {
		b.Runs = append(b.Runs, r)
	}
	sort.Ints(b.Runs)
	if len(b.Runs) > maxRunCols {
		b.Runs = b.Runs[:maxRunCols]
	}
	sort.Strings(pkgs)
	col := map[int]int{}
	for i, r := range b.Runs {
		col[r] = i
	}
	for _, p := range pkgs {
		rows[p].Cells = make([]runCell, len(b.Runs))
		for i := range rows[p].Cells {
			rows[p].Cells[i] = runCell{State: "—", Class: "none"}
		}
	}
	for _, r := range res.Runs {
		if i, ok := col[r.Run]; ok {
			rows[r.Package].Cells[i] = cellOf(r)
		}
	}
	for _, f := range res.Findings {
		if row := rows[f.Package]; row != nil {
			row.Findings++
		}
	}
	for i, p := range pkgs {
		if i == maxRunRows {
			b.More = len(pkgs) - i
			break
		}
		row := *rows[p]
		if row.Package == "" {
			row.Package = "target"
		}
		b.Packages = append(b.Packages, row)
	}
	return b
}

func cellOf(r findings.RunSummary) runCell {
	d := (time.Duration(r.DurationMs) * time.Millisecond).String()
	switch {
	case r.TimedOut:
		return runCell{State: "timed out", Class: "bad", Duration: d}
	case r.ExitCode != 0:
		return runCell{State: fmt.Sprintf("exit %d", r.ExitCode), Class: "bad", Duration: d}
	}
	return runCell{State: "ok", Class: "ok", Duration: d}
}
