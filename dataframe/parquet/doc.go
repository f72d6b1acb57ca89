// Package parquet reads and writes Parquet files as gask DataFrames.
//
// Read makes one partition per row group, reads only the columns the result needs,
// skips row groups whose statistics rule out a filter applied right after the read, and
// turns hive-style key=value directories into columns. Write writes one file per
// partition with a choice of compression.
//
// It is a package of its own because Arrow's Parquet code brings in gRPC and protobuf
// (about 20 MB of binary): programs that do not read Parquet do not pay for it.
package parquet
