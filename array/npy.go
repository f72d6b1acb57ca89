package array

import (
	"bytes"
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"

	"github.com/gask-dev/gask"
)

// npyHeader is what a .npy file's header says.
type npyHeader struct {
	elem    elemType
	fortran bool
	shape   []int
	offset  int64 // where the data starts
}

var npyMagic = []byte("\x93NUMPY")

// maxNPYHeader bounds the header length a reader accepts.
const maxNPYHeader = 1 << 20

// readNPYHeader reads and checks the header of a .npy file (format versions 1.0, 2.0
// and 3.0).
func readNPYHeader(r io.Reader) (npyHeader, error) {
	var pre [8]byte
	if _, err := io.ReadFull(r, pre[:]); err != nil {
		return npyHeader{}, errors.New("not a .npy file: shorter than its magic string")
	}
	if !bytes.Equal(pre[:6], npyMagic) {
		return npyHeader{}, fmt.Errorf("not a .npy file: starts with %q, want \"\\x93NUMPY\"", pre[:6])
	}
	major, minor := pre[6], pre[7]
	var hlen, pos int
	switch major {
	case 1:
		var b [2]byte
		if _, err := io.ReadFull(r, b[:]); err != nil {
			return npyHeader{}, errors.New("truncated header length")
		}
		hlen, pos = int(binary.LittleEndian.Uint16(b[:])), 10
	case 2, 3:
		var b [4]byte
		if _, err := io.ReadFull(r, b[:]); err != nil {
			return npyHeader{}, errors.New("truncated header length")
		}
		hlen, pos = int(binary.LittleEndian.Uint32(b[:])), 12
	default:
		return npyHeader{}, fmt.Errorf("format version %d.%d is not supported (want 1.0, 2.0 or 3.0)", major, minor)
	}
	if hlen > maxNPYHeader {
		return npyHeader{}, fmt.Errorf("header length %d is more than %d bytes", hlen, maxNPYHeader)
	}
	buf := make([]byte, hlen)
	if _, err := io.ReadFull(r, buf); err != nil {
		return npyHeader{}, fmt.Errorf("truncated header: want %d bytes", hlen)
	}
	h, err := parseNPYDict(string(buf))
	if err != nil {
		return npyHeader{}, fmt.Errorf("header %q: %w", strings.TrimSpace(string(buf)), err)
	}
	h.offset = int64(pos + hlen)
	return h, nil
}

// parseNPYDict parses the header's Python dict literal, such as
// {'descr': '<f8', 'fortran_order': False, 'shape': (3, 4), }.
func parseNPYDict(s string) (npyHeader, error) {
	p := &pyLit{s: s}
	var h npyHeader
	seen := map[string]bool{}
	p.space()
	if !p.eat('{') {
		return h, errors.New("not a dict")
	}
	for {
		p.space()
		if p.eat('}') {
			break
		}
		key, err := p.str()
		if err != nil {
			return h, err
		}
		p.space()
		if !p.eat(':') {
			return h, fmt.Errorf("no ':' after key %q", key)
		}
		p.space()
		if seen[key] {
			return h, fmt.Errorf("key %q twice", key)
		}
		seen[key] = true
		switch key {
		case "descr":
			if p.peek() == '[' {
				return h, errors.New("structured dtypes are not supported")
			}
			d, err := p.str()
			if err != nil {
				return h, fmt.Errorf("descr: %w", err)
			}
			if h.elem, err = parseDescr(d); err != nil {
				return h, err
			}
		case "fortran_order":
			switch {
			case p.word("True"):
				h.fortran = true
			case p.word("False"):
			default:
				return h, errors.New("fortran_order is neither True nor False")
			}
		case "shape":
			if h.shape, err = p.tuple(); err != nil {
				return h, fmt.Errorf("shape: %w", err)
			}
		default:
			return h, fmt.Errorf("unknown key %q", key)
		}
		p.space()
		if !p.eat(',') {
			p.space()
			if !p.eat('}') {
				return h, errors.New("no ',' or '}' after a value")
			}
			break
		}
	}
	if strings.TrimSpace(p.s[p.i:]) != "" {
		return h, fmt.Errorf("text after the dict: %q", p.s[p.i:])
	}
	for _, k := range []string{"descr", "fortran_order", "shape"} {
		if !seen[k] {
			return h, fmt.Errorf("no %q", k)
		}
	}
	if _, err := numel(h.shape); err != nil {
		return h, err
	}
	return h, nil
}

