package oci

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"os"
)

// Memos are the store's small records of derived work, so that it is not
// done again: a base's modules cut for a board, the init layer, the
// initrd segments of recurring layers, the stamps of written outputs.
// A memo's key is a value, usually a struct that names every input of
// the work it remembers; its JSON encoding is hashed into the record's
// file name, so a change of any input (or of the key's fields) is a
// miss, never a wrong hit. A record may be lost or damaged (they are not
// synced): that too is a miss, and the work is done again.

// Memo reads the record remembered under key, decoding it into v. It
// reports whether the record exists.
func (s *Store) Memo(key, v any) (bool, error) {
	p, err := s.memoPath(key)
	if err != nil {
		return false, err
	}
	b, err := os.ReadFile(p)
	if errors.Is(err, os.ErrNotExist) {
		return false, nil
	}
	if err != nil {
		return false, fmt.Errorf("reading memo: %w", err)
	}
	if err := json.Unmarshal(b, v); err != nil {
		// A damaged record is a cache miss, not an error: it is rebuilt.
		return false, nil
	}
	return true, nil
}

// SetMemo remembers v under key. Memos are not synced: one lost in a
// crash is a cache miss.
func (s *Store) SetMemo(key, v any) error {
	p, err := s.memoPath(key)
	if err != nil {
		return err
	}
	b, err := json.Marshal(v)
	if err != nil {
		return err
	}
	return s.writeFileAtomic(p, b, false)
}

func (s *Store) memoPath(key any) (string, error) {
	k, err := json.Marshal(key)
	if err != nil {
		return "", fmt.Errorf("memo key: %w", err)
	}
	sum := sha256.Sum256(k)
	return s.path("memo", hex.EncodeToString(sum[:])), nil
}
