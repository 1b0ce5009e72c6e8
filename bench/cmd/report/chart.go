package main

import (
	"fmt"
	"math"
	"strconv"
	"strings"
)

var colors = map[string]string{
	"astran": "#d62728",
	"minio":  "#1f77b4",
	"cedar":  "#2ca02c",
	"opa":    "#9467bd",
}

type point struct{ n, ns float64 }

// scalingSeries returns, per engine, the median ns/op of each Scaling row.
func scalingSeries(res *results) map[string][]point {
	out := map[string][]point{}
	for _, r := range rowsWithPrefix(res, "Scaling/statements=") {
		n, err := strconv.Atoi(strings.TrimPrefix(r, "Scaling/statements="))
		if err != nil {
			continue
		}
		for e, s := range res.rows[r] {
			if v, ok := s.median("ns/op"); ok && v > 0 {
				out[e] = append(out[e], point{float64(n), v})
			}
		}
	}
	return out
}

// chart draws workload 3 as a hand-written SVG: log-scale x (statements) and
// y (ns per decision) axes, one polyline per engine.
func chart(res *results) string {
	const (
		w, h                     = 760, 460
		left, right, top, bottom = 80, 130, 40, 60
	)
	series := scalingSeries(res)
	minX, maxX := math.Inf(1), math.Inf(-1)
	minY, maxY := math.Inf(1), math.Inf(-1)
	for _, pts := range series {
		for _, p := range pts {
			minX, maxX = math.Min(minX, p.n), math.Max(maxX, p.n)
			minY, maxY = math.Min(minY, p.ns), math.Max(maxY, p.ns)
		}
	}
	var b strings.Builder
	fmt.Fprintf(&b, `<svg xmlns="http://www.w3.org/2000/svg" width="%d" height="%d" viewBox="0 0 %d %d" font-family="sans-serif" font-size="12">`+"\n", w, h, w, h)
	fmt.Fprintf(&b, `<rect width="%d" height="%d" fill="white"/>`+"\n", w, h)
	fmt.Fprintf(&b, `<text x="%d" y="22" font-size="15" font-weight="bold">Workload 3: time per decision vs. number of statements (log–log)</text>`+"\n", left)
	if len(series) == 0 {
		b.WriteString(`<text x="80" y="100">no Scaling results</text></svg>` + "\n")
		return b.String()
	}
	x0, x1 := math.Floor(math.Log10(minX)), math.Ceil(math.Log10(maxX))
	y0, y1 := math.Floor(math.Log10(minY)), math.Ceil(math.Log10(maxY))
	if x1 == x0 {
		x1++
	}
	if y1 == y0 {
		y1++
	}
	pw, ph := float64(w-left-right), float64(h-top-bottom)
	px := func(n float64) float64 { return float64(left) + (math.Log10(n)-x0)/(x1-x0)*pw }
	py := func(ns float64) float64 { return float64(top) + (y1-math.Log10(ns))/(y1-y0)*ph }

	// Grid and axes.
	for e := x0; e <= x1; e++ {
		x := px(math.Pow(10, e))
		fmt.Fprintf(&b, `<line x1="%.1f" y1="%d" x2="%.1f" y2="%d" stroke="#ddd"/>`+"\n", x, top, x, h-bottom)
		fmt.Fprintf(&b, `<text x="%.1f" y="%d" text-anchor="middle">%s</text>`+"\n", x, h-bottom+18, fmtCount(math.Pow(10, e)))
	}
	for e := y0; e <= y1; e++ {
		y := py(math.Pow(10, e))
		fmt.Fprintf(&b, `<line x1="%d" y1="%.1f" x2="%d" y2="%.1f" stroke="#ddd"/>`+"\n", left, y, w-right, y)
		fmt.Fprintf(&b, `<text x="%d" y="%.1f" text-anchor="end" dominant-baseline="middle">%s</text>`+"\n", left-8, y, fmtDecade(e))
	}
	fmt.Fprintf(&b, `<rect x="%d" y="%d" width="%.0f" height="%.0f" fill="none" stroke="#333"/>`+"\n", left, top, pw, ph)
	fmt.Fprintf(&b, `<text x="%.0f" y="%d" text-anchor="middle">statements in the policy set (log scale)</text>`+"\n", float64(left)+pw/2, h-18)
	fmt.Fprintf(&b, `<text x="18" y="%.0f" text-anchor="middle" transform="rotate(-90 18 %.0f)">time per decision (log scale)</text>`+"\n", float64(top)+ph/2, float64(top)+ph/2)

	// Series, ours first then the peers.
	ly := top + 10
	for _, e := range append([]string{us}, peers...) {
		pts := series[e]
		if len(pts) == 0 {
			continue
		}
		c := colors[e]
		var coords []string
		for _, p := range pts {
			coords = append(coords, fmt.Sprintf("%.1f,%.1f", px(p.n), py(p.ns)))
		}
		fmt.Fprintf(&b, `<polyline fill="none" stroke="%s" stroke-width="2.5" points="%s"/>`+"\n", c, strings.Join(coords, " "))
		for _, p := range pts {
			fmt.Fprintf(&b, `<circle cx="%.1f" cy="%.1f" r="4" fill="%s"><title>%s, %s statements: %s</title></circle>`+"\n",
				px(p.n), py(p.ns), c, e, fmtCount(p.n), fmtNs(p.ns))
		}
		fmt.Fprintf(&b, `<line x1="%d" y1="%d" x2="%d" y2="%d" stroke="%s" stroke-width="2.5"/>`+"\n", w-right+15, ly, w-right+40, ly, c)
		fmt.Fprintf(&b, `<text x="%d" y="%d" dominant-baseline="middle">%s</text>`+"\n", w-right+46, ly, e)
		ly += 22
	}
	b.WriteString("</svg>\n")
	return b.String()
}

func fmtCount(n float64) string {
	s := strconv.FormatFloat(n, 'f', 0, 64)
	for i := len(s) - 3; i > 0; i -= 3 {
		s = s[:i] + "," + s[i:]
	}
	return s
}

// fmtDecade names the duration 10^e nanoseconds: "10 ns", "1 µs", "100 ms".
func fmtDecade(e float64) string {
	units := []string{"ns", "µs", "ms", "s"}
	i := int(e) / 3
	if e < 0 || i >= len(units) {
		return fmtNs(math.Pow(10, e))
	}
	return strconv.FormatFloat(math.Pow(10, float64(int(e)%3)), 'f', 0, 64) + " " + units[i]
}
