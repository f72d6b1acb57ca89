// Package wire is the protocol between a gask driver and its worker processes: one
// gRPC service (gask.Worker) whose messages are small Go structs in a fixed binary
// layout (binary.go), and whose values travel as codec.Values (Arrow IPC streams for
// record batches, raw blocks for arrays, gob for the rest). gRPC does the framing,
// flow control and streaming; the procs scheduler runs it over Unix sockets and the
// distributed scheduler will run the same service over TCP.
package wire