// pyLit scans the Python literals of a .npy header.
type pyLit struct {
	s string
	i int
}

func (p *pyLit) space() {
	for p.i < len(p.s) && strings.IndexByte(" \t\r\n", p.s[p.i]) >= 0 {
		p.i++
	}
}

func (p *pyLit) peek() byte {
	if p.i < len(p.s) {
		return p.s[p.i]
	}
	return 0
}

func (p *pyLit) eat(c byte) bool {
	if p.peek() == c {
		p.i++
		return true
	}
	return false
}

func (p *pyLit) word(w string) bool {
	if strings.HasPrefix(p.s[p.i:], w) {
		p.i += len(w)
		return true
	}
	return false
}

func (p *pyLit) str() (string, error) {
	q := p.peek()
	if q != '\'' && q != '"' {
		return "", fmt.Errorf("want a string at offset %d", p.i)
	}
	end := strings.IndexByte(p.s[p.i+1:], q)
	if end < 0 {
		return "", errors.New("unterminated string")
	}
	v := p.s[p.i+1 : p.i+1+end]
	p.i += end + 2
	return v, nil
}

func (p *pyLit) tuple() ([]int, error) {
	if !p.eat('(') {
		return nil, errors.New("not a tuple")
	}
	out := []int{}
	for {
		p.space()
		if p.eat(')') {
			return out, nil
		}
		j := p.i
		for j < len(p.s) && p.s[j] >= '0' && p.s[j] <= '9' {
			j++
		}
		n, err := strconv.Atoi(p.s[p.i:j])
		if err != nil || n < 0 {
			return nil, fmt.Errorf("want a dimension at offset %d", p.i)
		}
		p.i = j
		p.eat('L') // Python 2 long
		out = append(out, n)
		p.space()
		if !p.eat(',') {
			p.space()
			if !p.eat(')') {
				return nil, errors.New("unterminated tuple")
			}
			if len(out) == 1 {
				return nil, errors.New("(n) is not a tuple: want (n,)")
			}
			return out, nil
		}
	}
}

// npyHeaderBytes is the header of a .npy file of a C-ordered array: format 1.0 unless
// the dict does not fit, padded so the data starts at a multiple of 64 bytes.
func npyHeaderBytes(e elemType, shape []int) []byte {
	var dims []string
	for _, s := range shape {
		dims = append(dims, strconv.Itoa(s))
	}
	tuple := "(" + strings.Join(dims, ", ") + ")"
	if len(shape) == 1 {
		tuple = "(" + dims[0] + ",)"
	}
	dict := fmt.Sprintf("{'descr': '%s', 'fortran_order': False, 'shape': %s, }", e.descr(), tuple)
	pre := 10
	if len(dict)+1+pre+63 > 65535 {
		pre = 12
	}
	total := (pre + len(dict) + 1 + 63) / 64 * 64
	hlen := total - pre
	out := make([]byte, 0, total)
	out = append(out, npyMagic...)
	if pre == 10 {
		out = append(out, 1, 0)
		out = binary.LittleEndian.AppendUint16(out, uint16(hlen))
	} else {
		out = append(out, 2, 0)
		out = binary.LittleEndian.AppendUint32(out, uint32(hlen))
	}
	out = append(out, dict...)
	for len(out) < total-1 {
		out = append(out, ' ')
	}
	return append(out, '\n')
}

