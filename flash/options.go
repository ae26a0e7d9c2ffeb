package flash

// Phases reported through WithProgress, in the order they happen.
const (
	PhaseWrite  = "write"  // copying the image; done counts bytes written
	PhaseSync   = "sync"   // waiting for the device: (0, total) then (total, total)
	PhaseVerify = "verify" // reading the target back; done counts bytes compared
)

// Option configures Check and Write.
type Option func(*config)

type config struct {
	force    bool
	progress func(phase string, done, total int64)
	host     host
	// afterSync runs between the write and the verify phase (tests use
	// it to corrupt the target).
	afterSync func(path string) error
}

func newConfig(opts []Option) *config {
	c := &config{host: realHost, progress: func(string, int64, int64) {}}
	for _, o := range opts {
		o(c)
	}
	return c
}

// WithForce accepts a disk that is neither removable nor on USB or an SD
// card. It overrides no other check. The default is false.
func WithForce(force bool) Option { return func(c *config) { c.force = force } }

// WithProgress calls f after each chunk with the phase (PhaseWrite,
// PhaseSync or PhaseVerify), the bytes done and the image size. f runs on
// Write's goroutine and should return quickly. The default is no reports.
func WithProgress(f func(phase string, done, total int64)) Option {
	return func(c *config) {
		if f != nil {
			c.progress = f
		}
	}
}

// withHost makes Check look at a fake machine. The default is realHost.
func withHost(h host) Option { return func(c *config) { c.host = h } }

// withAfterSync runs f after the write phase. The default is nothing.
func withAfterSync(f func(path string) error) Option {
	return func(c *config) { c.afterSync = f }
}
