package config

import (
	"encoding/json"
	"strings"
	"testing"
)

// rejects are inputs that do not decode, and what the error says.
// encoding/json must reject them too.
var rejects = []struct{ name, in, want string }{
	{"unknown field", `{"version":1,"shell":"/bin/sh"}`, `unknown field "shell" at offset 13`},
	{"unknown network field", `{"network":{"interface":"eth0","foo":1}}`, `network: unknown field "foo"`},
	{"unknown clock field", `{"clock":{"tz":"UTC"}}`, `clock: unknown field "tz"`},
	{"unknown sysctl field", `{"sysctls":[{"key":"a"},{"kee":"b"}]}`, `sysctls[1]: unknown field "kee"`},
	{"unknown field with an odd name", `{"exec":{"a\"\u00e9":1}}`, `exec: unknown field "a\"é"`},
	{"a name that only looks like one", `{"vers ion":1}`, `unknown field "vers ion"`},

	{"string for int", `{"version":"1"}`, `version: got a string, want an integer at offset 11`},
	{"fraction", `{"version":1.5}`, `version: got number 1.5, want an integer`},
	{"exponent", `{"version":1e2}`, `version: got number 1e2, want an integer`},
	{"negative uid", `{"user":{"uid":-1}}`, `user.uid: got number -1, want a non-negative integer`},
	{"negative zero uid", `{"user":{"uid":-0}}`, `user.uid: got number -0, want a non-negative integer`},
	{"uid over 32 bits", `{"user":{"uid":4294967296}}`, `user.uid: number 4294967296 is out of range`},
	{"floor over 64 bits", `{"clock":{"floor":9223372036854775808}}`, `clock.floor: number 9223372036854775808 is out of range`},
	{"string for bool", `{"network":{"dhcp":"yes"}}`, `network.dhcp: got a string, want true or false`},
	{"number for bool", `{"network":{"dhcp":1}}`, `network.dhcp: got a number, want true or false`},
	{"string for array", `{"exec":{"args":"svc"}}`, `exec.args: got a string, want an array`},
	{"number in array", `{"exec":{"args":["svc",1]}}`, `exec.args[1]: got a number, want a string`},
	{"array for object", `{"network":[]}`, `network: got an array, want an object`},
	{"object for string", `{"hostname":{}}`, `hostname: got an object, want a string`},
	{"bool for string", `{"hostname":true}`, `hostname: got a boolean, want a string`},
	{"string for sysctl", `{"sysctls":["a=b"]}`, `sysctls[0]: got a string, want an object`},
	{"array at the top", `[]`, `got an array, want an object`},

	{"nothing", ``, `unexpected end of input`},
	{"only space", " \n", `unexpected end of input`},
	{"cut in a name", `{"vers`, `unexpected end of input, want '"'`},
	{"cut after a name", `{"version"`, `unexpected end of input, want ':'`},
	{"cut in a number", `{"version":-`, `version: unexpected end of input, want a digit`},
	{"cut in an escape", `{"hostname":"\u00`, `hostname: \u is not followed by four hex digits`},
	{"cut after a value", `{"version":1`, `unexpected end of input, want ',' or '}'`},
	{"cut in an array", `{"modules":["/a",`, `modules[1]: unexpected end of input, want a string`},
	{"cut in null", `{"hostname":nul`, `hostname: unexpected 'n', want a string`},

	{"data after the object", `{"version":1} x`, `unexpected 'x', want the end after the configuration at offset 14`},
	{"two objects", `{}{}`, `unexpected '{'`},
	{"NUL after the object", "{}\x00", `unexpected '\x00'`},

	{"no colon", `{"version" 1}`, `want ':'`},
	{"no comma", `{"version":1 "hostname":"h"}`, `want ',' or '}'`},
	{"trailing comma", `{"version":1,}`, `unexpected '}', want a field name`},
	{"trailing comma in an array", `{"modules":["/a",]}`, `modules[1]: unexpected ']', want a string`},
	{"bare name", `{version:1}`, `want a field name`},
	{"leading zero", `{"version":01}`, `unexpected '1', want ',' or '}'`},
	{"bare minus", `{"version":-}`, `unexpected '}', want a digit`},
	{"bare fraction", `{"version":.5}`, `unexpected '.', want an integer`},
	{"empty fraction", `{"version":1.}`, `want a digit`},
	{"empty exponent", `{"version":1e+}`, `want a digit`},
	{"plus", `{"version":+1}`, `unexpected '+'`},
	{"nullx", `{"hostname":nullx}`, `unexpected 'x'`},
	{"True", `{"network":{"dhcp":True}}`, `network.dhcp: unexpected 'T', want true or false`},
	{"single quotes", `{'version':1}`, `unexpected '\''`},
	{"bad escape", `{"hostname":"\x"}`, `hostname: unexpected 'x', want an escape`},
	{"escaped quote '", `{"hostname":"\'"}`, `want an escape`},
	{"bad hex", `{"hostname":"\u12G4"}`, `\u is not followed by four hex digits`},
	{"raw newline", "{\"hostname\":\"a\nb\"}", `hostname: control character '\n' in a string`},
	{"raw control", "{\"hostname\":\"\x01\"}", `control character '\x01'`},
	{"byte order mark", "\xef\xbb\xbf{}", `unexpected byte 0xef`},
}

func TestDecodeRejects(t *testing.T) {
	for _, tt := range rejects {
		t.Run(tt.name, func(t *testing.T) {
			c, err := decode([]byte(tt.in))
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("decode(%s) = %+v, %v; want an error with %s", tt.in, c, err, tt.want)
			}
			if c, err := decodeJSON([]byte(tt.in)); err == nil {
				t.Fatalf("encoding/json takes %s: %+v", tt.in, c)
			}
		})
	}
}

// TestDecodeTruncated checks that no part of a config short of its end
// decodes.
func TestDecodeTruncated(t *testing.T) {
	b, err := json.Marshal(samples()[0])
	if err != nil {
		t.Fatal(err)
	}
	for i := range b {
		if c, err := decode(b[:i]); err == nil {
			t.Fatalf("decode(%s) = %+v, want an error", b[:i], c)
		}
	}
}

// seeds are the inputs of the tables, for FuzzDecode.
func seeds() []string {
	var s []string
	for _, tt := range escapes {
		s = append(s, `{"hostname":`+tt.in+`}`)
	}
	for _, tt := range decodes {
		s = append(s, tt.in)
	}
	for _, tt := range rejects {
		s = append(s, tt.in)
	}
	return s
}
