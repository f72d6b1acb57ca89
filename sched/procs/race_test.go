//go:build race

package procs_test

import (
	"context"
	"errors"
	"testing"

	"github.com/gask-dev/gask/graph"
	"github.com/gask-dev/gask/sched"
	"github.com/gask-dev/gask/sched/procs"
)

var racy int

func init() {
	graph.Register("procs_test.race", func(context.Context, []any) (any, error) {
		done := make(chan struct{})
		go func() { racy++; close(done) }()
		racy++
		<-done
		return 0, nil
	})
}

// TestWorkerDataRace: a data race in a race-enabled worker fails its task (the worker
// stops at the report), so a `go test -race` run does not pass over it.
func TestWorkerDataRace(t *testing.T) {
	ctx := context.Background()
	sess, err := procs.New(procs.Workers(1), procs.Retries(0)).Open(ctx, sched.Config{FailFast: true})
	if err != nil {
		t.Fatal(err)
	}
	defer sess.Close()
	g := graph.New(1)
	g.Add(graph.Task{Key: "r", Func: graph.Registered("procs_test.race"), Args: []any{}})
	if err := sess.Submit(g, []graph.Key{"r"}); err != nil {
		t.Fatal(err)
	}
	_, err = sess.Wait(ctx, []graph.Key{"r"}, 1)
	if err == nil {
		_, err = sess.Result("r")
	}
	var kw *procs.KilledWorkerError
	if !errors.As(err, &kw) || kw.Status != "exit status 66" {
		t.Fatalf("a racing task: got %v, want its worker stopped with exit status 66", err)
	}
}
