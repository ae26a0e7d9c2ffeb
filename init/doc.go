// Command init is the first process of a wisp appliance. The kernel starts
// it as PID 1 from the initrd; it sets the system up in a fixed sequence of
// steps and then replaces itself with the user's binary, which becomes PID 1.
//
// The steps, in order (see steps in main_linux.go):
//
//	mount     /proc, /sys, /dev, /dev/pts, /run, /tmp; reopen /dev/console
//	config    read /etc/wisp/config.json
//	modules   finit_module each configured .ko, in order
//	hostname  sethostname
//	network   lo up; wait for the interface; up, addresses, default route
//	resolv    write /etc/resolv.conf
//	drop      uid/gid, no_new_privs, no capabilities in any set
//	exec      execve the binary
//
// Each step prints one line with its duration on the console. The first
// step that fails prints "wisp: <step> failed: <error>" and the init exits
// non-zero: the kernel panics, and panic=N on its command line reboots (or,
// under QEMU -no-reboot, stops) the machine. Nothing waits forever: the
// only wait, for the network interface, gives up after linkTimeout.
//
// Limits: Linux only; one interface with static addresses (no DHCP yet);
// the binary gets no capabilities at all (keeping some, as DESIGN.md §4
// plans, needs a config field); no shell, no reaping before exec.
//
// The binary imports only the standard library (not net), x/sys/unix and
// wisp's config package, and avoids time.Time (see files_linux.go), to stay
// small: about 2.2 MB stripped, of which encoding/json, fmt and the runtime,
// needed by the config package alone, are 2.0 MB.
package main
