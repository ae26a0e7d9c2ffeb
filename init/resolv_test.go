package main

import (
	"net/netip"
	"reflect"
	"testing"

	"github.com/wispboot/wisp/config"
)

func TestResolv(t *testing.T) {
	addrs := func(ss ...string) []netip.Addr {
		var as []netip.Addr
		for _, s := range ss {
			as = append(as, netip.MustParseAddr(s))
		}
		return as
	}
	tests := []struct {
		name       string
		net        *config.Network
		lease      *lease
		wantConf   string // "" when nothing is to be written
		wantSearch []string
	}{{
		name:     "static",
		net:      &config.Network{DNS: []string{"10.0.2.3", "2001:4860:4860::8888"}},
		wantConf: "nameserver 10.0.2.3\nnameserver 2001:4860:4860::8888\n",
	}, {
		name:  "lease first, then config, each once",
		net:   &config.Network{DHCP: true, DNS: []string{"1.1.1.1", "10.0.2.3"}, Search: []string{"corp.example", "lan."}},
		lease: &lease{dns: addrs("10.0.2.3", "10.0.2.4"), search: []string{"lan"}},
		wantConf: "nameserver 10.0.2.3\nnameserver 10.0.2.4\nnameserver 1.1.1.1\n" +
			"search lan corp.example\n",
		wantSearch: []string{"lan", "corp.example"},
	}, {
		name:       "search only",
		net:        &config.Network{Search: []string{"example.com"}},
		wantConf:   "search example.com\n",
		wantSearch: []string{"example.com"},
	}, {
		name:  "nothing",
		net:   &config.Network{DHCP: true},
		lease: &lease{},
	}, {
		name: "no network",
	}}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			servers, search := dnsConfig(tt.net, tt.lease)
			if !reflect.DeepEqual(search, tt.wantSearch) {
				t.Errorf("search %q, want %q", search, tt.wantSearch)
			}
			if tt.wantConf == "" {
				if len(servers)+len(search) != 0 {
					t.Errorf("dnsConfig = %v, %v, want nothing", servers, search)
				}
				return
			}
			got, want := string(resolv(servers, search)), "# written by wisp's init\n"+tt.wantConf
			if got != want {
				t.Errorf("resolv.conf:\ngot  %q\nwant %q", got, want)
			}
		})
	}
}
