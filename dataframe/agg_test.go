package dataframe_test

import (
	"testing"

	"github.com/gask-dev/gask"
	"github.com/gask-dev/gask/dataframe"
)

func TestGroupByAgg(t *testing.T) {
	eachScheduler(t, func(t *testing.T, opt gask.Option) {
		ctx := checked(t)
		df := dataframe.FromRecords(trips, 3).GroupBy("city").SplitEvery(2).Agg(
			dataframe.Sum("fare"), dataframe.Mean("tip").As("tip_mean"), dataframe.Count("tip").As("tips"),
			dataframe.Size(), dataframe.Min("fare").As("fare_min"), dataframe.Max("id").As("id_max"),
			dataframe.Std("fare").As("fare_std"), dataframe.First("tip").As("tip_first"), dataframe.Last("riders").As("riders_last"),
		)
		if err := df.Err(); err != nil {
			t.Fatal(err)
		}
		tbl, err := df.Compute(ctx, opt)
		if err != nil {
			t.Fatal(err)
		}
		defer tbl.Release()
		want := "city,fare,tip_mean,tips,size,fare_min,id_max,fare_std,tip_first,riders_last\n" +
			"lyon,35,2,1,2,15,5,3.5355339059327378,2,4\n" +
			"nice,45,2,2,2,5,7,24.748737341529164,0,1\n" +
			"paris,65,2,2,3,10,6,10.408329997330663,1,2\n"
		if got := tableString(t, tbl); got != want {
			t.Fatalf("got\n%s\nwant\n%s", got, want)
		}
		whole, err := dataframe.FromRecords(trips, 4).Select("fare", "tip").Sum().Compute(ctx, opt)
		if err != nil {
			t.Fatal(err)
		}
		defer whole.Release()
		if got := tableString(t, whole); got != "fare,tip\n145,10\n" {
			t.Fatalf("sum\n%s", got)
		}
	})
}

func TestGroupByUnsorted(t *testing.T) {
	ctx := checked(t)
	df := dataframe.FromRecords(trips, 1).GroupBy("city").Sort(false).Agg(dataframe.Size())
	tbl, err := df.Compute(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer tbl.Release()
	// Order of first appearance: paris, lyon, nice.
	if got := tableString(t, tbl); got != "city,size\nparis,3\nlyon,2\nnice,2\n" {
		t.Fatalf("got\n%s", got)
	}
}
