// Package h2o generates the datasets of the H2O.ai db-benchmark (the "groupby" G1_*
// and "join" J1_* CSV files) so gask's benchmarks can make their own inputs instead
// of depending on files produced elsewhere.
//
// The output is byte-identical to what the published R generators write
// (_data/groupby-datagen.R and _data/join-datagen.R of h2oai/db-benchmark, also used
// unchanged by duckdblabs/db-benchmark) with R >= 4.0 and data.table's fwrite. To get
// there the package re-implements the parts of R it relies on (see rrng.go): the
// Mersenne-Twister stream that set.seed(108) starts, sample() and sample.int() with
// sample.kind "Rejection", runif(), round() (the R >= 4.0.0 algorithm) and fwrite's
// number format. The R scripts draw whole columns one after the other, so a table is
// built in memory before its first row can be written: generating a groupby table
// of N rows takes about 40·N bytes, the join tables about 50·N.
//
// The md5 sums of the R generators' output (the tests check the first two):
//
//	3d85bbeb2e899a82ba8b2dc8c460a77e  G1_1e5_1e2_0_0.csv
//	1dcc6358f725b1e8ca587a30cbba039e  G1_1e6_1e2_0_0.csv
//	41de0d16a648239e8703a2bda0aec0fe  G1_1e7_1e2_0_0.csv  (485 181 216 bytes)
//	a4677191ab5bd42f8c897c75d75494d0  J1_1e7_NA_0_0.csv
//	910e591f87f4ba5d6473c60ef28c0b85  J1_1e7_1e1_0_0.csv
//	642d8116273c60970110ad4623d74cca  J1_1e7_1e4_0_0.csv
//	27bfaca2e618d4da918a5982a6c6e070  J1_1e7_1e7_0_0.csv
//
// # Use
//
// Benchmarks call EnsureGroupBy or EnsureJoin with CacheDir: the files are generated
// once (about a second per million rows on a 2-core machine) and reused afterwards.
// Files are written under a temporary name and renamed when complete, so an
// interrupted run never leaves a partial file under the final name (it may leave a
// hidden ".*.tmp" file behind, which is safe to delete). WriteGroupByFile and
// WriteJoin always regenerate; WriteGroupBy streams a groupby table to any
// io.Writer; GroupByName and JoinNames give the file names without ".csv".
//
// Only tables without missing values (NAS = 0) are supported; other values of nas
// are reported as errors. The join tables are generated unsorted (SORT = 0), as in
// the published benchmark.
package h2o
