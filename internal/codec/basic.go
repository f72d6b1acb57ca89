package codec

import (
	"encoding/binary"
	"errors"
	"math"
	"reflect"
)

// Basic is the codec of single values of Go's predeclared scalar types (int, the sized
// integers, floats, bool, string and []byte; named types go to gob, which keeps their
// type): one byte of reflect.Kind and the value. Task arguments and small results are
// mostly such values, and gob, which starts a stream with type descriptions for every
// value, cost tens of microseconds each; this costs a few nanoseconds.
const Basic = "basic"

// encodeBasic encodes v if it is of a type Basic serves.
func encodeBasic(v any) ([]byte, bool) {
	var b []byte
	putInt := func(k reflect.Kind, x int64) []byte { return binary.AppendVarint([]byte{byte(k)}, x) }
	putUint := func(k reflect.Kind, x uint64) []byte { return binary.AppendUvarint([]byte{byte(k)}, x) }
	switch x := v.(type) {
	case int:
		b = putInt(reflect.Int, int64(x))
	case int8:
		b = putInt(reflect.Int8, int64(x))
	case int16:
		b = putInt(reflect.Int16, int64(x))
	case int32:
		b = putInt(reflect.Int32, int64(x))
	case int64:
		b = putInt(reflect.Int64, x)
	case uint:
		b = putUint(reflect.Uint, uint64(x))
	case uint8:
		b = putUint(reflect.Uint8, uint64(x))
	case uint16:
		b = putUint(reflect.Uint16, uint64(x))
	case uint32:
		b = putUint(reflect.Uint32, uint64(x))
	case uint64:
		b = putUint(reflect.Uint64, x)
	case uintptr:
		b = putUint(reflect.Uintptr, uint64(x))
	case float32:
		b = binary.LittleEndian.AppendUint32([]byte{byte(reflect.Float32)}, math.Float32bits(x))
	case float64:
		b = binary.LittleEndian.AppendUint64([]byte{byte(reflect.Float64)}, math.Float64bits(x))
	case bool:
		b = []byte{byte(reflect.Bool), 0}
		if x {
			b[1] = 1
		}
	case string:
		b = append([]byte{byte(reflect.String)}, x...)
	case []byte:
		if x == nil { // gob keeps a nil slice nil
			return nil, false
		}
		b = append([]byte{byte(reflect.Slice)}, x...)
	default:
		return nil, false
	}
	return b, true
}

var errBasic = errors.New("malformed value")

func decodeBasic(b []byte) (any, error) {
	if len(b) == 0 {
		return nil, errBasic
	}
	k, p := reflect.Kind(b[0]), b[1:]
	getInt := func() (int64, error) {
		x, n := binary.Varint(p)
		if n <= 0 || n != len(p) {
			return 0, errBasic
		}
		return x, nil
	}
	getUint := func() (uint64, error) {
		x, n := binary.Uvarint(p)
		if n <= 0 || n != len(p) {
			return 0, errBasic
		}
		return x, nil
	}
	switch k {
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		x, err := getInt()
		if err != nil {
			return nil, err
		}
		switch k {
		case reflect.Int:
			return int(x), nil
		case reflect.Int8:
			return int8(x), nil
		case reflect.Int16:
			return int16(x), nil
		case reflect.Int32:
			return int32(x), nil
		}
		return x, nil
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr:
		x, err := getUint()
		if err != nil {
			return nil, err
		}
		switch k {
		case reflect.Uint:
			return uint(x), nil
		case reflect.Uint8:
			return uint8(x), nil
		case reflect.Uint16:
			return uint16(x), nil
		case reflect.Uint32:
			return uint32(x), nil
		case reflect.Uintptr:
			return uintptr(x), nil
		}
		return x, nil
	case reflect.Float32:
		if len(p) != 4 {
			return nil, errBasic
		}
		return math.Float32frombits(binary.LittleEndian.Uint32(p)), nil
	case reflect.Float64:
		if len(p) != 8 {
			return nil, errBasic
		}
		return math.Float64frombits(binary.LittleEndian.Uint64(p)), nil
	case reflect.Bool:
		if len(p) != 1 || p[0] > 1 {
			return nil, errBasic
		}
		return p[0] == 1, nil
	case reflect.String:
		return string(p), nil
	case reflect.Slice:
		return append([]byte{}, p...), nil
	}
	return nil, errBasic
}
