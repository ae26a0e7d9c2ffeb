package main

import (
	"encoding/binary"

	"golang.org/x/sys/unix"
)

// A message is one rtnetlink request: a netlink header (filled in by
// encode), a fixed family header (ifinfomsg, ifaddrmsg, rtmsg) and
// attributes, laid out as in netlink(7) and rtnetlink(7).
type message struct {
	typ   uint16 // RTM_NEWLINK, RTM_NEWADDR, ...
	flags uint16 // NLM_F_*, besides NLM_F_REQUEST
	body  []byte // the family header; its length is a multiple of 4
	attrs []attr
}

// An attr is one rtattr: type, length, value, padded to 4 bytes.
type attr struct {
	typ  uint16
	data []byte
}

// encode lays m out as sent to the kernel, with sequence number seq.
func (m message) encode(seq uint32) []byte {
	b := make([]byte, unix.NLMSG_HDRLEN, 128)
	b = append(b, m.body...)
	for _, a := range m.attrs {
		b = a.append(b)
	}
	ne := binary.NativeEndian
	ne.PutUint32(b[0:4], uint32(len(b)))
	ne.PutUint16(b[4:6], m.typ)
	ne.PutUint16(b[6:8], m.flags|unix.NLM_F_REQUEST)
	ne.PutUint32(b[8:12], seq)
	// b[12:16], the port id, stays 0: the message is for the kernel.
	return b
}

func (a attr) append(b []byte) []byte {
	n := unix.SizeofRtAttr + len(a.data)
	b = binary.NativeEndian.AppendUint16(b, uint16(n))
	b = binary.NativeEndian.AppendUint16(b, a.typ)
	b = append(b, a.data...)
	for ; n%unix.NLMSG_ALIGNTO != 0; n++ {
		b = append(b, 0)
	}
	return b
}

// u32 is the value of a 32-bit integer attribute.
func u32(v uint32) []byte {
	return binary.NativeEndian.AppendUint32(nil, v)
}
