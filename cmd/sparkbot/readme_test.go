package main

import (
	"bytes"
	"errors"
	"flag"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
)

// readmeText is the module's README.
func readmeText(t *testing.T) string {
	t.Helper()
	b, err := os.ReadFile("../../README.md")
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// TestREADMESetUp: the README's first screen, before its first section,
// gives exactly two commands, one that runs the bot and one that runs the
// tests, and the test command is the one .ci/run runs.
func TestREADMESetUp(t *testing.T) {
	intro, _, ok := strings.Cut(readmeText(t), "\n## ")
	if !ok {
		t.Fatal("README.md has no section")
	}
	var commands []string
	for line := range strings.Lines(intro) {
		if strings.HasPrefix(line, "    ") {
			commands = append(commands, strings.TrimSpace(line))
		}
	}
	want := []string{"go run ./cmd/sparkbot", "go test -race ./..."}
	if !slices.Equal(commands, want) {
		t.Errorf("the README's first screen gives the commands %q, want %q", commands, want)
	}
	script, err := os.ReadFile("../../.ci/run")
	if err != nil {
		t.Fatal(err)
	}
	var ciTests []string
	for line := range strings.Lines(string(script)) {
		if line = strings.TrimSpace(line); strings.HasPrefix(line, "go test") {
			ciTests = append(ciTests, line)
		}
	}
	if !slices.Equal(ciTests, want[1:]) {
		t.Errorf(".ci/run runs the tests with %q, want the README's %q", ciTests, want[1:])
	}
}

// TestREADMEFlags: every flag of sparkbot is in the README as --name.
func TestREADMEFlags(t *testing.T) {
	var usage bytes.Buffer
	app := &App{Stderr: &usage, Getenv: func(string) string { return "" }}
	if _, err := app.parseConfig([]string{"-h"}); !errors.Is(err, flag.ErrHelp) {
		t.Fatalf("-h: %v, want flag.ErrHelp", err)
	}
	flags := regexp.MustCompile(`(?m)^  -([a-z-]+)`).FindAllStringSubmatch(usage.String(), -1)
	if len(flags) < 10 {
		t.Fatalf("found %d flags in the usage text, too few to be all:\n%s", len(flags), usage.String())
	}
	readme := readmeText(t)
	for _, f := range flags {
		if !strings.Contains(readme, "`--"+f[1]+"`") {
			t.Errorf("the flag --%s is not in README.md's configuration table", f[1])
		}
	}
}

// envName is a variable sparkbot reads.
var envName = regexp.MustCompile(`SPARKBOT_[A-Z0-9_]*[A-Z0-9]`)

// TestREADMEEnvironment: every SPARKBOT_ variable the module's code reads
// (tests aside) is in the README, and every one the README names is read.
func TestREADMEEnvironment(t *testing.T) {
	code := map[string]bool{}
	err := filepath.WalkDir("../..", func(path string, d fs.DirEntry, err error) error {
		switch {
		case err != nil:
			return err
		case d.IsDir() && strings.HasPrefix(d.Name(), ".") && path != "../..":
			return filepath.SkipDir
		case d.IsDir() || !strings.HasSuffix(path, ".go") || strings.HasSuffix(path, "_test.go"):
			return nil
		}
		src, err := os.ReadFile(path)
		for _, name := range envName.FindAllString(string(src), -1) {
			code[name] = true
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	readme := map[string]bool{}
	for _, name := range envName.FindAllString(readmeText(t), -1) {
		readme[name] = true
	}
	for name := range code {
		if !readme[name] {
			t.Errorf("%s is read by the code but not in README.md", name)
		}
	}
	for name := range readme {
		if !code[name] {
			t.Errorf("README.md names %s, which no code reads", name)
		}
	}
}