// openNPY reads the header of the .npy file at path and checks that the file holds
// all of the data it announces.
func openNPY(path string) (npyHeader, error) {
	f, err := os.Open(path)
	if err != nil {
		return npyHeader{}, fmt.Errorf("array: %w", err)
	}
	defer f.Close()
	h, err := readNPYHeader(f)
	if err != nil {
		return h, fmt.Errorf("array: .npy file %s: %w", path, err)
	}
	st, err := f.Stat()
	if err != nil {
		return h, fmt.Errorf("array: %w", err)
	}
	n, _ := numel(h.shape)
	if need := h.offset + int64(n)*int64(h.elem.size); st.Size() < need {
		return h, fmt.Errorf("array: .npy file %s is truncated: shape %v of %s needs %d bytes, the file has %d",
			path, h.shape, h.elem.descr(), need, st.Size())
	}
	return h, nil
}

const npyReadName = "array.npy-read"

func init() {
	register(npyReadName, func(_ context.Context, args []any) (any, error) {
		path, offset, descr := args[0].(string), args[1].(int64), args[2].(string)
		fortran, fileShape := args[3].(bool), args[4].([]int)
		start, shape := args[5].([]int), args[6].([]int)
		e, err := parseDescr(descr)
		if err != nil {
			return nil, fmt.Errorf("array: .npy file %s: %w", path, err)
		}
		f, err := os.Open(path)
		if err != nil {
			return nil, fmt.Errorf("array: %w", err)
		}
		defer f.Close()
		// A Fortran-ordered file is the C-ordered file of the reversed shape.
		fs, st, sh := fileShape, start, shape
		if fortran {
			fs, st, sh = reversed(fileShape), reversed(start), reversed(shape)
		}
		raw, err := readRegion(f, offset, e.size, fs, st, sh)
		if err != nil {
			if errors.Is(err, io.EOF) {
				err = errors.New("the file is truncated")
			}
			return nil, fmt.Errorf("array: .npy file %s: block at %v of shape %v: %w", path, start, shape, err)
		}
		d := newDense(e.dtype(), slices.Clone(sh))
		e.decode(d.Data, raw)
		if err := checkExactInts(e, raw); err != nil {
			return nil, fmt.Errorf("array: .npy file %s: %w", path, err)
		}
		if fortran {
			d = (&Dense{Shape: slices.Clone(shape), Strides: reversed(d.Strides), Data: d.Data, DType: d.DType}).Contiguous()
		}
		return d, nil
	})
	register(npyWriteName, func(_ context.Context, args []any) (any, error) {
		w := &NPYWriter{path: args[0].(string), offset: args[1].(int64), descr: args[2].(string), shape: args[3].([]int)}
		b, err := denseArg("npy write", args[6])
		if err != nil {
			return nil, err
		}
		return 1, w.write(args[5].([]int), b)
	})
}

// FromNPY is a lazy array of the .npy file at path, cut into blocks by chunks: the
// header is read now (errors name the file and what is wrong with it); each block
// reads only its own bytes when it is computed. Float64, float32, int8 to int64,
// uint8 to uint32 and bool files of either byte order and of C or Fortran order are
// read; float32 files make a Float32 array, integers an Int64 array and bools a Bool
// array (all in the package's float64 storage: see DType).
func FromNPY(path string, chunks ChunkSpec) *Array {
	h, err := openNPY(path)
	if err != nil {
		return failed(err)
	}
	st, err := os.Stat(path)
	if err != nil {
		return failed(fmt.Errorf("array: %w", err))
	}
	descr := h.elem.descr()
	n := &genNode{fn: npyReadName, what: fmt.Sprintf("FromNPY %s", path), args: func(_, start, shape []int, _ int) []any {
		return []any{path, h.offset, descr, h.fortran, slices.Clone(h.shape), start, shape}
	}}
	return newGen("npy", h.shape, chunks, h.elem.dtype(), n, path, st.Size(), st.ModTime().UnixNano())
}

// NPYWriter is a ChunkWriter that writes blocks into their places in a .npy file whose
// header NewNPYWriter wrote. Blocks may arrive in any order and at once.
type NPYWriter struct {
	path   string
	offset int64
	descr  string
	shape  []int
	chunks [][]int
}

