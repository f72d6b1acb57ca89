package array

import (
	"encoding/binary"
	"encoding/gob"
	"errors"
	"fmt"
	"math"

	"github.com/gask-dev/gask/internal/codec"
)

// blockCodec is the name of the codec blocks (*Dense) cross process boundaries with:
// the procs and distributed schedulers' task arguments and results, and spilling.
//
// The encoding is an 8-byte header, the shape, then the values, every number little
// endian:
//
//	offset 0   magic "gska"
//	offset 4   version (1)
//	offset 5   dtype (0 float64, 1 float32, 2 int64, 3 bool: DType's values)
//	offset 6   ndim (at most maxCodecNdim)
//	offset 7   reserved, 0
//	offset 8   ndim uint64 dimensions
//	then       the Size() values in C order, each a float64's IEEE 754 bits (NaN
//	           payloads and the sign of zero kept)
//
// so the values start 8-byte aligned. A block with other strides is written in C
// order; a decoded block is C-ordered, with Data exactly its values. Decoding checks
// the header and that the length is exactly the header's, and fails with an error,
// never a panic, on anything else.
const blockCodec = "array.dense"

const (
	codecMagic   = "gska"
	codecVersion = 1
	codecHeader  = 8
	maxCodecNdim = 64
)

func init() { codec.Register[*Dense](blockCodec, encodeBlock, decodeBlock) }

func encodeBlock(d *Dense) ([]byte, error) {
	if d == nil {
		return nil, errors.New("array: encode a nil *Dense")
	}
	if !d.DType.valid() {
		return nil, fmt.Errorf("array: encode a block of unknown %s", d.DType)
	}
	if len(d.Shape) > maxCodecNdim {
		return nil, fmt.Errorf("array: encode a %d-d block: at most %d dimensions", len(d.Shape), maxCodecNdim)
	}
	n, err := numel(d.Shape)
	if err != nil {
		return nil, err
	}
	if err := d.check(); err != nil {
		return nil, err
	}
	start := codecHeader + 8*len(d.Shape)
	b := make([]byte, start+8*n)
	copy(b, codecMagic)
	b[4], b[5], b[6] = codecVersion, byte(d.DType), byte(len(d.Shape))
	for i, s := range d.Shape {
		binary.LittleEndian.PutUint64(b[codecHeader+8*i:], uint64(s))
	}
	out := b[start:]
	if d.contiguous() {
		for i, v := range d.Data[:n] {
			binary.LittleEndian.PutUint64(out[8*i:], math.Float64bits(v))
		}
		return b, nil
	}
	nd := len(d.Shape)
	idx := make([]int, nd)
	for i := range n {
		off := 0
		for a := range nd {
			off += idx[a] * d.Strides[a]
		}
		binary.LittleEndian.PutUint64(out[8*i:], math.Float64bits(d.Data[off]))
		for a := nd - 1; a >= 0; a-- {
			idx[a]++
			if idx[a] < d.Shape[a] {
				break
			}
			idx[a] = 0
		}
	}
	return b, nil
}

func decodeBlock(b []byte) (*Dense, error) {
	if len(b) < codecHeader {
		return nil, fmt.Errorf("array: block of %d bytes: shorter than its %d-byte header", len(b), codecHeader)
	}
	if string(b[:4]) != codecMagic {
		return nil, fmt.Errorf("array: block does not start with %q (%q)", codecMagic, b[:4])
	}
	if b[4] != codecVersion {
		return nil, fmt.Errorf("array: block of encoding version %d, want %d", b[4], codecVersion)
	}
	dt := DType(b[5])
	if !dt.valid() {
		return nil, fmt.Errorf("array: block of unknown %s", dt)
	}
	nd := int(b[6])
	if nd > maxCodecNdim {
		return nil, fmt.Errorf("array: block of %d dimensions: at most %d", nd, maxCodecNdim)
	}
	if b[7] != 0 {
		return nil, fmt.Errorf("array: block header's reserved byte is %d, want 0", b[7])
	}
	start := codecHeader + 8*nd
	if len(b) < start {
		return nil, fmt.Errorf("array: block of %d bytes: shorter than its %d-byte header (%d dimensions)", len(b), start, nd)
	}
	shape := make([]int, nd)
	for i := range shape {
		s := binary.LittleEndian.Uint64(b[codecHeader+8*i:])
		if s > math.MaxInt { // numel checks the product
			return nil, fmt.Errorf("array: block dimension %d is %d", i, s)
		}
		shape[i] = int(s)
	}
	n, err := numel(shape)
	if err != nil {
		return nil, err
	}
	vals := b[start:]
	if len(vals)%8 != 0 || len(vals)/8 != n {
		return nil, fmt.Errorf("array: block of shape %v has %d bytes of values, want %d", shape, len(vals), 8*n)
	}
	data := make([]float64, n)
	for i := range data {
		data[i] = math.Float64frombits(binary.LittleEndian.Uint64(vals[8*i:]))
	}
	return &Dense{Shape: shape, Strides: cStrides(shape), Data: data, DType: dt}, nil
}

// The kernels' plain-data arguments and the partial results that travel between
// tasks go through encoding/gob in interface slots, which needs their types
// registered. Every field of them is exported: gob drops unexported fields without a
// word (TestTaskArgumentsRoundTrip checks).
func init() {
	// gob.Register names them by import path, as gask.RegisterType would: a program
	// registering DType itself gets the same name, not a conflict.
	for _, v := range []any{
		DType(0), ewSpec{}, redSpec{}, regionSpec{}, contractSpec{}, takeSpec{}, overlapSpec{},
		&partial{}, &qrPart{},
		[][]int(nil), // rechunk's piece offsets
	} {
		gob.Register(v)
	}
}
