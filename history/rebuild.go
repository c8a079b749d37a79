package history

import (
	"io"
	"sort"
	"strconv"

	"github.com/partnermap/partnermap/scoring"
)

// Rebuild fills the weeks from since's week up to the week before asOf's that have no
// History row, so a group sees a trend on its first day. For each such week, stateAt gives
// the partners as they would have been scored on the week's last day (from the tabs as they
// are now); an active partner gets a row dated that day, Change `reconstructed`, when it has
// no earlier row or its ring, quadrant or owner differs from its latest one. Rows come back
// ordered by date (unreadable rows last), with the number added.
func Rebuild(prev []Row, since, asOf scoring.Date, stateAt func(day scoring.Date) []State) ([]Row, int) {
	rs := sorted(prev)
	state := map[string]Row{}
	busy := map[scoring.Date]bool{}
	for _, r := range rs {
		busy[Monday(r.Date)] = true
	}
	var added []Row
	i := 0
	for start := Monday(since); start < Monday(asOf); start = start.AddDays(7) {
		end := start.AddDays(6)
		for ; i < len(rs) && rs[i].Date <= end; i++ {
			state[rs[i].Key] = rs[i]
		}
		if busy[start] {
			continue
		}
		for _, s := range stateAt(end) {
			if s.Inactive {
				continue
			}
			if old, ok := state[s.Key]; ok && Describe(old, s) == "" {
				continue
			}
			r := rowOf(s, end, Reconstructed)
			added = append(added, r)
			state[s.Key] = r
		}
	}
	if len(added) == 0 {
		return prev, 0
	}
	out := append(rs, added...)
	sort.SliceStable(out, func(i, j int) bool { return out[i].Date < out[j].Date })
	for _, r := range prev {
		if !r.Readable() {
			out = append(out, r)
		}
	}
	return out, len(added)
}

// Fingerprint writes to w the rows a run on asOf reads as input: every row but that day's
// own, which the run rewrites. Sync mixes it into the input hash, so an edit of an earlier
// row is a change, and the rows partnermap itself wrote today are not.
func Fingerprint(w io.Writer, rows []Row, asOf scoring.Date) {
	var buf []byte
	for _, r := range rows {
		buf = buf[:0]
		if !r.Readable() {
			for _, c := range r.Raw {
				buf = append(append(buf, c.String()...), '\x1f')
			}
		} else if r.Date == asOf {
			continue
		} else {
			buf = strconv.AppendInt(buf, int64(r.Date), 10)
			for _, s := range []string{r.Partner, strconv.Itoa(r.Ring), strconv.Itoa(int(r.Quadrant)),
				maybe(r.Support), maybe(r.Power), maybe(r.Score), r.Owner, r.Stage, r.Change} {
				buf = append(append(buf, '\x1f'), s...)
			}
		}
		_, _ = w.Write(append(buf, '\n'))
	}
}

func maybe(m scoring.Maybe) string {
	if !m.Known {
		return ""
	}
	return strconv.FormatFloat(m.Value, 'f', -1, 64)
}
