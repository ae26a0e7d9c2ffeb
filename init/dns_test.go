package main

import (
	"errors"
	"net/netip"
	"reflect"
	"testing"

	"golang.org/x/net/dns/dnsmessage"
)

// dnsReply answers query with rcode and resources built by add.
func dnsReply(t testing.TB, query []byte, rcode dnsmessage.RCode, add func(*dnsmessage.Builder, dnsmessage.Name) error) []byte {
	t.Helper()
	var p dnsmessage.Parser
	h, err := p.Start(query)
	if err != nil {
		t.Fatal(err)
	}
	q, err := p.Question()
	if err != nil {
		t.Fatal(err)
	}
	b := dnsmessage.NewBuilder(nil, dnsmessage.Header{ID: h.ID, Response: true, RecursionAvailable: true, RCode: rcode})
	b.EnableCompression()
	if err := b.StartQuestions(); err != nil {
		t.Fatal(err)
	}
	if err := b.Question(q); err != nil {
		t.Fatal(err)
	}
	if err := b.StartAnswers(); err != nil {
		t.Fatal(err)
	}
	if add != nil {
		if err := add(&b, q.Name); err != nil {
			t.Fatal(err)
		}
	}
	reply, err := b.Finish()
	if err != nil {
		t.Fatal(err)
	}
	return reply
}

func TestDNSAnswer(t *testing.T) {
	query, err := dnsQuery(0x1234, "pool.ntp.org", dnsmessage.TypeA)
	if err != nil {
		t.Fatal(err)
	}
	query6, err := dnsQuery(0x1234, "pool.ntp.org.", dnsmessage.TypeAAAA)
	if err != nil {
		t.Fatal(err)
	}
	target := dnsmessage.MustNewName("ntp.example.net.")
	rh := func(n dnsmessage.Name, typ dnsmessage.Type) dnsmessage.ResourceHeader {
		return dnsmessage.ResourceHeader{Name: n, Type: typ, Class: dnsmessage.ClassINET, TTL: 60}
	}
	cnameAndA := func(b *dnsmessage.Builder, n dnsmessage.Name) error {
		if err := b.CNAMEResource(rh(n, dnsmessage.TypeCNAME), dnsmessage.CNAMEResource{CNAME: target}); err != nil {
			return err
		}
		if err := b.AResource(rh(target, dnsmessage.TypeA), dnsmessage.AResource{A: [4]byte{192, 0, 2, 1}}); err != nil {
			return err
		}
		return b.AResource(rh(target, dnsmessage.TypeA), dnsmessage.AResource{A: [4]byte{192, 0, 2, 2}})
	}
	aaaa := func(b *dnsmessage.Builder, n dnsmessage.Name) error {
		return b.AAAAResource(rh(n, dnsmessage.TypeAAAA), dnsmessage.AAAAResource{AAAA: netip.MustParseAddr("2001:db8::1").As16()})
	}
	other, err := dnsQuery(0x1234, "example.org", dnsmessage.TypeA)
	if err != nil {
		t.Fatal(err)
	}
	otherID, err := dnsQuery(0x4321, "pool.ntp.org", dnsmessage.TypeA)
	if err != nil {
		t.Fatal(err)
	}

	tests := []struct {
		name     string
		reply    []byte
		query    []byte
		typ      dnsmessage.Type
		want     []netip.Addr
		wantOurs bool
		wantErr  error // errAny for any error
	}{
		{"CNAME then A", dnsReply(t, query, dnsmessage.RCodeSuccess, cnameAndA), query, dnsmessage.TypeA,
			[]netip.Addr{netip.MustParseAddr("192.0.2.1"), netip.MustParseAddr("192.0.2.2")}, true, nil},
		{"AAAA", dnsReply(t, query6, dnsmessage.RCodeSuccess, aaaa), query6, dnsmessage.TypeAAAA,
			[]netip.Addr{netip.MustParseAddr("2001:db8::1")}, true, nil},
		{"no records", dnsReply(t, query, dnsmessage.RCodeSuccess, nil), query, dnsmessage.TypeA, nil, true, nil},
		{"NXDOMAIN", dnsReply(t, query, dnsmessage.RCodeNameError, nil), query, dnsmessage.TypeA, nil, true, errNoSuchHost},
		{"SERVFAIL", dnsReply(t, query, dnsmessage.RCodeServerFailure, nil), query, dnsmessage.TypeA, nil, true, errAny},
		{"another question", dnsReply(t, other, dnsmessage.RCodeSuccess, cnameAndA), query, dnsmessage.TypeA, nil, false, nil},
		{"another id", dnsReply(t, otherID, dnsmessage.RCodeSuccess, cnameAndA), query, dnsmessage.TypeA, nil, false, nil},
		{"the query itself", query, query, dnsmessage.TypeA, nil, false, nil},
		{"garbage", []byte{1, 2, 3}, query, dnsmessage.TypeA, nil, false, nil},
	}
	for _, tt := range tests {
		got, ours, err := dnsAnswer(tt.reply, tt.query, tt.typ)
		errOK := errors.Is(err, tt.wantErr) || tt.wantErr == errAny && err != nil
		if !reflect.DeepEqual(got, tt.want) || ours != tt.wantOurs || !errOK {
			t.Errorf("%s: dnsAnswer = %v, %v, %v, want %v, %v, %v", tt.name, got, ours, err, tt.want, tt.wantOurs, tt.wantErr)
		}
	}
}

// errAny stands for any error in a test table.
var errAny = errors.New("any error")
