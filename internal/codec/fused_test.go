package codec_test

import (
	"reflect"
	"testing"

	"github.com/gask-dev/gask/graph"
	"github.com/gask-dev/gask/internal/codec"
)

// A fused task's steps cross the codec with their arguments, graph.Input markers and
// the difference between nil Args (the dependencies' results) and no arguments.
func TestFusedSteps(t *testing.T) {
	steps := []graph.FusedStep{
		{Key: "a", Func: "graph.literal", Args: []any{"x"}},
		{Key: "b", Func: "f", Args: []any{3, graph.Input(0), nil, []int{1, 2}}},
		{Key: "c", Func: "g"},
		{Key: "d", Func: "h", Args: []any{}},
	}
	v, err := codec.Encode(steps)
	if err != nil {
		t.Fatal(err)
	}
	if v.Codec != codec.Fused {
		t.Fatalf("codec %q, want %q", v.Codec, codec.Fused)
	}
	got, err := codec.Decode(v)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got, steps) {
		t.Fatalf("got %#v, want %#v", got, steps)
	}
	if _, err := codec.Encode([]graph.FusedStep{{Key: "e", Func: "f", Args: []any{struct{ X int }{1}}}}); err == nil {
		t.Fatal("an unregistered argument type encoded")
	}
}
