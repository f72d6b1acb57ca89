package gask

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

func TestVisualizeMissingGraphviz(t *testing.T) {
	saved := dotProgram
	dotProgram = "gask-no-such-dot-program"
	defer func() { dotProgram = saved }()
	d := Delay1(func(x int) int { return x })(Value(1))
	err := Visualize(context.Background(), filepath.Join(t.TempDir(), "g.svg"), d)
	if err == nil || !strings.Contains(err.Error(), `Graphviz program "gask-no-such-dot-program" not found`) {
		t.Fatalf("got %v", err)
	}
}

func TestVisualizeSVG(t *testing.T) {
	if _, err := exec.LookPath("dot"); err != nil {
		t.Skip("Graphviz is not installed; TestVisualizeMissingGraphviz covers that path")
	}
	d := Delay1(func(x int) int { return x })(Value(1))
	out := filepath.Join(t.TempDir(), "g.svg")
	if err := Visualize(context.Background(), out, d); err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(out)
	if err != nil || !strings.Contains(string(b), "<svg") {
		t.Fatalf("svg: %v\n%.200s", err, b)
	}
}
