// Package dataframe is gask's partitioned table: lazy, Arrow-backed DataFrames that
// run on any gask scheduler.
//
// A DataFrame is a plan. Readers (ReadCSV, ReadJSON, ReadIPC, FromArrow, FromTable,
// FromRecords; Parquet in the dataframe/parquet package) start one; row-wise methods
// (Select, Drop, Rename, WithColumn(s), Filter, Astype, FillNA, DropNA, MapPartitions)
// extend it; GroupBy and the reductions (Agg, Sum, Mean, Min, Max, Count, Std, Var,
// Describe, ValueCounts, ...) aggregate it; Merge and MergeAsof join two, Shuffle,
// SortValues, SetIndex and Repartition move rows between partitions;
// Compute, Persist, Head, Len, ToRecords and the writers (ToCSV, ToIPC) run it. The schema is known — and every column name
// and expression type checked — before anything runs; Err reports a plan's first error
// and Compute returns it.
//
// Before lowering to tasks, the plan is optimized: the columns the result needs are
// pushed into the reader (a CSV reader converts only those), and consecutive row-wise
// steps run in one task per partition, right after the read. Explain prints the
// optimized plan.
//
// Partitions are Arrow record batches. Expressions (Col, Lit and their methods) are
// plain data evaluated with Arrow's compute kernels; aggregations are gask's own hash
// aggregation, partial per partition and combined as a tree. Missing values behave as
// pandas users expect: aggregations skip nulls and NaN, Count excludes them, the sum of
// only missing values is 0, Std and Var use ddof=1, and rows with a null group key are
// dropped unless KeepNullKeys says otherwise. Every built-in operation is a registered
// kernel with plain-data parameters, so pipelines can leave the process.
//
// Shuffle is the one mechanism that moves rows between partitions by key: one split
// task per input partition cuts it into Arrow shards, one concat task per output
// partition joins its shards, and the shards are ordinary stored results of the
// scheduler. Merge uses it to co-partition both sides (or broadcasts a one-partition
// side), then joins each pair of partitions with the same hash grouper as GroupBy;
// DropDuplicates, ValueCounts with SplitOut and GroupBy(...).Apply and Transform (a Go
// function on all rows of each group) build on it too. SortValues range-partitions
// from a sample of the first column and sorts stably.
//
// An index is a column the partitions are sorted by, with Divisions bounding each
// partition's values, as in Dask. SetIndex computes divisions from quantiles of a
// sample (or takes them given, or reads them off data sorted already); filters and
// projections that keep the column keep them; RepartitionDivisions moves rows to new
// divisions by cutting sorted partitions, no shuffle; and Merge of two sides indexed
// by their join keys aligns their divisions and joins partition with partition.
//
// MergeAsof is pandas' and Dask's merge_asof: each left row gets at most one right
// row, the nearest by a sorted key (Backward, Forward or Nearest), optionally within
// a tolerance (a number, or a time.Duration for dates and timestamps), without exact
// matches, or only among rows whose AsofBy columns are equal. The result keeps every
// left row once, in the left's order and partitions. Both keys must be sorted and
// non-null across partitions, checked as it runs. Without by it takes O(P) tasks:
// each right partition is cut by the left partitions' key ranges, keeping the rows
// next to each range so that matches across partition edges are found. With by, both
// sides are shuffled on the by columns and the result is shuffled back into the
// left's order; a one-partition right side is broadcast instead.
//
// MapOverlap, Shift, Diff and Rolling see each partition with rows of its neighbours:
// two chains of edge tasks carry the last rows of the partitions before (for a time
// window, those within it) and the first rows of those after, reaching across small
// and empty partitions, so a plan has O(P) tasks. Rolling windows are a row count or a
// time span over a sorted timestamp column (RollingOn; right-closed, as pandas), with
// MinPeriods and Center; results are float64, missing values skipped, Std and Var
// ddof=1. CumSum and its kin carry each partition's running total to the next.
// PivotTable spreads an aggregation over categories known before anything runs
// (Categories computes them), since they name the result's columns.
//
// Arrow memory is reference counted: release the tables Compute and Head return. Pass
// an allocator with compute.WithAllocator(ctx, mem) to account for every buffer.
package dataframe
