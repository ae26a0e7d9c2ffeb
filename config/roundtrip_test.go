package config

import (
	"encoding/json"
	"math"
	"math/rand"
	"reflect"
	"strings"
	"testing"
	"testing/quick"
)

// samples are configs as the build writes them, and at the edges of their
// types. The first has every field set and is valid.
func samples() []*Config {
	full := valid()
	full.Hostname = "wisp-\u00e9\U0001F600"
	full.Modules = []string{"/lib/modules/6.1/kernel/net/wireguard.ko"}
	full.Sysctls = []Sysctl{{Key: "net.ipv4.ip_forward", Value: "1"}, {Key: "vm.swappiness", Value: "10 20\t\"x\"\\", Optional: true}}
	full.TmpSize = "64m"
	full.TmpExec = true
	full.Network.Search = []string{"example.org"}
	full.Clock = Clock{Floor: 1700000000, NTP: []string{"pool.ntp.org:123"}, NTPTimeoutMs: 2500}
	full.User = User{UID: 1000, GID: 100}
	full.Capabilities = []string{"CAP_NET_BIND_SERVICE"}
	full.Exec = Exec{Path: "/app/svc", Args: []string{"svc", "-flag=<a&b>", "\u2028\x01\x7f"}, Env: []string{"A=1", "PATH=/bin"}}
	return []*Config{
		full,
		{Version: Version, Exec: Exec{Path: "/a", Args: []string{"a"}}},
		{Exec: Exec{Args: []string{}}, Network: &Network{DHCP: true}},
		{Version: math.MinInt, Clock: Clock{Floor: math.MinInt64, NTPTimeoutMs: math.MaxInt}, User: User{UID: math.MaxUint32, GID: 0}},
		{Version: math.MaxInt, Clock: Clock{Floor: math.MaxInt64, NTPTimeoutMs: math.MinInt}},
	}
}

// TestRoundTrip checks that decode gives back what encoding/json encoded,
// for the samples and for random configs. The rule for nil and empty
// slices is encoding/json's: absent and null are nil, [] is empty; so an
// empty slice comes back empty only from a field without omitempty
// (Exec.Args), and as nil from the others, which leave it out.
func TestRoundTrip(t *testing.T) {
	roundTrip := func(c *Config) bool {
		t.Helper()
		compact, err := json.Marshal(c)
		if err != nil {
			t.Fatal(err)
		}
		indented, err := json.MarshalIndent(c, "", "\t")
		if err != nil {
			t.Fatal(err)
		}
		omitEmpty(reflect.ValueOf(c))
		for _, b := range [][]byte{compact, indented} {
			if got, err := decode(b); err != nil || !reflect.DeepEqual(got, c) {
				t.Errorf("decode(%s) = %#v, %v; want %#v", b, got, err, c)
				return false
			}
		}
		return true
	}
	for _, c := range samples() {
		roundTrip(c)
	}
	random := func(c Config) bool { return roundTrip(&c) }
	if err := quick.Check(random, &quick.Config{MaxCount: 1000, Rand: rand.New(rand.NewSource(1))}); err != nil {
		t.Error(err)
	}
}

// TestDecodeSample checks that the full sample passes Decode as a whole.
func TestDecodeSample(t *testing.T) {
	b, err := json.Marshal(samples()[0])
	if err != nil {
		t.Fatal(err)
	}
	if _, err := Decode(strings.NewReader(string(b))); err != nil {
		t.Fatal(err)
	}
}

// omitEmpty sets the empty slices of the fields tagged omitempty in v to
// nil, as encoding/json leaves them out.
func omitEmpty(v reflect.Value) {
	switch v.Kind() {
	case reflect.Pointer:
		if !v.IsNil() {
			omitEmpty(v.Elem())
		}
	case reflect.Slice:
		for i := range v.Len() {
			omitEmpty(v.Index(i))
		}
	case reflect.Struct:
		for i := range v.NumField() {
			f := v.Field(i)
			if f.Kind() == reflect.Slice && f.Len() == 0 && strings.HasSuffix(v.Type().Field(i).Tag.Get("json"), ",omitempty") {
				f.SetZero()
			}
			omitEmpty(f)
		}
	}
}
