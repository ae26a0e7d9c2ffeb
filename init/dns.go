package main

import (
	"errors"
	"net/netip"
	"strconv"
	"strings"

	"github.com/wispboot/wisp/internal/errs"
	"golang.org/x/net/dns/dnsmessage"
)

// The init looks up NTP servers' names itself: Go's resolver (package
// net) would add half a megabyte to the binary, dnsmessage about 30 KB.
// Names are taken as absolute (no search domains), over UDP only.

// errNoSuchHost is a name server's NXDOMAIN.
var errNoSuchHost = errors.New("no such host")

// dnsQuery is a recursive query for name's records of type t (A or AAAA).
func dnsQuery(id uint16, name string, t dnsmessage.Type) ([]byte, error) {
	if !strings.HasSuffix(name, ".") {
		name += "."
	}
	n, err := dnsmessage.NewName(name)
	if err != nil {
		return nil, errs.Wrap("host name "+strconv.Quote(name), err)
	}
	b := dnsmessage.NewBuilder(make([]byte, 0, 512), dnsmessage.Header{ID: id, RecursionDesired: true})
	if err := b.StartQuestions(); err != nil {
		return nil, err
	}
	if err := b.Question(dnsmessage.Question{Name: n, Type: t, Class: dnsmessage.ClassINET}); err != nil {
		return nil, err
	}
	return b.Finish()
}

// dnsAnswer reads a reply to query (as dnsQuery built it). ours is false
// for anything else, which the caller ignores. Otherwise it returns the
// addresses of type t in the answer (CNAMEs are followed by the server:
// their targets' records come in the same answer), errNoSuchHost, or the
// server's failure.
func dnsAnswer(reply, query []byte, t dnsmessage.Type) (addrs []netip.Addr, ours bool, err error) {
	var q, p dnsmessage.Parser
	qh, err := q.Start(query)
	if err != nil {
		return nil, false, err
	}
	question, err := q.Question()
	if err != nil {
		return nil, false, err
	}
	h, err := p.Start(reply)
	if err != nil || !h.Response || h.ID != qh.ID {
		return nil, false, nil
	}
	rq, err := p.Question()
	if err != nil || rq.Type != question.Type || !strings.EqualFold(rq.Name.String(), question.Name.String()) {
		return nil, false, nil
	}
	switch h.RCode {
	case dnsmessage.RCodeSuccess:
	case dnsmessage.RCodeNameError:
		return nil, true, errNoSuchHost
	default:
		return nil, true, errors.New("name server answers " + h.RCode.String())
	}
	if err := p.SkipAllQuestions(); err != nil {
		return nil, true, err
	}
	for {
		ah, err := p.AnswerHeader()
		if errors.Is(err, dnsmessage.ErrSectionDone) {
			break
		} else if err != nil {
			return addrs, true, err
		}
		switch {
		case ah.Type == t && t == dnsmessage.TypeA:
			r, err := p.AResource()
			if err != nil {
				return addrs, true, err
			}
			addrs = append(addrs, netip.AddrFrom4(r.A))
		case ah.Type == t && t == dnsmessage.TypeAAAA:
			r, err := p.AAAAResource()
			if err != nil {
				return addrs, true, err
			}
			addrs = append(addrs, netip.AddrFrom16(r.AAAA))
		default:
			if err := p.SkipAnswer(); err != nil {
				return addrs, true, err
			}
		}
	}
	if len(addrs) == 0 && h.Truncated {
		return nil, true, errors.New("answer truncated (the init does not ask over TCP)")
	}
	return addrs, true, nil
}
