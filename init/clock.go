package main

import "strconv"

// utc formats Unix seconds as RFC 3339 in UTC, "2025-11-22T06:12:00Z",
// without time.Time (see files_linux.go). The date is Howard Hinnant's
// civil_from_days (https://howardhinnant.github.io/date_algorithms.html).
func utc(sec int64) string {
	days, s := sec/86400, sec%86400
	if s < 0 {
		days, s = days-1, s+86400
	}
	z := days + 719468 // days since 0000-03-01
	era := z / 146097
	if z < 0 && z%146097 != 0 {
		era--
	}
	doe := z - era*146097                                  // [0, 146096]
	yoe := (doe - doe/1460 + doe/36524 - doe/146096) / 365 // [0, 399]
	doy := doe - (365*yoe + yoe/4 - yoe/100)               // [0, 365]
	mp := (5*doy + 2) / 153                                // [0, 11], from March
	d := doy - (153*mp+2)/5 + 1
	m := mp + 3
	if m > 12 {
		m -= 12
	}
	y := yoe + era*400
	if m <= 2 {
		y++
	}
	return zeroPad(y, 4) + "-" + zeroPad(m, 2) + "-" + zeroPad(d, 2) + "T" +
		zeroPad(s/3600, 2) + ":" + zeroPad(s/60%60, 2) + ":" + zeroPad(s%60, 2) + "Z"
}

// zeroPad formats n in at least width characters, zeros after any sign,
// as %0*d does.
func zeroPad(n int64, width int) string {
	digits, sign := strconv.FormatInt(n, 10), ""
	if n < 0 {
		digits, sign = digits[1:], "-"
	}
	for len(sign)+len(digits) < width {
		digits = "0" + digits
	}
	return sign + digits
}
