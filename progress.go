package gask

import (
	"io"
	"os"
	"time"

	"github.com/schollz/progressbar/v3"
	"golang.org/x/term"

	"github.com/gask-dev/gask/sched"
)

type progressOpt struct {
	w     io.Writer
	force bool // draw even when w is not a terminal
}

// WithProgress draws a progress bar of finished tasks on standard error while the
// computation runs — only when standard error is a terminal, so logs and CI output
// stay clean.
func WithProgress() Option {
	return func(o *options) { o.progress = &progressOpt{w: os.Stderr} }
}

// WithProgressTo draws the progress bar on w, terminal or not.
func WithProgressTo(w io.Writer) Option {
	return func(o *options) { o.progress = &progressOpt{w: w, force: true} }
}

type progress struct {
	bar *progressbar.ProgressBar
}

func (p *progressOpt) start() *progress {
	if !p.force {
		f, ok := p.w.(*os.File)
		if !ok || !term.IsTerminal(int(f.Fd())) {
			return nil
		}
	}
	bar := progressbar.NewOptions(0,
		progressbar.OptionSetWriter(p.w),
		progressbar.OptionSetDescription("gask"),
		progressbar.OptionShowCount(),
		progressbar.OptionSetItsString("tasks"),
		progressbar.OptionShowIts(),
		progressbar.OptionSetElapsedTime(true),
		progressbar.OptionThrottle(100*time.Millisecond),
		progressbar.OptionSetWidth(30),
		progressbar.OptionOnCompletion(func() { _, _ = io.WriteString(p.w, "\n") }),
	)
	return &progress{bar: bar}
}

func (p *progress) callbacks() sched.Callbacks {
	return sched.Callbacks{
		Submit: func(n int) { p.bar.AddMax(n) },
		Finish: func(sched.TaskInfo) { _ = p.bar.Add(1) },
	}
}

// finish completes the bar after a successful computation and leaves it where it
// stopped after a failed one.
func (p *progress) finish(err error) {
	if p.bar.IsFinished() {
		return
	}
	if err != nil {
		_ = p.bar.Exit()
		return
	}
	_ = p.bar.Finish()
}
