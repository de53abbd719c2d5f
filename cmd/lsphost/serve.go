package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/signal"
	"path/filepath"
	"runtime/debug"
	"runtime/pprof"
	"sync"
	"syscall"

	"github.com/lsphost/lsphost/extensions"
	"github.com/lsphost/lsphost/lsp"
)

type serveOptions struct {
	config, logFile, logLevel, cpuProfile string
}

func serveFlags(o *serveOptions) *flag.FlagSet {
	fs := flag.NewFlagSet("serve", flag.ContinueOnError)
	fs.Usage = func() {
		fmt.Fprint(fs.Output(), "Usage: lsphost [serve] [flags]\n\nServes LSP over stdin/stdout.\n\n")
		fs.PrintDefaults()
	}
	fs.StringVar(&o.config, "config", defaultUserConfig(), "user configuration `file`")
	fs.StringVar(&o.logFile, "log-file", "", "also write the log to `file`")
	fs.StringVar(&o.logLevel, "log-level", "warn", "log `level`: debug, info, warn or error")
	fs.StringVar(&o.cpuProfile, "cpuprofile", "", "write a CPU profile of the session to `file` at exit (see BENCHMARKS.md)")
	fs.Bool("stdio", true, "use stdin/stdout (the only transport; accepted for editors that pass it)")
	return fs
}
func serve(args []string) int {
	var o serveOptions
	if err := serveFlags(&o).Parse(args); err != nil {
		if err == flag.ErrHelp {
			return 0
		}
		return 2
	}
	var level slog.Level
	if err := level.UnmarshalText([]byte(o.logLevel)); err != nil {
		fmt.Fprintf(os.Stderr, "lsphost: -log-level: %v\n", err)
		return 2
	}
	var logOut io.Writer = os.Stderr
	if o.logFile != "" {
		f, err := os.OpenFile(o.logFile, os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o644)
		if err != nil {
			fmt.Fprintf(os.Stderr, "lsphost: -log-file: %v\n", err)
			return 2
		}
		defer f.Close()
		logOut = io.MultiWriter(os.Stderr, f)
	}
	logger := slog.New(slog.NewTextHandler(logOut, &slog.HandlerOptions{Level: level}))

	// stdout carries only LSP frames: anything else that writes to
	// os.Stdout by mistake lands on stderr instead.
	out := os.Stdout
	os.Stdout = os.Stderr

	stopProfile := func() {}
	if o.cpuProfile != "" {
		f, err := os.Create(o.cpuProfile)
		if err == nil {
			err = pprof.StartCPUProfile(f)
		}
		if err != nil {
			fmt.Fprintf(os.Stderr, "lsphost: -cpuprofile: %v\n", err)
			return 2
		}
		var once sync.Once
		stopProfile = func() {
			once.Do(func() {
				pprof.StopCPUProfile()
				f.Close()
			})
		}
		defer stopProfile()
	}

	cacheDir := defaultCacheDir()
	logger.Info("lsphost starting", "version", version(), "config", o.config, "cache", cacheDir)
	// A client that dies closes the other end of stdout: writing to it
	// must fail with EPIPE, which the connection handles, rather than kill
	// the process with SIGPIPE before it logs why it stops.
	signal.Ignore(syscall.SIGPIPE)
	// Some clients (Vim's ALE) stop a server with SIGTERM instead of
	// shutdown and exit: leave a last line in the log and go. Notify before
	// serving, not in the goroutine: a signal that came before the goroutine
	// ran would kill the process without that line.
	sig := make(chan os.Signal, 1)
	signal.Notify(sig, syscall.SIGTERM, syscall.SIGINT, syscall.SIGHUP)
	go func() {
		logger.Warn("lsphost stopped by signal", "signal", (<-sig).String())
		stopProfile()
		os.Exit(1)
	}()
	return lsp.Serve(context.Background(), os.Stdin, out, lsp.Options{
		UserConfig: o.config,
		CacheDir:   cacheDir,
		Logger:     logger,
		Version:    version(),
		Loaded: func() {
			tightenGC()
			go pruneCache(cacheDir, logger)
		},
	})
}

// pruneCache keeps the compilation cache within extensions.CacheLimit, once
// the first load has read or written what it needs.
func pruneCache(dir string, logger *slog.Logger) {
	if dir == "" {
		return
	}
	removed, freed, err := extensions.PruneCache(dir, extensions.CacheLimit)
	if err != nil {
		logger.Warn("pruning the compilation cache", "dir", dir, "err", err)
	}
	if removed > 0 {
		logger.Info("compilation cache pruned", "dir", dir, "files", removed, "bytes", freed)
	}
}

// steadyGCPercent is the garbage collector's target once the extensions are
// loaded. Loading allocates fast and briefly (wazero decodes each module,
// megabytes, most of it garbage at once), where Go's default of 100 keeps
// collections few; afterwards the live heap is ~10 MB and grows slowly,
// and at 100 the heap doubled it before each collection, which was most of
// the peak RSS left to take. Measured in BENCHMARKS.md ("A tighter garbage
// collector after loading").
const steadyGCPercent = 50

// tightenGC sets steadyGCPercent, unless the user set GOGC.
func tightenGC() {
	if os.Getenv("GOGC") == "" {
		debug.SetGCPercent(steadyGCPercent)
	}
}

// defaultCacheDir is $XDG_CACHE_HOME/lsphost, or ~/.cache/lsphost.
func defaultCacheDir() string {
	if dir, err := os.UserCacheDir(); err == nil {
		return filepath.Join(dir, "lsphost")
	}
	return ""
}

// defaultUserConfig is $XDG_CONFIG_HOME/lsphost/config.toml, or
// ~/.config/lsphost/config.toml.
func defaultUserConfig() string {
	dir, err := os.UserConfigDir()
	if err != nil {
		return ""
	}
	return filepath.Join(dir, "lsphost", "config.toml")
}
