package decode

import (
	"errors"
	"fmt"
	"math"
	"strconv"
	"time"
	"unicode"

	"github.com/partnermap/partnermap/scoring"
	"github.com/partnermap/partnermap/sheets"
)

// DateOrder says how a numeric text date like 11/12/2026 is read.
type DateOrder int

// The date orders of config `date_order`.
const (
	MDY DateOrder = iota // month first: 11/23/2026 (the default)
	DMY                  // day first: 23/11/2026
)

// String is the config spelling of the order.
func (o DateOrder) String() string {
	if o == DMY {
		return "DMY"
	}
	return "MDY"
}

// Bounds of an accepted date. Text dates may be any day of the years 1900–9999; a bare
// number is read as a serial only from 1950 on, because a smaller number in a date column
// (a year, a day of the month) is far likelier a slip than a date of the 1940s.
const (
	minDate       scoring.Date = 2       // 1900-01-01
	minSerialDate scoring.Date = 18264   // 1950-01-01
	maxDate       scoring.Date = 2958465 // 9999-12-31
)

// ParseDate reads a date cell: a date cell, a spreadsheet serial number (days since
// 1899-12-30; a time of day is dropped) or text such as 2026-11-23, 11/23/2026 (23/11/2026
// under DMY), Nov 23, 2026 or 23 Nov 2026.
func ParseDate(c sheets.Cell, order DateOrder) (scoring.Date, error) {
	switch c.Kind {
	case sheets.Date:
		t := c.Time()
		y := t.Year()
		if y < 1900 || y > 9999 {
			return 0, fmt.Errorf("year %d is out of range: use a date between 1900 and 9999", y)
		}
		return dateOf(y, t.Month(), t.Day()), nil
	case sheets.Number:
		return fromSerial(c.Num)
	case sheets.Text:
		s := clean(c.Text)
		if s == "" {
			return 0, ErrBlank
		}
		return parseDateText(s, order)
	case sheets.Bool:
		return 0, errors.New("a checkbox is not a date: type a date such as 2026-11-23")
	}
	return 0, ErrBlank
}

// fromSerial reads a spreadsheet serial number.
func fromSerial(v float64) (scoring.Date, error) {
	if math.IsNaN(v) || math.IsInf(v, 0) {
		return 0, errors.New("not a date: type a date such as 2026-11-23")
	}
	d := math.Floor(v)
	if d >= float64(minSerialDate) && d <= float64(maxDate) {
		return scoring.Date(d), nil
	}
	// 20261123 typed into a number cell: say how to type it.
	if d == v && d >= 19000101 && d <= 99991231 {
		n := int(d)
		y, m, day := n/10000, n/100%100, n%100
		if validDay(y, m, day) {
			return 0, fmt.Errorf("%d is a number, not a date: type it as %04d-%02d-%02d", n, y, m, day)
		}
	}
	return 0, fmt.Errorf("%s is a number, not a date: type a date such as 2026-11-23", quoted(formatNum(v)))
}

// unixDay0 is the serial of 1970-01-01.
const unixDay0 = 25569

// dateOf returns the Date of a calendar day. It counts days through Unix time rather than
// scoring.DateOf, whose time.Duration arithmetic saturates after the year 2192.
func dateOf(y int, m time.Month, d int) scoring.Date {
	return scoring.Date(time.Date(y, m, d, 0, 0, 0, 0, time.UTC).Unix()/86400 + unixDay0)
}

// validDay reports whether y-m-d is a real day of an accepted year.
func validDay(y, m, d int) bool {
	if y < 1900 || y > 9999 || m < 1 || m > 12 || d < 1 {
		return false
	}
	return d <= daysIn(y, m)
}

func daysIn(y, m int) int {
	return time.Date(y, time.Month(m)+1, 0, 0, 0, 0, 0, time.UTC).Day()
}

// token is one run of digits or letters in a text date.
type token struct {
	s     string
	digit bool
}

// maxTokens bounds tokenizing, so a pasted paragraph in a date column costs little.
const maxTokens = 6

