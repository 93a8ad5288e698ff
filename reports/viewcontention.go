package reports

import (
	"fmt"
	"sort"

	"github.com/lockscope/lockscope/findings"
)

// contentionView is a bar chart of wait and hold time per lock, and the
// table behind it.
type contentionView struct {
	Bars []contentionBar
	W, H int
	Rows []contentionRow
	More int
}

type contentionBar struct {
	Label        svgText
	WaitX, WaitY int
	WaitW, HoldW int
	HoldY        int
	WaitText     svgText
	HoldText     svgText
}

type contentionRow struct {
	Lock, Waits, Wait, MaxWait, Hold, MaxHold, MaxHoldSite string
}

const (
	maxBars  = 15
	barWidth = 420.0
	barH     = 12
)

func newContentionView(cs []findings.Contention) *contentionView {
	var list []findings.Contention
	for _, c := range cs {
		if c.Waits > 0 || c.HoldNs > 0 {
			list = append(list, c)
		}
	}
	if len(list) == 0 {
		return nil
	}
	sort.SliceStable(list, func(i, j int) bool {
		if list[i].WaitNs != list[j].WaitNs {
			return list[i].WaitNs > list[j].WaitNs
		}
		if list[i].HoldNs != list[j].HoldNs {
			return list[i].HoldNs > list[j].HoldNs
		}
		return list[i].Lock < list[j].Lock
	})
	v := &contentionView{}
	for i, c := range list {
		if i == maxContention {
			v.More = len(list) - i
			break
		}
		v.Rows = append(v.Rows, contentionRow{
			Lock: c.Lock, Waits: fmt.Sprint(c.Waits), Wait: findings.Duration(c.WaitNs), MaxWait: findings.Duration(c.MaxWaitNs),
			Hold: findings.Duration(c.HoldNs), MaxHold: findings.Duration(c.MaxHoldNs), MaxHoldSite: c.MaxHoldSite,
		})
	}
	bars := list[:min(len(list), maxBars)]
	var top int64 = 1
	labelW := 0
	for _, c := range bars {
		top = max(top, c.WaitNs, c.HoldNs)
		labelW = max(labelW, len([]rune(c.Lock)))
	}
	x0 := int(float64(labelW)*charW) + 24
	for i, c := range bars {
		y := 10 + i*40
		b := contentionBar{
			Label: svgText{X: x0 - 10, Y: y + 17, Anchor: "end", Class: "name", Text: c.Lock},
			WaitX: x0, WaitY: y, HoldY: y + barH + 4,
			WaitW: max(1, int(barWidth*float64(c.WaitNs)/float64(top))),
			HoldW: max(1, int(barWidth*float64(c.HoldNs)/float64(top))),
		}
		b.WaitText = svgText{X: x0 + b.WaitW + 6, Y: y + barH - 1, Anchor: "start", Class: "val", Text: "wait " + findings.Duration(c.WaitNs)}
		b.HoldText = svgText{X: x0 + b.HoldW + 6, Y: y + 2*barH + 3, Anchor: "start", Class: "val", Text: "hold " + findings.Duration(c.HoldNs)}
		v.Bars = append(v.Bars, b)
	}
	v.W = x0 + int(barWidth) + 140
	v.H = 20 + len(bars)*40
	return v
}
