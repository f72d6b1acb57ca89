package codec

import (
	"bytes"
	"encoding/gob"
	"fmt"

	"github.com/gask-dev/gask/graph"
)

// Fused is the codec of a fused task's steps ([]graph.FusedStep, the first argument
// of graph.fused): each step's arguments are encoded with their own codecs (array
// blocks, Arrow records, gob), as a task's arguments are, not by gob as a whole.
const Fused = "fused"

type fusedStep struct {
	Key     string
	Func    string
	ArgsNil bool // Args nil: the step is called with its dependencies' results
	Args    []fusedArg
}

type fusedArg struct {
	Input   int // dependency index when IsInput
	IsInput bool
	Val     Value
}

func init() { Register[[]graph.FusedStep](Fused, encodeFused, decodeFused) }

func encodeFused(steps []graph.FusedStep) ([]byte, error) {
	out := make([]fusedStep, len(steps))
	for i, s := range steps {
		out[i] = fusedStep{Key: string(s.Key), Func: s.Func, ArgsNil: s.Args == nil, Args: make([]fusedArg, len(s.Args))}
		for j, a := range s.Args {
			if in, ok := a.(graph.Input); ok {
				out[i].Args[j] = fusedArg{Input: int(in), IsInput: true}
				continue
			}
			v, err := Encode(a)
			if err != nil {
				return nil, fmt.Errorf("step %s argument %d: %w", s.Key, j, err)
			}
			out[i].Args[j] = fusedArg{Val: v}
		}
	}
	var buf bytes.Buffer
	if err := gob.NewEncoder(&buf).Encode(out); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

func decodeFused(b []byte) ([]graph.FusedStep, error) {
	var in []fusedStep
	if err := gob.NewDecoder(bytes.NewReader(b)).Decode(&in); err != nil {
		return nil, err
	}
	steps := make([]graph.FusedStep, len(in))
	for i, s := range in {
		steps[i] = graph.FusedStep{Key: graph.Key(s.Key), Func: s.Func}
		if s.ArgsNil {
			continue
		}
		steps[i].Args = make([]any, len(s.Args))
		for j, a := range s.Args {
			if a.IsInput {
				steps[i].Args[j] = graph.Input(a.Input)
				continue
			}
			v, err := Decode(a.Val)
			if err != nil {
				return nil, fmt.Errorf("step %s argument %d: %w", s.Key, j, err)
			}
			steps[i].Args[j] = v
		}
	}
	return steps, nil
}