// tokenize splits a text date into runs of digits and letters, separated by spaces,
// commas, slashes, dashes and dots; ok is false for any other character or too many runs.
// The runs go into buf, so reading a date allocates nothing.
func tokenize(buf *[maxTokens]token, s string) (toks []token, ok bool) {
	toks = buf[:0]
	start, kind := -1, 0 // kind 1 digits, 2 letters
	flush := func(end int) bool {
		if start >= 0 {
			if len(toks) == maxTokens {
				return false
			}
			toks = append(toks, token{s: s[start:end], digit: kind == 1})
			start = -1
		}
		return true
	}
	for i, r := range s {
		k := 0
		switch {
		case r >= '0' && r <= '9':
			k = 1
		case r < utf8RuneSelf && unicode.IsLetter(r):
			k = 2
		case r == ' ' || r == ',' || r == '/' || r == '-' || r == '.' || unicode.IsSpace(r):
		default:
			return nil, false
		}
		if k != kind || k == 0 {
			if !flush(i) {
				return nil, false
			}
		}
		if k != 0 && start < 0 {
			start = i
		}
		kind = k
	}
	if !flush(len(s)) {
		return nil, false
	}
	return toks, true
}

const utf8RuneSelf = 0x80

// monthOf reads a month name or its abbreviation.
func monthOf(s string) int {
	switch lower(s) {
	case "jan", "january":
		return 1
	case "feb", "february":
		return 2
	case "mar", "march":
		return 3
	case "apr", "april":
		return 4
	case "may":
		return 5
	case "jun", "june":
		return 6
	case "jul", "july":
		return 7
	case "aug", "august":
		return 8
	case "sep", "sept", "september":
		return 9
	case "oct", "october":
		return 10
	case "nov", "november":
		return 11
	case "dec", "december":
		return 12
	}
	return 0
}

func isWeekday(s string) bool {
	switch lower(s) {
	case "mon", "monday", "tue", "tues", "tuesday", "wed", "wednesday", "thu", "thur", "thurs",
		"thursday", "fri", "friday", "sat", "saturday", "sun", "sunday":
		return true
	}
	return false
}

func isOrdinal(s string) bool {
	switch lower(s) {
	case "st", "nd", "rd", "th":
		return true
	}
	return false
}

// lower lowercases ASCII letters; tokens hold nothing else.
func lower(s string) string {
	for i := 0; i < len(s); i++ {
		if s[i] >= 'A' && s[i] <= 'Z' {
			b := []byte(s)
			for j := i; j < len(b); j++ {
				if b[j] >= 'A' && b[j] <= 'Z' {
					b[j] += 'a' - 'A'
				}
			}
			return string(b)
		}
	}
	return s
}

// atoi reads a run of at most four digits.
func atoi(s string) (int, bool) {
	if len(s) == 0 || len(s) > 4 {
		return 0, false
	}
	n, err := strconv.Atoi(s)
	return n, err == nil
}

// dateError explains a text date that cannot be read, with the accepted forms in the sheet's order.
// It leaves the value out: every message about a cell is shown beside the cell as typed.
func dateError(order DateOrder) error {
	example := "11/23/2026 or Nov 23, 2026"
	if order == DMY {
		example = "23/11/2026 or 23 Nov 2026"
	}
	return fmt.Errorf("not a date: use a date like 2026-11-23, %s", example)
}

// inOrder formats y-m-d as a numeric date in the sheet's order.
func inOrder(y, m, d int, order DateOrder) string {
	if order == DMY {
		return fmt.Sprintf("%d/%d/%04d", d, m, y)
	}
	return fmt.Sprintf("%d/%d/%04d", m, d, y)
}

// fullYear guesses the century of a two-digit year, only to suggest a fix.
func fullYear(yy int) int {
	if yy < 70 {
		return 2000 + yy
	}
	return 1900 + yy
}

