package main

import (
	"errors"
	"net/netip"
	"strconv"
	"strings"
	"time"

	"github.com/wispboot/wisp/internal/errs"
	"golang.org/x/sys/unix"
)

// defaultNTPTimeout bounds the ntp step when the config gives no bound.
const defaultNTPTimeout = 5 * time.Second

// maxAddrsPerName is how many of a name's addresses are asked.
const maxAddrsPerName = 4

// An ntpResult is one server's answer, or why there is none.
type ntpResult struct {
	server  string        // the entry, and the address asked if it was a name
	time    int64         // Unix nanoseconds, at
	at      time.Duration // since boot
	stratum byte
	err     error
}

// syncClock is the ntp step: every server is asked at once (a name is
// looked up first), and the first valid answer sets the clock, never
// below the clock floor. Its failure does not stop the boot: the clock
// stays where the floor or the hardware put it.
func syncClock(b *boot) (string, error) {
	c := b.cfg.Clock
	if len(c.NTP) == 0 {
		return "", skipped("no NTP servers in config")
	}
	timeout := defaultNTPTimeout
	if c.NTPTimeoutMs > 0 {
		timeout = time.Duration(c.NTPTimeoutMs) * time.Millisecond
	}
	servers, _ := dnsConfig(b.cfg.Network, b.lease)
	nameservers := make([]netip.AddrPort, len(servers))
	for i, s := range servers {
		nameservers[i] = netip.AddrPortFrom(s, dnsPort)
	}
	got, err := askAll(c.NTP, nameservers, b.link, max(c.Floor, 0), sinceBoot()+timeout)
	before := realtime()
	if err != nil {
		return "", nonFatal{errs.WithMessage(err.Error()+"; continuing with the clock at "+utc(before/1e9), err)}
	}
	now := got.time + int64(sinceBoot()-got.at)
	if err := setRealtime(now); err != nil {
		return "", nonFatal{errs.WithMessage(err.Error()+"; continuing with the clock at "+utc(before/1e9), err)}
	}
	return got.server + " stratum " + strconv.Itoa(int(got.stratum)) + ": " + utc(before/1e9) + " -> " + utc(now/1e9), nil
}

// askAll asks every server at once and returns the first valid answer,
// or every server's error. The askers still waiting then stop: none is
// left running.
func askAll(entries []string, nameservers []netip.AddrPort, zone int32, floor int64, deadline time.Duration) (*ntpResult, error) {
	// Closing stop's write end wakes the askers that are still waiting.
	var stop [2]int
	if err := unix.Pipe2(stop[:], unix.O_CLOEXEC); err != nil {
		return nil, errs.Wrap("creating a pipe", err)
	}
	type indexed struct {
		i int
		ntpResult
	}
	results := make(chan indexed, len(entries))
	for i, e := range entries {
		go func() { results <- indexed{i, askNTP(e, nameservers, zone, floor, deadline, stop[0])} }()
	}
	var got *ntpResult
	fails := make([]string, len(entries))
	left := len(entries)
	for ; left > 0 && got == nil; left-- {
		r := <-results
		if r.err == nil {
			got = &r.ntpResult
		} else {
			fails[r.i] = r.err.Error()
		}
	}
	unix.Close(stop[1])
	for ; left > 0; left-- {
		<-results
	}
	unix.Close(stop[0])
	if got == nil {
		return nil, errors.New(strings.Join(fails, "; "))
	}
	return got, nil
}

// askNTP asks one configured server, looking its name up first.
func askNTP(entry string, nameservers []netip.AddrPort, zone int32, floor int64, deadline time.Duration, stop int) ntpResult {
	res := ntpResult{server: entry}
	s, err := parseNTPServer(entry)
	if err != nil {
		res.err = err
		return res
	}
	addrs := []netip.Addr{s.addr}
	if s.host != "" {
		if addrs, err = lookup(s.host, nameservers, zone, deadline, stop); err != nil {
			res.err = err
			return res
		}
		addrs = addrs[:min(len(addrs), maxAddrsPerName)]
	}
	dsts := make([]netip.AddrPort, len(addrs))
	for i, a := range addrs {
		dsts[i] = netip.AddrPortFrom(a, s.port)
	}

	type request struct {
		nonce uint64
		sent  time.Duration
	}
	var sent []request
	i, err := exchange(dsts, zone, func() []byte {
		r := request{random64(), sinceBoot()}
		sent = append(sent, r)
		return sntpRequest(r.nonce)
	}, func(b []byte) (bool, error) {
		arrived := sinceBoot()
		nonce, ok := sntpOriginate(b)
		if !ok {
			return false, nil
		}
		for _, r := range sent {
			if r.nonce != nonce {
				continue
			}
			reply, err := parseSNTP(b, nonce)
			if err != nil {
				return false, err
			}
			pivot := floor
			if pivot == 0 {
				pivot = era0End
			}
			t := sntpTime(reply, r.sent, arrived, pivot)
			if t < floor*1e9 {
				return false, errors.New("says " + utc(t/1e9) + ", before the clock floor " + utc(floor))
			}
			res.time, res.at, res.stratum = t, arrived, reply.stratum
			return true, nil
		}
		return false, nil // an answer to nothing sent
	}, deadline, stop)
	if errors.Is(err, errStopped) {
		res.err = err
		return res
	} else if err != nil {
		res.err = errs.Wrap(entry, err)
		if s.host == "" {
			res.err = err // the error names the address already
		}
		return res
	}
	if s.host != "" {
		res.server = entry + " (" + dsts[i].String() + ")"
	} else {
		res.server = dsts[i].String()
	}
	return res
}
