package config

// config.json is decoded here by hand, one function per struct, because
// the init imports this package: encoding/json, driven by reflection, was
// most of what kept the init binary over its 2 MB goal and a large part of
// its boot time under QEMU TCG (figures: docs/design.md, "Init binary
// size"). The build side still writes config.json with
// encoding/json and the struct tags, so a field added to a struct must be
// added below as well; TestRoundTrip fails until it is.
//
// decode takes what encoding/json with DisallowUnknownFields takes and
// gives the same Config (FuzzDecode compares the two):
//   - names match a tag exactly or case-insensitively (see fold);
//   - null leaves strings, numbers, booleans and structs as they are and
//     sets slices and pointers to nil; [] is an empty slice, not nil;
//   - a name given twice decodes into the same field again;
//   - invalid UTF-8 and unpaired surrogates in strings become U+FFFD.
//
// Unlike the json.Decoder used before, it rejects data after the object.

// decode decodes one JSON object, and nothing but whitespace after it.
func decode(b []byte) (*Config, error) {
	d := &decoder{b: b}
	var c Config
	if err := d.config(&c); err != nil {
		return nil, err
	}
	if d.space(); d.i < len(d.b) {
		return nil, d.unexpected("the end after the configuration")
	}
	return &c, nil
}

// The field functions switch on names folded to lower case: tmpSize is
// "tmpsize".

func (d *decoder) config(c *Config) error {
	return d.object(func(name string) error {
		switch name {
		case "version":
			return d.int(&c.Version)
		case "hostname":
			return d.string(&c.Hostname)
		case "modules":
			return list(d, &c.Modules, d.string)
		case "sysctls":
			return list(d, &c.Sysctls, d.sysctl)
		case "tmpsize":
			return d.string(&c.TmpSize)
		case "tmpexec":
			return d.bool(&c.TmpExec)
		case "network":
			return d.network(&c.Network)
		case "clock":
			return d.clock(&c.Clock)
		case "user":
			return d.user(&c.User)
		case "capabilities":
			return list(d, &c.Capabilities, d.string)
		case "exec":
			return d.exec(&c.Exec)
		}
		return errUnknown
	})
}

func (d *decoder) sysctl(s *Sysctl) error {
	return d.object(func(name string) error {
		switch name {
		case "key":
			return d.string(&s.Key)
		case "value":
			return d.string(&s.Value)
		case "optional":
			return d.bool(&s.Optional)
		}
		return errUnknown
	})
}

// network decodes into **p if it is already set, as encoding/json does.
func (d *decoder) network(p **Network) error {
	if d.null() {
		*p = nil
		return nil
	}
	if *p == nil {
		*p = new(Network)
	}
	n := *p
	return d.object(func(name string) error {
		switch name {
		case "interface":
			return d.string(&n.Interface)
		case "dhcp":
			return d.bool(&n.DHCP)
		case "addresses":
			return list(d, &n.Addresses, d.string)
		case "gateways":
			return list(d, &n.Gateways, d.string)
		case "dns":
			return list(d, &n.DNS, d.string)
		case "search":
			return list(d, &n.Search, d.string)
		}
		return errUnknown
	})
}

func (d *decoder) clock(c *Clock) error {
	return d.object(func(name string) error {
		switch name {
		case "floor":
			return d.int64(&c.Floor)
		case "ntp":
			return list(d, &c.NTP, d.string)
		case "ntptimeoutms":
			return d.int(&c.NTPTimeoutMs)
		}
		return errUnknown
	})
}

func (d *decoder) user(u *User) error {
	return d.object(func(name string) error {
		switch name {
		case "uid":
			return d.uint32(&u.UID)
		case "gid":
			return d.uint32(&u.GID)
		}
		return errUnknown
	})
}

func (d *decoder) exec(e *Exec) error {
	return d.object(func(name string) error {
		switch name {
		case "path":
			return d.string(&e.Path)
		case "args":
			return list(d, &e.Args, d.string)
		case "env":
			return list(d, &e.Env, d.string)
		}
		return errUnknown
	})
}
