package web_test

import (
	"os"
	"regexp"
	"testing"
)

// TestCIRunSetsCI: .ci/run exports CI=true (unless the CI service set it)
// before the tests, so a browser test without Chromium, or a PostgreSQL
// test without its server, fails there instead of skipping.
func TestCIRunSetsCI(t *testing.T) {
	script, err := os.ReadFile("../.ci/run")
	if err != nil {
		t.Fatal(err)
	}
	export := regexp.MustCompile(`(?m)^export CI="\$\{CI:-true\}"$`).FindIndex(script)
	tests := regexp.MustCompile(`(?m)^go test `).FindIndex(script)
	if export == nil || tests == nil || export[0] > tests[0] {
		t.Errorf(`.ci/run does not export CI="${CI:-true}" before it runs go test`)
	}
}
