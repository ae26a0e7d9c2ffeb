package layers

import (
	"fmt"
	"net/netip"
	"strings"

	"github.com/wispboot/wisp/config"
)

// etcFiles are the files of /etc that libraries expect and the config
// layer carries next to config.json: passwd and group name the app's
// uid and gid (Go's os/user, many libraries read them), hosts names the
// host, nsswitch.conf says files before DNS, and resolv.conf holds static
// DNS settings (with DHCP the init writes it from the lease).
func etcFiles(c *config.Config) []File {
	files := []File{
		Bytes("etc/passwd", 0o644, []byte(passwd(c.User))),
		Bytes("etc/group", 0o644, []byte(group(c.User))),
		Bytes("etc/hosts", 0o644, []byte(hosts(c))),
		Bytes("etc/nsswitch.conf", 0o644, []byte("hosts: files dns\n")),
	}
	if n := c.Network; n != nil && !n.DHCP && (len(n.DNS) > 0 || len(n.Search) > 0) {
		files = append(files, Bytes("etc/resolv.conf", 0o644, []byte(ResolvConf(n.DNS, n.Search))))
	}
	return files
}

// ResolvConf renders resolv.conf(5).
func ResolvConf(servers, search []string) string {
	var b strings.Builder
	for _, s := range servers {
		fmt.Fprintf(&b, "nameserver %s\n", s)
	}
	if len(search) > 0 {
		fmt.Fprintf(&b, "search %s\n", strings.Join(search, " "))
	}
	return b.String()
}

// account names the app's identity: Debian's nobody/nogroup for 65534,
// "app" for anything else but root.
func account(id uint32, nobody string) string {
	switch id {
	case 0:
		return "root"
	case 65534:
		return nobody
	}
	return "app"
}

func passwd(u config.User) string {
	s := "root:x:0:0:root:/root:/sbin/nologin\n"
	if u.UID != 0 {
		s += fmt.Sprintf("%s:x:%d:%d:wisp app:/:/sbin/nologin\n", account(u.UID, "nobody"), u.UID, u.GID)
	}
	return s
}

func group(u config.User) string {
	s := "root:x:0:\n"
	if u.GID != 0 {
		s += fmt.Sprintf("%s:x:%d:\n", account(u.GID, "nogroup"), u.GID)
	}
	return s
}

// hosts names localhost, and the host at its static addresses, else at
// 127.0.1.1 as Debian does.
func hosts(c *config.Config) string {
	s := "127.0.0.1\tlocalhost\n::1\tlocalhost ip6-localhost ip6-loopback\n"
	named := false
	if c.Network != nil {
		for _, a := range c.Network.Addresses {
			if p, err := netip.ParsePrefix(a); err == nil {
				s += fmt.Sprintf("%s\t%s\n", p.Addr(), c.Hostname)
				named = true
			}
		}
	}
	if !named {
		s += fmt.Sprintf("127.0.1.1\t%s\n", c.Hostname)
	}
	return s
}
