package config

import (
	"bytes"
	"encoding/json"
	"errors"
	"reflect"
	"testing"
)

// decodeJSON is decodeOld, with data after the object rejected.
func decodeJSON(b []byte) (*Config, error) {
	if !json.Valid(b) {
		return nil, errors.New("not one JSON value")
	}
	return decodeOld(b)
}

// decodeOld is how Decode decoded before decode: with encoding/json, unknown
// fields disallowed.
func decodeOld(b []byte) (*Config, error) {
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	var c Config
	if err := dec.Decode(&c); err != nil {
		return nil, err
	}
	return &c, nil
}

// FuzzDecode checks that decode takes what encoding/json takes, and gives
// the same Config.
func FuzzDecode(f *testing.F) {
	for _, c := range samples() {
		b, err := json.Marshal(c)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
	for _, s := range seeds() {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		want, wantErr := decodeJSON(b)
		got, err := decode(b)
		switch {
		case wantErr != nil && err == nil:
			t.Fatalf("decode(%q) = %+v, encoding/json: %v", b, got, wantErr)
		case wantErr == nil && err != nil:
			t.Fatalf("decode(%q): %v, encoding/json: %+v", b, err, want)
		case err == nil && !reflect.DeepEqual(got, want):
			t.Fatalf("decode(%q)\n got %#v\nwant %#v", b, got, want)
		}
	})
}

// BenchmarkDecode compares decode with the encoding/json decoding it
// replaced, on a config with every field set.
func BenchmarkDecode(b *testing.B) {
	in, err := json.Marshal(samples()[0])
	if err != nil {
		b.Fatal(err)
	}
	for _, bm := range []struct {
		name   string
		decode func([]byte) (*Config, error)
	}{
		{"encoding-json", decodeOld},
		{"wisp", decode},
	} {
		b.Run(bm.name, func(b *testing.B) {
			b.SetBytes(int64(len(in)))
			b.ReportAllocs()
			for b.Loop() {
				if _, err := bm.decode(in); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
