package diff

import (
	"math"
	"net/netip"
	"slices"
	"sort"
	"strconv"
	"time"
)

// NumberReps returns representatives of the classes of numbers that
// comparisons with nums tell apart: each number, a number between each two
// neighbours, one below and one above, and a value that is not a number.
func NumberReps(nums []float64) []string {
	out := []string{"not-a-number"}
	sort.Float64s(nums)
	if len(nums) == 0 {
		return append(out, "0")
	}
	nums = slices.Compact(nums)
	out = append(out, strconv.FormatFloat(nums[0]-1, 'g', -1, 64))
	for i, n := range nums {
		out = append(out, strconv.FormatFloat(n, 'g', -1, 64))
		if i+1 < len(nums) {
			if mid := n + (nums[i+1]-n)/2; mid != n && mid != nums[i+1] {
				out = append(out, strconv.FormatFloat(mid, 'g', -1, 64))
			}
		}
	}
	last := nums[len(nums)-1]
	if math.IsInf(last, 0) || math.IsNaN(last) {
		return out
	}
	return append(out, strconv.FormatFloat(last+1, 'g', -1, 64))
}

// DateReps is NumberReps for dates: each date, one between each two
// neighbours, one before and one after, and a value that is not a date.
func DateReps(ts []time.Time) []string {
	out := []string{"not-a-date"}
	if len(ts) == 0 {
		return append(out, "2000-01-01T00:00:00Z")
	}
	sort.Slice(ts, func(i, j int) bool { return ts[i].Before(ts[j]) })
	format := func(t time.Time) string { return t.UTC().Format(time.RFC3339Nano) }
	out = append(out, format(ts[0].Add(-time.Hour)))
	for i, t := range ts {
		if i > 0 && t.Equal(ts[i-1]) {
			continue
		}
		out = append(out, format(t))
		if i+1 < len(ts) {
			if gap := ts[i+1].Sub(t); gap >= 2 {
				out = append(out, format(t.Add(gap/2)))
			}
		}
	}
	return append(out, format(ts[len(ts)-1].Add(time.Hour)))
}

// IPReps returns representatives of the classes of addresses that
// membership in prefixes tells apart: for each prefix, and for the whole
// IPv4 and IPv6 spaces, an address in it and in none of the prefixes
// nested inside it (when there is one), and a value that is not an address.
func IPReps(prefixes []netip.Prefix) []string {
	out := []string{"not-an-address"}
	all := append([]netip.Prefix{netip.MustParsePrefix("0.0.0.0/0"), netip.MustParsePrefix("::/0")}, prefixes...)
	seen := map[netip.Addr]bool{}
	for _, p := range all {
		var inner []netip.Prefix
		for _, q := range prefixes {
			if q.Bits() > p.Bits() && p.Contains(q.Addr()) {
				inner = append(inner, q)
			}
		}
		if a, ok := uncovered(p, inner); ok && !seen[a] {
			seen[a] = true
			out = append(out, a.String())
		}
	}
	return out
}

// uncovered returns an address of p outside every prefix of inner (all
// strictly inside p), if there is one.
func uncovered(p netip.Prefix, inner []netip.Prefix) (netip.Addr, bool) {
	var overlap []netip.Prefix
	for _, q := range inner {
		if q.Bits() <= p.Bits() && q.Contains(p.Addr()) {
			return netip.Addr{}, false // p is covered entirely
		}
		if p.Overlaps(q) {
			overlap = append(overlap, q)
		}
	}
	if len(overlap) == 0 {
		return p.Addr(), true
	}
	if p.Bits() >= p.Addr().BitLen() {
		return netip.Addr{}, false
	}
	lo := netip.PrefixFrom(p.Addr(), p.Bits()+1)
	if a, ok := uncovered(lo, overlap); ok {
		return a, true
	}
	return uncovered(netip.PrefixFrom(upperHalf(p), p.Bits()+1), overlap)
}

// upperHalf returns the first address of the upper half of p.
func upperHalf(p netip.Prefix) netip.Addr {
	b := p.Addr().AsSlice()
	bit := p.Bits()
	b[bit/8] |= 0x80 >> (bit % 8)
	a, _ := netip.AddrFromSlice(b)
	return a
}
