// Command init is the first process of a wisp appliance. The kernel starts
// it as PID 1 from the initrd; it sets the system up in a fixed sequence of
// steps and then replaces itself with the user's binary, which becomes PID 1.
//
// The steps, in order (see steps in main_linux.go):
//
//	config    read /etc/wisp/config.json (first: the mounts depend on it)
//	mount     /proc, /sys, /dev, /dev/pts, /run, /tmp (size=TmpSize); reopen /dev/console
//	modules   finit_module each configured .ko, in order
//	sysctl    write each value to /proc/sys/<key with dots as slashes>, in order
//	clock     a clock earlier than Clock.Floor is set to it; never backwards
//	hostname  sethostname
//	network   lo up; wait for the interface; up, static addresses, a default route per gateway
//	dhcp      DHCPv4 lease: address, router, DNS servers, domains
//	resolv    write /etc/resolv.conf: the lease's then the config's servers and domains
//	ntp       SNTP: every server at once, the first valid answer sets the clock
//	drop      uid/gid, no_new_privs, only the configured capabilities, as ambient ones
//	exec      execve the binary
//
// Each step prints one line with its duration. The first step that fails
// prints "wisp: <step> failed: <error>" and the init exits non-zero: the
// kernel panics, and panic=N on its command line reboots (or, under QEMU
// -no-reboot, stops) the machine. The ntp step is the exception: without
// an answer it logs "wisp: ntp failed ... continuing with the clock at
// ..." and the boot goes on. Nothing waits forever: the interface gets
// linkTimeout (5 s) to appear, DHCP 3 attempts in at most 10 s, NTP
// Clock.NTPTimeoutMs (5 s).
//
// # Logging
//
// Once /dev is mounted every line also goes to the kernel log, /dev/kmsg,
// as "wisp: ..." with a priority: info for steps, warning for ntp's
// failure, err for a failure that stops the boot. The init writes a line
// to the console itself only when the kernel will not: the kernel prints
// a message whose level is below console_loglevel (the first field of
// /proc/sys/kernel/printk; 4 with `quiet`, wisp's default, so steps are
// written by the init and failures by the kernel). The config step's line
// comes before /dev and goes to the console only. The binary's fds 0-2
// stay on /dev/console.
//
// # DHCP
//
// The client is the init's own: DISCOVER, OFFER, REQUEST, ACK over a
// packet socket (the interface has no address yet), with waits of 1, 2
// and 4 s per attempt. It asks for the subnet mask, router, DNS servers,
// domain name and domain search list (RFC 3397); no classless routes
// (option 121), no option overload, no MTU. The encoding is checked in
// tests against github.com/insomniacslk/dhcp, which the init does not
// link: its dhcpv4 package alone costs 320 KB of binary (nclient4 560 KB),
// the init's client about 40 KB.
//
// The lease is not renewed and the address is kept past its end: after
// the exec the binary is the only process, and a renewer would be a
// second one (or a goroutine in every binary). A server may then give
// the address to another machine once the lease expires, so use a static
// reservation (a fixed address per MAC) or leases longer than the
// appliance's uptime. The lease time is on the dhcp line.
//
// IPv6 is the kernel's: the init neither disables it nor touches router
// advertisements, so SLAAC addresses and routes appear once the link is
// up (after the exec, within a second or two). Static IPv6 addresses skip
// duplicate address detection and coexist with DHCPv4.
//
// # NTP
//
// SNTP (RFC 4330) with a random nonce as the transmit timestamp. The era
// of a 32-bit NTP time is the one within 68 years of the clock floor (of
// 2036 without a floor), and an answer before the floor is refused. Host
// names are looked up by the init itself, A then AAAA records over UDP
// from the resolv.conf servers, without search domains (package net's
// resolver would cost 500 KB); up to 4 addresses per name are asked.
//
// # Capabilities
//
// The configured capabilities (config.Capabilities) are kept across the
// uid change as ambient capabilities; every other one is dropped from
// every set, the bounding set included, and no_new_privs is set. A
// binary with file capabilities or setuid bits gains nothing from them.
//
// Limits: Linux only; one interface; DHCPv4 only (IPv6 by SLAAC or static
// addresses); no shell, no reaping before exec.
//
// The binary imports only the standard library (not net), x/sys/unix,
// x/net's dnsmessage and wisp's config package, and avoids time.Time (see
// files_linux.go), to stay small.
package main
