package codec

import (
	"encoding/gob"
	"math"
	"reflect"
	"testing"
)

type celsius float64

func TestBasicRoundTrip(t *testing.T) {
	vals := []any{
		0, -1, math.MaxInt, math.MinInt, int8(-128), int16(12345), int32(math.MinInt32), int64(math.MaxInt64),
		uint(math.MaxUint), uint8(255), uint16(1), uint32(math.MaxUint32), uint64(math.MaxUint64), uintptr(7),
		float32(1.5), 3.25, math.Inf(-1), math.Copysign(0, -1), true, false,
		"", "héllo", []byte{}, []byte{0, 1, 2},
	}
	for _, v := range vals {
		enc, err := Encode(v)
		if err != nil {
			t.Fatal(err)
		}
		if enc.Codec != Basic {
			t.Errorf("%T %v: codec %q, want %q", v, v, enc.Codec, Basic)
		}
		got, err := Decode(enc)
		if err != nil {
			t.Fatalf("%T %v: %v", v, v, err)
		}
		if !reflect.DeepEqual(got, v) || (reflect.TypeOf(v).Kind() == reflect.Float64 && math.Signbit(got.(float64)) != math.Signbit(v.(float64))) {
			t.Errorf("%T %v came back as %T %v", v, v, got, got)
		}
	}
	nan, err := Decode(must(Encode(math.NaN())))
	if err != nil || !math.IsNaN(nan.(float64)) {
		t.Errorf("NaN came back as %v, %v", nan, err)
	}
}

func must(v Value, err error) Value {
	if err != nil {
		panic(err)
	}
	return v
}

// Named types and nil byte slices keep their identity through gob.
func TestBasicLeavesOthersToGob(t *testing.T) {
	gob.Register(celsius(0))
	for _, v := range []any{celsius(21.5), []byte(nil), []int{1, 2}} {
		enc, err := Encode(v)
		if err != nil {
			t.Fatal(err)
		}
		if enc.Codec != Gob {
			t.Errorf("%T: codec %q, want gob", v, enc.Codec)
		}
		got, err := Decode(enc)
		if err != nil || !reflect.DeepEqual(got, v) {
			t.Errorf("%T %v came back as %T %v, %v", v, v, got, got, err)
		}
	}
}

func TestBasicMalformed(t *testing.T) {
	for _, b := range [][]byte{nil, {byte(reflect.Int)}, {byte(reflect.Int), 0x80}, {byte(reflect.Int), 1, 2},
		{byte(reflect.Float64), 1}, {byte(reflect.Bool), 2}, {byte(reflect.Map)}} {
		if v, err := Decode(Value{Codec: Basic, Data: b}); err == nil {
			t.Errorf("%v decoded as %v", b, v)
		}
	}
}