const npyWriteName = "array.npy-write"

func (w *NPYWriter) writeKernel() (string, []any) {
	return npyWriteName, []any{w.path, w.offset, w.descr, w.shape}
}

// NewNPYWriter creates (or truncates) the .npy file at path for an array of the shape,
// chunks and dtype of a, writing its header and sizing the file for the data.
func NewNPYWriter(path string, a *Array) (*NPYWriter, error) {
	if a.err != nil {
		return nil, a.err
	}
	e := elemFor(a.dtype)
	hdr := npyHeaderBytes(e, a.shape)
	f, err := os.Create(path)
	if err != nil {
		return nil, fmt.Errorf("array: %w", err)
	}
	_, err = f.Write(hdr)
	if err == nil {
		err = f.Truncate(int64(len(hdr)) + int64(a.Size())*int64(e.size))
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return nil, fmt.Errorf("array: writing %s: %w", path, err)
	}
	return &NPYWriter{path: path, offset: int64(len(hdr)), descr: e.descr(), shape: slices.Clone(a.shape), chunks: a.Chunks()}, nil
}

// WriteChunk implements ChunkWriter: it writes block index of the array.
func (w *NPYWriter) WriteChunk(index []int, block *Dense) error {
	if len(index) != len(w.chunks) {
		return fmt.Errorf("array: .npy file %s: block index %v for a %d-d array", w.path, index, len(w.chunks))
	}
	for ax, i := range index {
		if i < 0 || i >= len(w.chunks[ax]) {
			return fmt.Errorf("array: .npy file %s: block index %v out of range", w.path, index)
		}
	}
	return w.write(blockStart(w.chunks, index), block)
}

func (w *NPYWriter) write(start []int, b *Dense) error {
	e, err := parseDescr(w.descr)
	if err != nil {
		return err
	}
	fits := len(b.Shape) == len(w.shape) && len(start) == len(w.shape)
	for ax := 0; fits && ax < len(start); ax++ {
		fits = start[ax] >= 0 && start[ax]+b.Shape[ax] <= w.shape[ax]
	}
	if !fits {
		return fmt.Errorf("array: .npy file %s: block of shape %v at %v does not fit shape %v", w.path, b.Shape, start, w.shape)
	}
	b = b.Contiguous()
	raw := make([]byte, b.Size()*e.size)
	e.encode(raw, b.Data[:b.Size()])
	f, err := os.OpenFile(w.path, os.O_WRONLY, 0)
	if err != nil {
		return fmt.Errorf("array: %w", err)
	}
	err = writeRegion(f, w.offset, e.size, w.shape, start, b.Shape, raw)
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return fmt.Errorf("array: writing %s: %w", w.path, err)
	}
	return nil
}

// ToNPY computes a and writes it to the .npy file at path (format 1.0, or 2.0 for a
// huge header; little-endian, C order): float64 as "<f8", Float32 arrays as "<f4", Int64 arrays as "<i8", Bool
// as "|b1". Blocks are written in place as they are computed, one task per block,
// into a temporary file beside path that is renamed to path when every block is
// written: a failed write leaves neither a partial file nor the temporary one.
func ToNPY(ctx context.Context, a *Array, path string, opts ...gask.Option) error {
	if a.err != nil {
		return a.err
	}
	f, err := os.CreateTemp(filepath.Dir(path), filepath.Base(path)+".*.tmp")
	if err != nil {
		return fmt.Errorf("array: %w", err)
	}
	tmp := f.Name()
	f.Close()
	w, err := NewNPYWriter(tmp, a)
	if err == nil {
		err = Store(ctx, a, w, opts...)
	}
	if err == nil {
		if err = os.Rename(tmp, path); err != nil {
			err = fmt.Errorf("array: %w", err)
		}
	}
	if err != nil {
		os.Remove(tmp)
	}
	return err
}

var _ kernelWriter = (*NPYWriter)(nil)