func parseDateText(s string, order DateOrder) (scoring.Date, error) {
	// An ISO date-time (2026-11-23T10:00:00Z, 2026-11-23 10:00): keep the day.
	if len(s) > 10 && (s[10] == 'T' || s[10] == ' ') && s[4] == '-' && s[7] == '-' && containsByte(s[10:], ':') {
		s = s[:10]
	}
	var buf [maxTokens]token
	toks, ok := tokenize(&buf, s)
	if !ok {
		return 0, dateError(order)
	}
	if len(toks) > 0 && !toks[0].digit && isWeekday(toks[0].s) {
		toks = toks[1:]
	}
	// Drop ordinal suffixes: 23rd Nov 2026, Nov 23rd, 2026.
	kept := toks[:0]
	for i, t := range toks {
		if i > 0 && !t.digit && toks[i-1].digit && isOrdinal(t.s) {
			continue
		}
		kept = append(kept, t)
	}
	toks = kept
	if len(toks) != 3 {
		return 0, dateError(order)
	}
	a, b, c := toks[0], toks[1], toks[2]
	switch {
	case a.digit && b.digit && c.digit:
		return numericDate(s, a.s, b.s, c.s, order)
	case !a.digit && b.digit && c.digit: // Nov 23 2026
		return namedDate(s, c.s, monthOf(a.s), b.s, order)
	case a.digit && !b.digit && c.digit && len(a.s) == 4: // 2026-Nov-23
		return namedDate(s, a.s, monthOf(b.s), c.s, order)
	case a.digit && !b.digit && c.digit: // 23 Nov 2026
		return namedDate(s, c.s, monthOf(b.s), a.s, order)
	}
	return 0, dateError(order)
}

func containsByte(s string, c byte) bool {
	for i := 0; i < len(s); i++ {
		if s[i] == c {
			return true
		}
	}
	return false
}

// day returns the Date of y-m-d, or says why that day does not exist.
func day(s string, y, m, d int, order DateOrder) (scoring.Date, error) {
	if y < 1900 || y > 9999 {
		return 0, fmt.Errorf("%s: year %d is out of range: use a date between 1900 and 9999", quoted(s), y)
	}
	if m < 1 || m > 12 {
		return 0, dateError(order)
	}
	if d < 1 || d > daysIn(y, m) {
		return 0, fmt.Errorf("%s: %s %d has no day %d", quoted(s), time.Month(m), y, d)
	}
	return dateOf(y, time.Month(m), d), nil
}

// numericDate reads y-m-d or the sheet's order of month and day with a four-digit year.
func numericDate(s, a, b, c string, order DateOrder) (scoring.Date, error) {
	x, okA := atoi(a)
	y, okB := atoi(b)
	z, okC := atoi(c)
	if !okA || !okB || !okC || len(b) > 2 {
		return 0, dateError(order)
	}
	if len(a) == 4 {
		if len(c) > 2 {
			return 0, dateError(order)
		}
		return day(s, x, y, z, order)
	}
	if len(a) > 2 {
		return 0, dateError(order)
	}
	m, d := x, y
	other := DMY
	if order == DMY {
		m, d, other = y, x, MDY
	}
	switch len(c) {
	case 4:
		if validDay(z, m, d) {
			return dateOf(z, time.Month(m), d), nil
		}
		if validDay(z, d, m) {
			return 0, fmt.Errorf("%s is not a %s date: if this sheet writes the %s first, set date_order: %s in the config; or type %04d-%02d-%02d",
				quoted(s), orderWords(order), firstWord(other), other, z, d, m)
		}
		return day(s, z, m, d, order)
	case 2:
		yy := fullYear(z)
		if validDay(yy, m, d) {
			return 0, fmt.Errorf("%s: use %04d-%02d-%02d or %s", quoted(s), yy, m, d, inOrder(yy, m, d, order))
		}
	}
	return 0, dateError(order)
}

func orderWords(o DateOrder) string {
	if o == DMY {
		return "day/month/year"
	}
	return "month/day/year"
}

func firstWord(o DateOrder) string {
	if o == DMY {
		return "day"
	}
	return "month"
}

// namedDate reads a date with the month spelled out; the year must have four digits.
func namedDate(s, year string, m int, dayOf string, order DateOrder) (scoring.Date, error) {
	y, okY := atoi(year)
	d, okD := atoi(dayOf)
	if m == 0 || !okY || !okD || len(dayOf) > 2 {
		return 0, dateError(order)
	}
	switch len(year) {
	case 4:
		return day(s, y, m, d, order)
	case 2:
		yy := fullYear(y)
		if validDay(yy, m, d) {
			named := fmt.Sprintf("%s %d, %04d", time.Month(m).String()[:3], d, yy)
			if order == DMY {
				named = fmt.Sprintf("%d %s %04d", d, time.Month(m).String()[:3], yy)
			}
			return 0, fmt.Errorf("%s: use %04d-%02d-%02d or %s", quoted(s), yy, m, d, named)
		}
	}
	return 0, dateError(order)
}
