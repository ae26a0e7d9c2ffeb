package oci

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"os"
)

// Memo reads a small record remembered under key (for example the derived
// modules layer of a base), decoding it into v. It reports whether the
// record exists.
func (s *Store) Memo(key string, v any) (bool, error) {
	b, err := os.ReadFile(s.memoPath(key))
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
func (s *Store) SetMemo(key string, v any) error {
	b, err := json.Marshal(v)
	if err != nil {
		return err
	}
	return s.writeFileAtomic(s.memoPath(key), b, false)
}

func (s *Store) memoPath(key string) string {
	sum := sha256.Sum256([]byte(key))
	return s.path("memo", hex.EncodeToString(sum[:]))
}
