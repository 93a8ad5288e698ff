package cmd

import (
	"bytes"
	"errors"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"time"

	"gopkg.in/yaml.v3"
)

// ConfigName is the configuration file lockscope reads at the root of the
// module it runs in: a team's defaults, which flags override.
const ConfigName = ".lockscope.yaml"

// Config is the content of .lockscope.yaml. Every key is optional; a key
// that is not here is an error naming it. Keys are the flag names.
//
//	fail-on: warning          # error, warning, info or never
//	timeout: 2m               # per target process
//	build-timeout: 5m         # for instrumenting and building all targets
//	race: true
//	runs: 2
//	format: [json, sarif, junit]
//	out: lockscope-out        # relative to this file
//	baseline: lockscope-baseline.json
//	exclude: [internal/legacy, gen/*.go]
//	thresholds:
//	  long-hold: 250ms
type Config struct {
	FailOn       *string        `yaml:"fail-on"`
	Timeout      *time.Duration `yaml:"timeout"`
	BuildTimeout *time.Duration `yaml:"build-timeout"`
	Race         *bool          `yaml:"race"`
	Runs         *int           `yaml:"runs"`
	Format       []string       `yaml:"format"`
	Out          *string        `yaml:"out"`
	Baseline     *string        `yaml:"baseline"`
	// Exclude lists module-relative paths whose findings are suppressed.
	Exclude    []string         `yaml:"exclude"`
	Thresholds ConfigThresholds `yaml:"thresholds"`

	// dir is the directory of the file, which relative paths are against.
	dir string
}

// ConfigThresholds tune the timing checks.
type ConfigThresholds struct {
	LongHold *time.Duration `yaml:"long-hold"`
}

var unknownKey = regexp.MustCompile(`line (\d+): field (\S+) not found in type`)

// loadConfig reads the configuration: the file at path when one is given
// (it must exist), else ConfigName at the root of the module around dir, if
// there is one. It returns nil when there is no file.
func loadConfig(dir, path string) (*Config, error) {
	if path == "" {
		root, ok := moduleRoot(dir)
		if !ok {
			root = dir
		}
		path = filepath.Join(root, ConfigName)
		if _, err := os.Stat(path); errors.Is(err, os.ErrNotExist) {
			return nil, nil
		}
	} else if !filepath.IsAbs(path) {
		path = filepath.Join(dir, path)
	}
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, usagef("read config: %w", err)
	}
	c := &Config{dir: filepath.Dir(path)}
	dec := yaml.NewDecoder(bytes.NewReader(data))
	dec.KnownFields(true)
	if err := dec.Decode(c); err != nil && !errors.Is(err, io.EOF) { // io.EOF: an empty file
		if m := unknownKey.FindStringSubmatch(err.Error()); m != nil {
			return nil, usagef("%s:%s: unknown key %q", path, m[1], m[2])
		}
		return nil, usagef("%s: %s", path, strings.Join(strings.Fields(strings.TrimPrefix(err.Error(), "yaml: ")), " "))
	}
	return c, nil
}

// moduleRoot is the nearest directory at or above dir with a go.mod; ok is
// false when there is none.
func moduleRoot(dir string) (root string, ok bool) {
	for d := dir; ; {
		if _, err := os.Stat(filepath.Join(d, "go.mod")); err == nil {
			return d, true
		}
		parent := filepath.Dir(d)
		if parent == d {
			return "", false
		}
		d = parent
	}
}

// apply sets every option the configuration gives and no flag did.
func (c *Config) apply(o *DiagnoseOptions) {
	given := func(flag string) bool { return o.flagsSet[flag] }
	if c.FailOn != nil && !given("fail-on") {
		o.FailOn = *c.FailOn
	}
	if c.Timeout != nil && !given("timeout") {
		o.Timeout = *c.Timeout
	}
	if c.BuildTimeout != nil && !given("build-timeout") {
		o.BuildTimeout = *c.BuildTimeout
	}
	if c.Race != nil && !given("race") {
		o.Race = *c.Race
	}
	if c.Runs != nil && !given("runs") {
		o.Runs = *c.Runs
	}
	if c.Format != nil && !given("format") {
		o.Formats = nil
		for _, f := range c.Format {
			o.Formats = append(o.Formats, strings.Split(f, ",")...)
		}
	}
	if c.Out != nil && !given("out") {
		o.OutDir = c.path(*c.Out)
	}
	if c.Baseline != nil && !given("baseline") {
		o.Baseline = c.path(*c.Baseline)
	}
	o.Exclude = append(o.Exclude, c.Exclude...)
	if c.Thresholds.LongHold != nil && !given("long-hold") {
		o.LongHold = *c.Thresholds.LongHold
	}
}

func (c *Config) path(p string) string {
	if p == "" || filepath.IsAbs(p) {
		return p
	}
	return filepath.Join(c.dir, p)
}
