package settings

import (
	"fmt"
	"net/netip"
	"reflect"
	"strings"

	"github.com/wispboot/wisp/config"
)

// rule is a check a setting's every value meets: what the value must be,
// for the error, and the check itself. pattern is the same rule as a JSON
// Schema pattern, where one can say it; example is a value it takes.
type rule struct {
	what    string
	pattern string
	ok      func(string) bool
	example string
}

// rules are the checks of the check tags. Each one is the rule of the
// package that uses the value, applied to one value as the user gave it,
// so that an error names the flag; rules between values (a gateway inside
// an address's subnet) are config.Network's (see Settings.Network).
var rules = map[string]rule{
	"cidr": {"an address in CIDR form (like 10.0.2.15/24 or fd00::15/64)", `^[0-9a-fA-F.:]+/[0-9]+$`,
		func(s string) bool { _, err := netip.ParsePrefix(s); return err == nil }, "10.0.2.15/24"},
	"ip": {"an IP address", "",
		func(s string) bool { _, err := netip.ParseAddr(s); return err == nil }, "10.0.2.2"},
	"user": {"UID:GID (or UID) with numbers, like 1000:1000", `^[0-9]+(:[0-9]+)?$`,
		func(s string) bool { _, err := config.ParseUser(s); return err == nil }, "1000:1000"},
	"capability": {"a Linux capability (see capabilities(7); like CAP_NET_BIND_SERVICE)", "",
		func(s string) bool { _, err := config.CapabilityName(s); return err == nil }, "CAP_NET_BIND_SERVICE"},
	"env":    {"K=V", "", keyValue, "GREETING=hi"},
	"sysctl": {"KEY=VALUE", "", keyValue, "net.core.somaxconn=1024"},
	"size":   {"a size like 64m or 25%", `^[0-9]+[kmgKMG%]?$`, config.IsSize, "64m"},
}

func keyValue(s string) bool {
	k, _, ok := strings.Cut(s, "=")
	return ok && k != ""
}

// Example is a value of f for wisp.json that its rules take: for tests
// that set every key.
func (f Field) Example() any {
	var v string
	switch {
	case f.File == "caBundle":
		return true
	case f.File == "board":
		v = "qemu-amd64"
	case f.File == "path", f.File == "pathOrRef":
		v = f.Key
	case len(f.Enum) > 0:
		v = f.Enum[len(f.Enum)-1]
	case f.Type == durationType:
		v = "60s"
	case rules[f.Check].example != "":
		v = rules[f.Check].example
	case f.Pattern != "":
		v = "8080:80" // the one pattern of its own: --forward
	default:
		v = "x"
	}
	switch {
	case f.File == "map":
		k, val, _ := strings.Cut(v, "=")
		return map[string]string{k: val}
	case f.Type.Kind() == reflect.Bool:
		return true
	case f.Type.Kind() == reflect.Slice:
		return []string{v}
	}
	return v
}

// Check checks every value of v, a pointer to one of the structs of All,
// by its field's rule. The error names the flag and the value.
func Check(v any) error {
	for _, f := range Fields(v) {
		r, ok := rules[f.Check]
		if f.Check != "" && !ok {
			return fmt.Errorf("settings: field %s has check %q, which is not a rule", f.Key, f.Check)
		}
		for _, val := range f.values(v) {
			if ok && !r.ok(val) {
				return fmt.Errorf("--%s %q is not %s", f.Flag, val, r.what)
			}
		}
	}
	return nil
}
