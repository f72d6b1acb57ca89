// Package dataframe is gask's partitioned table: lazy, Arrow-backed DataFrames that
// run on any gask scheduler.
//
// A DataFrame is a plan. Readers (ReadCSV, ReadJSON, ReadIPC, FromArrow, FromTable,
// FromRecords; Parquet in the dataframe/parquet package) start one; row-wise methods
// (Select, Drop, Rename, WithColumn(s), Filter, Astype, FillNA, DropNA, MapPartitions)
// extend it; GroupBy and the reductions (Agg, Sum, Mean, Min, Max, Count, Std, Var,
// Describe, ValueCounts, ...) aggregate it; Merge joins two, Shuffle hash-partitions one;
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
// side), then joins each pair of partitions with the same hash grouper as GroupBy.
//
// Arrow memory is reference counted: release the tables Compute and Head return. Pass
// an allocator with compute.WithAllocator(ctx, mem) to account for every buffer.
package dataframe
