package gask

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
)

// WriteDOT writes the merged task graph of the collections in Graphviz DOT.
func WriteDOT(w io.Writer, cs ...Collection) error {
	g, _, _, err := merged(cs)
	if err != nil {
		return err
	}
	if err := g.WriteDOT(w); err != nil {
		return fmt.Errorf("gask: write DOT: %w", err)
	}
	return nil
}

// dotProgram is the Graphviz command Visualize runs; a variable so tests can point it
// at a missing program.
var dotProgram = "dot"

// Visualize draws the collections' task graph into filename, like Dask's visualize.
// The extension picks the format: .dot or .gv write DOT text; .svg, .png and .pdf run
// Graphviz's dot, and fail with an error naming the missing program when Graphviz is
// not installed (Debian: apt-get install graphviz).
func Visualize(ctx context.Context, filename string, cs ...Collection) error {
	ext := strings.ToLower(strings.TrimPrefix(filepath.Ext(filename), "."))
	var dot bytes.Buffer
	if err := WriteDOT(&dot, cs...); err != nil {
		return err
	}
	switch ext {
	case "dot", "gv":
		if err := os.WriteFile(filename, dot.Bytes(), 0o644); err != nil {
			return fmt.Errorf("gask: visualize: %w", err)
		}
		return nil
	case "svg", "png", "pdf":
	default:
		return fmt.Errorf("gask: visualize %s: unknown format %q: want .dot, .gv, .svg, .png or .pdf", filename, ext)
	}
	prog, err := exec.LookPath(dotProgram)
	if err != nil {
		return fmt.Errorf("gask: visualize %s: Graphviz program %q not found (install graphviz, or write a .dot file): %w", filename, dotProgram, err)
	}
	cmd := exec.CommandContext(ctx, prog, "-T"+ext, "-o", filename)
	cmd.Stdin = &dot
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if err := cmd.Run(); err != nil {
		return fmt.Errorf("gask: visualize %s: %s: %w: %s", filename, prog, err, strings.TrimSpace(stderr.String()))
	}
	return nil
}
