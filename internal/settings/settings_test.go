package settings

import (
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/spf13/pflag"
)

// TestFlagsSetFields: the flags Flags registers set the fields they are
// declared on, with their defaults.
func TestFlagsSetFields(t *testing.T) {
	var s Settings
	var r Run
	var in Inputs
	fs := pflag.NewFlagSet("test", pflag.ContinueOnError)
	Flags(fs, &s)
	Flags(fs, &r)
	Flags(fs, &in, "binary")
	err := fs.Parse([]string{"--hostname", "h", "--dhcp", "--ip", "fd00::2/64", "--ip", "fd00::3/64",
		"--env", "A=1", "--timeout", "90s", "--binary", "svc"})
	if err != nil {
		t.Fatal(err)
	}
	want := Settings{Hostname: "h", DHCP: true, IP: []string{"fd00::2/64", "fd00::3/64"}, Env: []string{"A=1"}}
	if !reflect.DeepEqual(s, want) {
		t.Errorf("settings %+v, want %+v", s, want)
	}
	if r.Timeout != 90*time.Second || r.Accel != "auto" {
		t.Errorf("run %+v, want a 90s timeout and the accel default", r)
	}
	if in.Binary != "svc" || fs.Lookup("base") != nil {
		t.Errorf("inputs %+v; --base registered: %v (only --binary was asked for)", in, fs.Lookup("base") != nil)
	}
}

// TestDeclarations: every key and flag is declared once, every check
// names a rule, and every field has a type a flag takes.
func TestDeclarations(t *testing.T) {
	keys, flags := map[string]bool{}, map[string]bool{}
	for _, v := range All() {
		for _, f := range Fields(v) {
			if keys[f.Key] || flags[f.Flag] {
				t.Errorf("key %s or flag --%s is declared twice", f.Key, f.Flag)
			}
			keys[f.Key], flags[f.Flag] = true, true
			if _, ok := rules[f.Check]; f.Check != "" && !ok {
				t.Errorf("key %s: check %q is not a rule", f.Key, f.Check)
			}
			if f.Help == "" || f.Key == "" {
				t.Errorf("flag --%s has no help or no key", f.Flag)
			}
			if got, ok := Lookup(f.Key); !ok || got.Flag != f.Flag {
				t.Errorf("Lookup(%q) = %+v, %v", f.Key, got, ok)
			}
		}
		fs := pflag.NewFlagSet("types", pflag.ContinueOnError)
		Flags(fs, v) // panics on a type no flag takes
	}
	if _, ok := Lookup("qemuArgs"); ok {
		t.Error("Lookup found a key no struct declares")
	}
}

// TestCheck: each rule takes good values and refuses bad ones, with an
// error naming the flag and the value.
func TestCheck(t *testing.T) {
	for _, tt := range []struct {
		name string
		s    Settings
		want string // "" for no error
	}{
		{"all good", Settings{IP: []string{"10.0.2.15/24", "fd00::15/64"}, Gateway: []string{"10.0.2.2"}, DNS: []string{"1.1.1.1"},
			User: "1000:1000", Capabilities: []string{"net_bind_service"}, Env: []string{"A=", "B=2"}, Sysctls: []string{"vm.swappiness=10"}, TmpSize: "25%"}, ""},
		{"user without a group", Settings{User: "1000"}, ""},
		{"address without a prefix", Settings{IP: []string{"10.0.2.15"}}, `--ip "10.0.2.15" is not an address in CIDR form`},
		{"gateway by name", Settings{Gateway: []string{"router"}}, `--gateway "router" is not an IP address`},
		{"user by name", Settings{User: "root"}, `--user "root" is not UID:GID`},
		{"user 2^32-1", Settings{User: "4294967295:0"}, `--user "4294967295:0" is not UID:GID`},
		{"unknown capability", Settings{Capabilities: []string{"CAP_FLY"}}, `--cap "CAP_FLY" is not a Linux capability`},
		{"env without =", Settings{Env: []string{"NOEQUALS"}}, `--env "NOEQUALS" is not K=V`},
		{"env without a name", Settings{Env: []string{"=1"}}, `--env "=1" is not K=V`},
		{"sysctl without a value", Settings{Sysctls: []string{"vm.swappiness"}}, `--sysctl "vm.swappiness" is not KEY=VALUE`},
		{"tmp size in words", Settings{TmpSize: "half"}, `--tmp-size "half" is not a size like 64m or 25%`},
	} {
		t.Run(tt.name, func(t *testing.T) {
			err := Check(&tt.s)
			if tt.want == "" && err != nil || tt.want != "" && (err == nil || !strings.Contains(err.Error(), tt.want)) {
				t.Errorf("Check = %v, want %q", err, tt.want)
			}
		})
	}
}

// TestNetwork: the network flags make config.Network, whose rules
// between values apply.
func TestNetwork(t *testing.T) {
	for _, tt := range []struct {
		name string
		s    Settings
		want string
	}{
		{"none", Settings{}, ""},
		{"static", Settings{IP: []string{"10.0.2.15/24"}, Gateway: []string{"10.0.2.2"}}, ""},
		{"gateway alone", Settings{Gateway: []string{"10.0.2.2"}}, "--gateway, --dns and --search need --ip or --dhcp"},
		{"gateway outside", Settings{IP: []string{"10.0.2.15/24"}, Gateway: []string{"10.0.3.1"}}, "network: gateway 10.0.3.1 is outside"},
		{"dhcp and IPv4", Settings{DHCP: true, IP: []string{"10.0.2.15/24"}}, "network: address 10.0.2.15/24 and DHCP both configure IPv4"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			n, err := tt.s.Network("eth0")
			switch {
			case tt.want != "" && (err == nil || !strings.Contains(err.Error(), tt.want)):
				t.Errorf("Network = %v, want %q", err, tt.want)
			case tt.want == "" && err != nil:
				t.Errorf("Network = %v", err)
			case tt.want == "" && (n == nil) != (len(tt.s.IP) == 0 && !tt.s.DHCP):
				t.Errorf("Network = %+v for %+v", n, tt.s)
			case n != nil && n.Interface != "eth0":
				t.Errorf("interface %q", n.Interface)
			}
		})
	}
}
