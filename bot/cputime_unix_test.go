//go:build unix

package bot_test

import (
	"syscall"
	"time"
)

// cpuTime is the CPU time this process has used, all its threads (the
// report's, the store's and the collector's): on a machine others share,
// steadier than the wall clock.
func cpuTime() (time.Duration, bool) {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0, false
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano()), true
}
