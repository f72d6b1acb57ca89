package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"go.uber.org/goleak"

	"github.com/gask-dev/gask"
)

func TestMain(m *testing.M) {
	gask.MainTest(m)
	goleak.VerifyTestMain(m)
}

func TestQuickstart(t *testing.T) {
	for _, s := range []string{"sync", "threads", "procs"} {
		t.Run(s, func(t *testing.T) {
			t.Setenv("GASK_SCHEDULER", s)
			var out bytes.Buffer
			dot := filepath.Join(t.TempDir(), "graph.dot")
			if err := run(context.Background(), &out, dot, false); err != nil {
				t.Fatal(err)
			}
			for _, want := range []string{
				"scheduler: " + s,
				"multiply(multiply(2, 3), multiply(3, 4)) = 72",
				"add(inc(1), inc(2)) = 5",
				"map(pow, [[1 2] [3 4] [5 6] [9 10] [11 12]]) = [1 81 15625 3486784401 3138428376721]",
				"map(square, 1..5) = [1 4 9 16 25]",
				"submit(add, square(4), square(5)) = 41",
				"GroupBy [city] Agg [sum(total) as total, mean(riders) as riders, size() as trips] split_every=8 npartitions=1",
				"        ReadCSV trips.csv npartitions=2",
				"lille, nord  total= 13.00 riders=2.00 trips=1",
				"lyon         total= 37.00 riders=3.00 trips=2",
				"nice         total= 44.00 riders=1.00 trips=1",
				"paris        total= 69.50 riders=2.00 trips=3",
				"the    4\ncat    3\nsat    2",
				"sum((arange(12) + 1) * 2) = 156",
			} {
				if !strings.Contains(out.String(), want) {
					t.Errorf("output lacks %q:\n%s", want, out.String())
				}
			}
			if b, err := os.ReadFile(dot); err != nil || !strings.Contains(string(b), "quickstart.multiply") {
				t.Fatalf("graph file: %v\n%s", err, b)
			}
		})
	}
}
