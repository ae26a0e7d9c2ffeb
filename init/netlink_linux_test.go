package main

import (
	"bytes"
	"encoding/binary"
	"encoding/hex"
	"net/netip"
	"strings"
	"testing"
)

// unhex decodes hex written in groups, one field per group.
func unhex(t *testing.T, s string) []byte {
	t.Helper()
	b, err := hex.DecodeString(strings.Join(strings.Fields(s), ""))
	if err != nil {
		t.Fatalf("bad test hex: %v", err)
	}
	return b
}

// TestEncode checks requests byte for byte against rtnetlink(7). The
// expected bytes are little-endian, as on every board wisp supports.
func TestEncode(t *testing.T) {
	if binary.NativeEndian.Uint16([]byte{1, 0}) != 1 {
		t.Skip("expected bytes are little-endian")
	}
	tests := []struct {
		name string
		m    message
		want string
	}{{
		name: "link up",
		m:    linkUp(2),
		//    nlmsghdr: len     type flags seq      pid
		want: "20000000 1000 0100 01000000 00000000" +
			// ifinfomsg: family pad type index flags change
			"00 00 0000 02000000 01000000 01000000",
	}, {
		name: "address v4",
		m:    addAddr(2, netip.MustParsePrefix("10.0.2.15/24")),
		want: "28000000 1400 0106 01000000 00000000" +
			// ifaddrmsg: family prefixlen flags scope index
			"02 18 00 00 02000000" +
			"0800 0200 0a00020f" + // IFA_LOCAL
			"0800 0100 0a00020f", // IFA_ADDRESS
	}, {
		name: "address v6 without DAD",
		m:    addAddr(3, netip.MustParsePrefix("fd00::15/64")),
		want: "40000000 1400 0106 01000000 00000000" +
			"0a 40 02 00 03000000" +
			"1400 0200 fd000000000000000000000000000015" +
			"1400 0100 fd000000000000000000000000000015",
	}, {
		name: "default route v4",
		m:    addDefaultRoute(2, netip.MustParseAddr("10.0.2.2"), false),
		want: "2c000000 1800 0106 01000000 00000000" +
			// rtmsg: family dst src tos table proto scope type flags
			"02 00 00 00 fe 04 00 01 00000000" +
			"0800 0500 0a000202" + // RTA_GATEWAY
			"0800 0400 02000000", // RTA_OIF
	}, {
		name: "default route v6",
		m:    addDefaultRoute(2, netip.MustParseAddr("fe80::1"), false),
		want: "40000000 1800 0106 01000000 00000000" +
			"0a 00 00 00 fe 04 00 01 00000000" +
			"1400 0500 fe800000000000000000000000000001" +
			"0800 0400 02000000" +
			"0800 0600 00020000", // RTA_PRIORITY 512
	}, {
		name: "default route v4 on link",
		m:    addDefaultRoute(2, netip.MustParseAddr("192.168.7.1"), true),
		want: "2c000000 1800 0106 01000000 00000000" +
			"02 00 00 00 fe 04 00 01 04000000" + // flags RTNH_F_ONLINK
			"0800 0500 c0a80701" +
			"0800 0400 02000000",
	}, {
		name: "attribute padding",
		m:    message{typ: 16, body: ifinfomsg(0, 0, 0), attrs: []attr{{3, []byte("eth0\x00")}}},
		want: "2c000000 1000 0100 01000000 00000000" +
			"00 00 0000 00000000 00000000 00000000" +
			"0900 0300 6574683000 000000",
	}}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, want := tt.m.encode(1), unhex(t, tt.want)
			if !bytes.Equal(got, want) {
				t.Errorf("encode:\ngot  %x\nwant %x", got, want)
			}
		})
	}
}
