package settings

import (
	"fmt"
	"reflect"
	"slices"
	"strings"
	"time"

	"github.com/spf13/pflag"
)

// Field is one setting, as its struct tags declare it (see the package
// documentation).
type Field struct {
	Key     string // wisp.json key
	Flag    string
	Help    string
	Check   string // a rule of rules
	Enum    []string
	Default string
	File    string // how wisp.json gives it: "", path, pathOrRef, board, caBundle, map
	NoOpt   string
	Pattern string
	Type    reflect.Type // string, bool, []string or time.Duration
	index   []int
}

var durationType = reflect.TypeFor[time.Duration]()

// Fields returns the settings of v, a pointer to one of the structs of
// All, in declaration order.
func Fields(v any) []Field {
	t := reflect.TypeOf(v).Elem()
	var fs []Field
	for i := range t.NumField() {
		sf := t.Field(i)
		flag := sf.Tag.Get("flag")
		if flag == "" {
			continue
		}
		key, _, _ := strings.Cut(sf.Tag.Get("json"), ",")
		f := Field{Key: key, Flag: flag, Help: sf.Tag.Get("help"), Check: sf.Tag.Get("check"),
			Default: sf.Tag.Get("default"), File: sf.Tag.Get("file"), NoOpt: sf.Tag.Get("noopt"),
			Pattern: sf.Tag.Get("pattern"), Type: sf.Type, index: sf.Index}
		if e := sf.Tag.Get("enum"); e != "" {
			f.Enum = strings.Split(e, ",")
		}
		fs = append(fs, f)
	}
	return fs
}

// Lookup finds the setting of a wisp.json key among All.
func Lookup(key string) (Field, bool) {
	for _, v := range All() {
		for _, f := range Fields(v) {
			if f.Key == key {
				return f, true
			}
		}
	}
	return Field{}, false
}

// Flags registers the fields of v, a pointer to one of the structs of
// All, as flags of fs that set them; only, if given, names the flags to
// register.
func Flags(fs *pflag.FlagSet, v any, only ...string) {
	rv := reflect.ValueOf(v).Elem()
	for _, f := range Fields(v) {
		if len(only) > 0 && !slices.Contains(only, f.Flag) {
			continue
		}
		p := rv.FieldByIndex(f.index).Addr().Interface()
		switch p := p.(type) {
		case *string:
			fs.StringVar(p, f.Flag, f.Default, f.Help)
		case *bool:
			fs.BoolVar(p, f.Flag, false, f.Help)
		case *[]string:
			fs.StringArrayVar(p, f.Flag, nil, f.Help)
		case *time.Duration:
			fs.DurationVar(p, f.Flag, 0, f.Help)
		default:
			panic(fmt.Sprintf("settings: field %s has type %s, which no flag takes", f.Key, f.Type))
		}
		if f.NoOpt != "" {
			fs.Lookup(f.Flag).NoOptDefVal = f.NoOpt
		}
	}
}

// values are the strings a field holds.
func (f Field) values(v any) []string {
	switch x := reflect.ValueOf(v).Elem().FieldByIndex(f.index).Interface().(type) {
	case string:
		if x != "" {
			return []string{x}
		}
	case []string:
		return x
	}
	return nil
}
