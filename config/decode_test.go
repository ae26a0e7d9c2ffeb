package config

import (
	"reflect"
	"testing"
)

// escapes are JSON string literals and what they decode to.
var escapes = []struct{ in, want string }{
	{`"plain"`, "plain"},
	{`""`, ""},
	{`"\""`, `"`},
	{`"\\"`, `\`},
	{`"\/"`, "/"},
	{`"\b\f\n\r\t"`, "\b\f\n\r\t"},
	{`"a\u0041\u00e9\u20AC"`, "aAé€"},
	{`"\u0000"`, "\x00"},
	{`"\ud83d\ude00"`, "\U0001F600"},
	{`"\uD83D\uDE00!"`, "\U0001F600!"},
	{`"\ud83d"`, "\uFFFD"},
	{`"\ud83dx"`, "\uFFFDx"},
	{`"\ude00"`, "\uFFFD"},
	{`"\ude00\ud83d"`, "\uFFFD\uFFFD"},
	{`"\ud83d\ud83d\ude00"`, "\uFFFD\U0001F600"},
	{`"\ud83d\u0041"`, "\uFFFDA"},
	{`"\ud83d\n"`, "\uFFFD\n"},
	{`"\ud83d \ude00"`, "\uFFFD \uFFFD"},
	{"\"h\u00e9llo \U0001F600\x7f\"", "h\u00e9llo \U0001F600\x7f"},
	{"\"\xff\"", "\uFFFD"},
	{"\"\xed\xa0\x80\"", "\uFFFD\uFFFD\uFFFD"}, // a surrogate in UTF-8
	{"\"\xe2\x82\"", "\uFFFD\uFFFD"},           // a truncated euro sign
}

func TestDecodeEscapes(t *testing.T) {
	for _, tt := range escapes {
		t.Run(tt.in, func(t *testing.T) {
			in := []byte(`{"hostname":` + tt.in + `}`)
			c, err := decode(in)
			if err != nil || c.Hostname != tt.want {
				t.Fatalf("decode(%s) = %+v, %v; want hostname %+q", in, c, err, tt.want)
			}
			if old, err := decodeJSON(in); err != nil || old.Hostname != tt.want {
				t.Fatalf("encoding/json: %+v, %v; want hostname %+q", old, err, tt.want)
			}
		})
	}
}

// decodes are inputs that decode, and to what. encoding/json must agree.
var decodes = []struct {
	name, in string
	want     Config
}{
	{"empty", `{}`, Config{}},
	{"null", ` null `, Config{}},
	{"whitespace", " \t\r\n{ \"version\" : 1 , \"exec\":{}\n}\n", Config{Version: 1}},
	{"null leaves values", `{"version":null,"hostname":null,"clock":null,"user":null,"network":{"dhcp":null}}`, Config{Network: &Network{}}},
	{"null network", `{"network":null}`, Config{}},
	{"empty network", `{"network":{}}`, Config{Network: &Network{}}},
	{"null slice", `{"exec":{"args":null}}`, Config{}},
	{"empty slice", `{"exec":{"args":[]},"sysctls":[]}`, Config{Exec: Exec{Args: []string{}}, Sysctls: []Sysctl{}}},
	{"null element", `{"exec":{"args":["a",null]},"sysctls":[null]}`, Config{Exec: Exec{Args: []string{"a", ""}}, Sysctls: []Sysctl{{}}}},
	{"integers", `{"version":-0,"user":{"uid":4294967295,"gid":0},"clock":{"floor":-9223372036854775808,"ntpTimeoutMs":-1}}`,
		Config{User: User{UID: 1<<32 - 1}, Clock: Clock{Floor: -1 << 63, NTPTimeoutMs: -1}}},
	{"names in other cases", `{"VERSION":1,"TmpSize":"1m","clock":{"NtpTimeoutMS":5},"Network":{"DHCP":true}}`,
		Config{Version: 1, TmpSize: "1m", Clock: Clock{NTPTimeoutMs: 5}, Network: &Network{DHCP: true}}},
	{"names with Kelvin sign and long s", "{\"networ\u212a\":{\"\u017fearch\":[\"x\"]}}", Config{Network: &Network{Search: []string{"x"}}}},
	{"escaped name", `{"vers\u0069on":1}`, Config{Version: 1}},
	{"name twice", `{"version":1,"version":2,"user":{"uid":1},"user":{"gid":2}}`, Config{Version: 2, User: User{1, 2}}},
	{"network twice", `{"network":{"interface":"a"},"network":{"dhcp":true}}`, Config{Network: &Network{Interface: "a", DHCP: true}}},
	{"network, then null", `{"network":{"interface":"a"},"network":null}`, Config{}},
	{"slice twice", `{"exec":{"args":["a","b"],"args":["c"],"args":[null,null]}}`, Config{Exec: Exec{Args: []string{"c", "b"}}}},
	{"sysctls twice", `{"sysctls":[{"key":"a","value":"1"}],"sysctls":[{"key":"b"}]}`, Config{Sysctls: []Sysctl{{Key: "b", Value: "1"}}}},
}

func TestDecode(t *testing.T) {
	for _, tt := range decodes {
		t.Run(tt.name, func(t *testing.T) {
			got, err := decode([]byte(tt.in))
			if err != nil || !reflect.DeepEqual(*got, tt.want) {
				t.Fatalf("decode(%s) = %#v, %v; want %#v", tt.in, got, err, tt.want)
			}
			if old, err := decodeJSON([]byte(tt.in)); err != nil || !reflect.DeepEqual(*old, tt.want) {
				t.Fatalf("encoding/json: %#v, %v; want %#v", old, err, tt.want)
			}
		})
	}
}
