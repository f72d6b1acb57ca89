package dataframe

import (
	"bytes"
	"context"
	"encoding/gob"
	"fmt"
	"time"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/compute"
	"github.com/apache/arrow-go/v18/arrow/memory"

	"github.com/gask-dev/gask/internal/codec"
)

// What dataframe tasks carry to worker processes (the procs scheduler): every task
// argument and result goes through internal/codec — Arrow records as Arrow IPC, the
// types below with codecs of their own, anything else by encoding/gob in an interface
// slot, which needs the concrete types registered and drops unexported fields.

// driverPart is a partition made from data only the driver has: Go values
// (FromRecords) or a slice of an Arrow table (FromTable). In process it builds its
// record when its task runs, from the task's allocator; to a worker process it
// travels as the record it builds (see the codec below), which the worker's copy
// holds.
type driverPart struct {
	label string
	build func(ctx context.Context) (arrow.RecordBatch, error)
	rec   arrow.RecordBatch // a worker's copy: the record built on the driver
}

// record returns the partition's record, which the caller owns.
func (p *driverPart) record(ctx context.Context) (arrow.RecordBatch, error) {
	if p.rec != nil {
		p.rec.Retain()
		return p.rec, nil
	}
	if p.build == nil {
		return nil, fmt.Errorf("dataframe: %s partition without data", p.label)
	}
	return p.build(ctx)
}

// Release releases a worker's copy of the record.
func (p *driverPart) Release() {
	if p.rec != nil {
		p.rec.Release()
		p.rec = nil
	}
}

// Equal reports whether p and o make the same record (what shipcheck compares: the
// part before and after the trip to a worker).
func (p *driverPart) Equal(o *driverPart) bool {
	ctx := compute.WithAllocator(context.Background(), memory.DefaultAllocator)
	a, err := p.record(ctx)
	if err != nil {
		return false
	}
	defer a.Release()
	b, err := o.record(ctx)
	if err != nil {
		return false
	}
	defer b.Release()
	return a.Schema().Equal(b.Schema()) && array.RecordApproxEqual(a, b, array.WithNaNsEqual(true), array.WithAbsTolerance(0))
}

const driverPartName = "dataframe.driver-part"

func init() {
	register(driverPartName, func(ctx context.Context, args []any) (any, error) {
		p, ok := args[0].(*driverPart)
		if !ok {
			return nil, fmt.Errorf("dataframe: driver partition task got %T", args[0])
		}
		return p.record(ctx)
	})
	// The record is built on the driver, from Go memory, when the task is sent.
	codec.Register[*driverPart]("dataframe.driver-part",
		func(p *driverPart) ([]byte, error) {
			rec, err := p.record(compute.WithAllocator(context.Background(), memory.DefaultAllocator))
			if err != nil {
				return nil, err
			}
			defer rec.Release()
			return codec.EncodeRecords1(rec)
		},
		func(b []byte) (*driverPart, error) {
			rec, err := codec.DecodeRecord(b)
			if err != nil {
				return nil, err
			}
			return &driverPart{label: "shipped", rec: rec}, nil
		})
}

func init() {
	// Task arguments (kernel parameters) and results that travel by gob.
	for _, v := range []any{
		[]Step(nil), Expr{}, []Expr(nil), Agg{}, aggSpec{}, mergeSpec{}, asofSpec{}, cumSpec{},
		sortSpec{}, sortKeys{}, divisionCut{}, edgeSpec{}, overlapEdges{}, overlapCall{},
		winSpec{}, mapCall{}, pivotSpec{}, topNSpec{}, writeSpec{}, ipcPart{}, csvBlock{}, jsonBlock{},
		&csvBounds{}, indexStats{}, asofStat{}, []asofStat(nil), asofBounds{},
		asofPieces{}, cumCarry{}, []any(nil), time.Time{}, [2]int64{},
	} {
		gob.Register(v)
	}
	codec.Register[recordList]("dataframe.record-list",
		func(l recordList) ([]byte, error) { return l.GobEncode() },
		func(b []byte) (recordList, error) {
			var l recordList
			return l, l.GobDecode(b)
		})
}

