package bot

import (
	"strings"
	"testing"
	"time"
)

// The generated table is whole: every name maps to a zone that maps to
// itself, and every zone a person may set loads.
func TestZoneTable(t *testing.T) {
	if len(zoneNames) < 500 {
		t.Fatalf("zoneNames has %d names; regenerate it with go generate ./bot", len(zoneNames))
	}
	for key, zone := range zoneNames {
		if key != strings.ToLower(key) {
			t.Errorf("key %q is not lower case", key)
		}
		if zoneNames[strings.ToLower(zone)] != zone {
			t.Errorf("%s → %s, which is not a zone of the table", key, zone)
		}
	}
	for _, name := range allZones() {
		if _, err := time.LoadLocation(name); err != nil {
			t.Errorf("zone %s does not load: %v", name, err)
		}
		if loc, err := ParseZone(name); err != nil || loc.String() != name {
			t.Errorf("ParseZone(%s) = %v, %v; want it back", name, loc, err)
		}
	}
}
