package raftnode

import (
	"context"
	"fmt"
	"io"
	"log"
	"log/slog"
	"strings"

	"github.com/hashicorp/go-hclog"
)

// hcLogger adapts hashicorp/raft's hclog interface to a *slog.Logger, so
// raft's logs land in the same structured stream as ours. Levels map one
// to one; hclog's Trace becomes slog level Debug-4. The level is decided by
// the slog handler; SetLevel is ignored.
type hcLogger struct {
	base    *slog.Logger // without component and implied args
	l       *slog.Logger // base with both
	name    string
	implied []any
}

func newHCLogger(base *slog.Logger, name string) hclog.Logger {
	return buildHCLogger(base, name, nil)
}

func buildHCLogger(base *slog.Logger, name string, implied []any) *hcLogger {
	return &hcLogger{
		base:    base,
		l:       base.With("component", name).With(implied...),
		name:    name,
		implied: implied,
	}
}

const levelTrace = slog.LevelDebug - 4

func slogLevel(level hclog.Level) slog.Level {
	switch level {
	case hclog.Trace:
		return levelTrace
	case hclog.Debug:
		return slog.LevelDebug
	case hclog.Warn:
		return slog.LevelWarn
	case hclog.Error:
		return slog.LevelError
	default:
		return slog.LevelInfo
	}
}

func (h *hcLogger) Log(level hclog.Level, msg string, args ...any) {
	if level == hclog.Off {
		return
	}
	h.l.Log(context.Background(), slogLevel(level), msg, normalizeArgs(args)...)
}

// normalizeArgs turns hclog's odd-length argument lists (a trailing value
// without a key) into slog pairs, and hclog.Format values into text.
func normalizeArgs(args []any) []any {
	out := make([]any, 0, len(args)+1)
	if len(args)%2 == 1 {
		out = append(out, args[:len(args)-1]...)
		out = append(out, "extra", args[len(args)-1])
	} else {
		out = append(out, args...)
	}
	for i := 1; i < len(out); i += 2 {
		if f, ok := out[i].(hclog.Format); ok && len(f) > 0 {
			if format, ok := f[0].(string); ok {
				out[i] = fmt.Sprintf(format, f[1:]...)
			}
		}
	}
	return out
}

func (h *hcLogger) Trace(msg string, args ...any) { h.Log(hclog.Trace, msg, args...) }
func (h *hcLogger) Debug(msg string, args ...any) { h.Log(hclog.Debug, msg, args...) }
func (h *hcLogger) Info(msg string, args ...any)  { h.Log(hclog.Info, msg, args...) }
func (h *hcLogger) Warn(msg string, args ...any)  { h.Log(hclog.Warn, msg, args...) }
func (h *hcLogger) Error(msg string, args ...any) { h.Log(hclog.Error, msg, args...) }

func (h *hcLogger) enabled(level slog.Level) bool {
	return h.l.Enabled(context.Background(), level)
}

func (h *hcLogger) IsTrace() bool { return h.enabled(levelTrace) }
func (h *hcLogger) IsDebug() bool { return h.enabled(slog.LevelDebug) }
func (h *hcLogger) IsInfo() bool  { return h.enabled(slog.LevelInfo) }
func (h *hcLogger) IsWarn() bool  { return h.enabled(slog.LevelWarn) }
func (h *hcLogger) IsError() bool { return h.enabled(slog.LevelError) }

func (h *hcLogger) ImpliedArgs() []any { return h.implied }

func (h *hcLogger) With(args ...any) hclog.Logger {
	implied := append(append([]any(nil), h.implied...), normalizeArgs(args)...)
	return buildHCLogger(h.base, h.name, implied)
}

func (h *hcLogger) Name() string { return h.name }

func (h *hcLogger) Named(name string) hclog.Logger {
	if h.name != "" {
		name = h.name + "." + name
	}
	return h.ResetNamed(name)
}

func (h *hcLogger) ResetNamed(name string) hclog.Logger {
	return buildHCLogger(h.base, name, h.implied)
}

func (h *hcLogger) SetLevel(hclog.Level) {}

func (h *hcLogger) GetLevel() hclog.Level {
	for _, lv := range []hclog.Level{hclog.Trace, hclog.Debug, hclog.Info, hclog.Warn, hclog.Error} {
		if h.enabled(slogLevel(lv)) {
			return lv
		}
	}
	return hclog.Off
}

func (h *hcLogger) StandardLogger(opts *hclog.StandardLoggerOptions) *log.Logger {
	return log.New(h.StandardWriter(opts), "", 0)
}

func (h *hcLogger) StandardWriter(*hclog.StandardLoggerOptions) io.Writer {
	return stdWriter{h}
}

// stdWriter feeds lines written through a *log.Logger to the slog logger,
// reading hclog's "[LEVEL]" prefixes where present.
type stdWriter struct{ h *hcLogger }

func (w stdWriter) Write(p []byte) (int, error) {
	line := strings.TrimSpace(string(p))
	level := hclog.Info
	for _, lv := range []struct {
		tag   string
		level hclog.Level
	}{{"[TRACE]", hclog.Trace}, {"[DEBUG]", hclog.Debug}, {"[WARN]", hclog.Warn}, {"[ERR]", hclog.Error}, {"[ERROR]", hclog.Error}, {"[INFO]", hclog.Info}} {
		if rest, ok := strings.CutPrefix(line, lv.tag); ok {
			line, level = strings.TrimSpace(rest), lv.level
			break
		}
	}
	w.h.Log(level, line)
	return len(p), nil
}