// recordListWire is a recordList as it travels: one Arrow IPC stream when its records
// share a schema, else one stream per record.
type recordListWire struct {
	Nil    bool
	N      int
	Stream []byte
	Each   [][]byte
}

// GobEncode encodes the records as Arrow IPC; gob calls it for a recordList inside
// another value (asofPieces), the codec for one on its own.
func (l recordList) GobEncode() ([]byte, error) {
	w := recordListWire{Nil: l == nil, N: len(l)}
	one := len(l) > 0
	for i, r := range l {
		if r == nil {
			return nil, fmt.Errorf("dataframe: record list with a nil record %d", i)
		}
		one = one && r.Schema().Equal(l[0].Schema())
	}
	var err error
	if one {
		w.Stream, err = codec.EncodeRecords(l[0].Schema(), l)
	} else {
		w.Each = make([][]byte, len(l))
		for i, r := range l {
			if w.Each[i], err = codec.EncodeRecords1(r); err != nil {
				break
			}
		}
	}
	if err != nil {
		return nil, err
	}
	var buf bytes.Buffer
	if err := gob.NewEncoder(&buf).Encode(w); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// GobDecode decodes what GobEncode made; the records come from Go memory.
func (l *recordList) GobDecode(b []byte) error {
	var w recordListWire
	if err := gob.NewDecoder(bytes.NewReader(b)).Decode(&w); err != nil {
		return err
	}
	if w.Nil {
		*l = nil
		return nil
	}
	out := make(recordList, 0, w.N)
	if w.Stream != nil {
		_, recs, err := codec.DecodeRecords(w.Stream)
		if err != nil {
			return err
		}
		out = append(out, recs...)
	} else {
		for _, e := range w.Each {
			r, err := codec.DecodeRecord(e)
			if err != nil {
				out.Release()
				return err
			}
			out = append(out, r)
		}
	}
	if len(out) != w.N {
		out.Release()
		return fmt.Errorf("dataframe: record list of %d records decoded as %d", w.N, len(out))
	}
	*l = out
	return nil
}

// fieldList is a list of Arrow fields that travels by gob as an Arrow IPC schema
// (gob cannot carry arrow.DataType values).
type fieldList []arrow.Field

func (l fieldList) GobEncode() ([]byte, error) {
	return codec.EncodeRecords(arrow.NewSchema(l, nil), nil)
}

func (l *fieldList) GobDecode(b []byte) error {
	sch, recs, err := codec.DecodeRecords(b)
	if err != nil {
		return err
	}
	for _, r := range recs {
		r.Release()
	}
	*l = sch.Fields()
	return nil
}

// sortKeysWire is sortKeys as gob carries it, with which slices are nil: an empty
// non-nil slice gives keys of no values their kind (see keyKind), which gob, sending
// no empty slice, would lose.
type sortKeysWire struct {
	Ints    []int64
	Floats  []float64
	Strs    []string
	Missing []bool
	NonNil  uint8 // 1 Ints, 2 Floats, 4 Strs, 8 Missing
}

func (k sortKeys) GobEncode() ([]byte, error) {
	w := sortKeysWire{Ints: k.Ints, Floats: k.Floats, Strs: k.Strs, Missing: k.Missing}
	for i, nonNil := range []bool{k.Ints != nil, k.Floats != nil, k.Strs != nil, k.Missing != nil} {
		if nonNil {
			w.NonNil |= 1 << i
		}
	}
	var buf bytes.Buffer
	if err := gob.NewEncoder(&buf).Encode(w); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

func (k *sortKeys) GobDecode(b []byte) error {
	var w sortKeysWire
	if err := gob.NewDecoder(bytes.NewReader(b)).Decode(&w); err != nil {
		return err
	}
	*k = sortKeys{Ints: w.Ints, Floats: w.Floats, Strs: w.Strs, Missing: w.Missing}
	if w.NonNil&1 != 0 && k.Ints == nil {
		k.Ints = []int64{}
	}
	if w.NonNil&2 != 0 && k.Floats == nil {
		k.Floats = []float64{}
	}
	if w.NonNil&4 != 0 && k.Strs == nil {
		k.Strs = []string{}
	}
	if w.NonNil&8 != 0 && k.Missing == nil {
		k.Missing = []bool{}
	}
	return nil
}
