package main

import (
	"bytes"
	"os"
	"strings"
	"testing"
)

// A few lines in both spellings zic accepts: tzdata.zi's short one and the
// zone files' long one, with a link to a link.
const sample = `# version 2099z
# This zic input file is in the public domain.
R u 1967 2006 - O lastSu 2 0 S
Z America/Los_Angeles -7:52:58 - LMT 1883 N 18 20u
-8 u P%sT 1946
-8 CA P%sT 1967
Zone	Etc/UTC	0	-	UTC
L America/Los_Angeles US/Pacific
Link	US/Pacific	US/Pacific-Old	# a link to a link
Link	Etc/UTC	UTC
`

func TestTable(t *testing.T) {
	d, err := Parse(strings.NewReader(sample))
	if err != nil {
		t.Fatal(err)
	}
	if d.Version != "2099z" {
		t.Errorf("version %q, want 2099z", d.Version)
	}
	table, err := d.Table()
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]string{
		"america/los_angeles": "America/Los_Angeles", "us/pacific": "America/Los_Angeles",
		"us/pacific-old": "America/Los_Angeles", "etc/utc": "Etc/UTC", "utc": "Etc/UTC",
	}
	if len(table) != len(want) {
		t.Errorf("got %d names %v, want %d", len(table), table, len(want))
	}
	for k, v := range want {
		if table[k] != v {
			t.Errorf("%s → %q, want %q", k, table[k], v)
		}
	}
}

func TestBadData(t *testing.T) {
	for name, data := range map[string]string{
		"link to nothing":         "Z A/B 0 - X\nL A/C A/D\n",
		"links in a circle":       "Z A/B 0 - X\nL A/D A/C\nL A/C A/D\n",
		"names differing in case": "Z A/B 0 - X\nZ A/C 0 - X\nL A/C a/b\n",
		"no zones":                "# nothing\n",
		"a zone without a name":   "Z\n",
	} {
		t.Run(name, func(t *testing.T) {
			if _, err := Generate(strings.NewReader(data), "test"); err == nil {
				t.Errorf("no error for %q", data)
			}
		})
	}
}

func TestGeneratedSource(t *testing.T) {
	src, err := Generate(strings.NewReader(sample), "sample")
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"DO NOT EDIT", `const tzVersion = "2099z"`, `"us/pacific":`, `"America/Los_Angeles",`} {
		if !strings.Contains(string(src), want) {
			t.Errorf("source lacks %q:\n%s", want, src)
		}
	}
}

// The committed table is what zonegen makes of this machine's tz data, when
// that is the release it was made from (Debian's tzdata; skipped without it).
func TestCommittedTableIsCurrent(t *testing.T) {
	const path = "/usr/share/zoneinfo/tzdata.zi"
	f, err := os.Open(path)
	if err != nil {
		t.Skipf("no tz data here: %v", err)
	}
	defer f.Close()
	src, err := Generate(f, path)
	if err != nil {
		t.Fatal(err)
	}
	committed, err := os.ReadFile("../../zone_table.go")
	if err != nil {
		t.Fatal(err)
	}
	version := func(b []byte) string {
		_, rest, _ := strings.Cut(string(b), "const tzVersion = ")
		v, _, _ := strings.Cut(rest, "\n")
		return v
	}
	if version(src) != version(committed) {
		t.Skipf("this machine has tz %s, the table is from %s", version(src), version(committed))
	}
	if !bytes.Equal(src, committed) {
		t.Errorf("bot/zone_table.go differs from what go generate ./bot makes of %s; regenerate it", path)
	}
}
