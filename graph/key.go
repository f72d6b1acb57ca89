package graph

import (
	"crypto/rand"
	"encoding/binary"
	"strconv"
	"strings"
	"sync/atomic"
)

// Key names a task and its result. It is a name plus an optional partition index
// tuple, printed like a Dask key: a bare name ("sum-7c1f02e4a9d03b56") or a tuple
// ("('read-csv-8f3a', 3)", "('x-1a2b', 0, 4)"). Keys are plain strings so they are
// cheap to hash, compare, print and send over the wire.
type Key string

// K builds a key from a name and partition indices.
func K(name string, index ...int) Key {
	if len(index) == 0 {
		return Key(name)
	}
	b := make([]byte, 0, len(name)+4+8*len(index))
	b = append(b, "('"...)
	b = append(b, name...)
	b = append(b, '\'')
	for _, i := range index {
		b = append(b, ", "...)
		b = strconv.AppendInt(b, int64(i), 10)
	}
	b = append(b, ')')
	return Key(b)
}

// Name is the key's name without its index.
func (k Key) Name() string {
	s := string(k)
	if !strings.HasPrefix(s, "('") {
		return s
	}
	if end := strings.LastIndex(s, "'"); end > 1 {
		return s[2:end]
	}
	return s
}

// Index is the key's partition index tuple (nil for a bare name).
func (k Key) Index() []int {
	s := string(k)
	if !strings.HasPrefix(s, "('") || !strings.HasSuffix(s, ")") {
		return nil
	}
	end := strings.LastIndex(s, "'")
	rest := strings.TrimSuffix(s[end+1:], ")")
	if rest == "" {
		return nil
	}
	parts := strings.Split(strings.TrimPrefix(rest, ", "), ", ")
	idx := make([]int, 0, len(parts))
	for _, p := range parts {
		i, err := strconv.Atoi(p)
		if err != nil {
			return nil
		}
		idx = append(idx, i)
	}
	return idx
}

// String returns the key as printed in errors and graphs.
func (k Key) String() string { return string(k) }

var (
	tokenSeed    = newSeed()
	tokenCounter atomic.Uint64
)

func newSeed() uint64 {
	var b [8]byte
	if _, err := rand.Read(b[:]); err != nil {
		return 0x9e3779b97f4a7c15
	}
	return binary.LittleEndian.Uint64(b[:])
}

// Token returns prefix followed by a dash and 16 hex digits that are unique within the
// process and, with overwhelming probability, across processes — the shape of Dask's
// "inc-8f3a..." names for lazily built collections.
func Token(prefix string) string {
	x := mix(tokenSeed + tokenCounter.Add(1)*0x9e3779b97f4a7c15)
	b := make([]byte, 0, len(prefix)+17)
	b = append(b, prefix...)
	b = append(b, '-')
	const hex = "0123456789abcdef"
	for shift := 60; shift >= 0; shift -= 4 {
		b = append(b, hex[(x>>uint(shift))&0xf])
	}
	return string(b)
}

// mix is splitmix64's finalizer: a bijection, so distinct counters give distinct tokens.
func mix(x uint64) uint64 {
	x ^= x >> 30
	x *= 0xbf58476d1ce4e5b9
	x ^= x >> 27
	x *= 0x94d049bb133111eb
	x ^= x >> 31
	return x
}
