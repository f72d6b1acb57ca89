//go:build !unix

package procs

import (
	"errors"
	"os"
	"runtime"
)

// socketPair: worker processes need an inherited socket, which this platform's
// os/exec cannot pass (ExtraFiles is Unix-only).
func socketPair() (mine, theirs *os.File, err error) {
	return nil, nil, errors.New("the procs scheduler needs a Unix system (inherited sockets); not supported on " + runtime.GOOS)
}
