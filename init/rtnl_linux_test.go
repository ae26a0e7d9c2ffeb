package main

import (
	"encoding/binary"
	"errors"
	"syscall"
	"testing"

	"golang.org/x/sys/unix"
)

func TestAckError(t *testing.T) {
	errmsg := func(code int32) []byte {
		// struct nlmsgerr: the error, then the request's header.
		b := binary.NativeEndian.AppendUint32(nil, uint32(code))
		return append(b, make([]byte, unix.NLMSG_HDRLEN)...)
	}
	tests := []struct {
		name string
		data []byte
		want error
	}{
		{"ack", errmsg(0), nil},
		{"exists", errmsg(-int32(unix.EEXIST)), unix.EEXIST},
		{"no device", errmsg(-int32(unix.ENODEV)), unix.ENODEV},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := ackError(tt.data); !errors.Is(got, tt.want) || (got == nil) != (tt.want == nil) {
				t.Errorf("ackError() = %v, want %v", got, tt.want)
			}
		})
	}
	if ackError([]byte{1}) == nil {
		t.Error("ackError(short) = nil, want an error")
	}
}

func TestParseLink(t *testing.T) {
	// What the kernel sends for eth0 is what we send to it: an ifinfomsg
	// and attributes.
	m := message{
		typ:   unix.RTM_NEWLINK,
		body:  ifinfomsg(7, 0, 0),
		attrs: []attr{{unix.IFLA_MTU, u32(1500)}, {unix.IFLA_IFNAME, []byte("eth0\x00")}},
	}
	msgs, err := syscall.ParseNetlinkMessage(m.encode(1))
	if err != nil || len(msgs) != 1 {
		t.Fatalf("parsing our own message: %v, %d messages", err, len(msgs))
	}
	name, index, ok := parseLink(msgs[0])
	if name != "eth0" || index != 7 || !ok {
		t.Errorf("parseLink() = %q, %d, %v, want \"eth0\", 7, true", name, index, ok)
	}

	msgs[0].Header.Type = unix.RTM_NEWADDR
	if _, _, ok := parseLink(msgs[0]); ok {
		t.Error("parseLink(RTM_NEWADDR) is ok, want not")
	}
}
