package bot

import "sort"

// TopSpaces returns up to n of logs with the most listeners, most first
// (ties in the order given), leaving out Spaces nobody is known to have
// listened to: the week's top Spaces.
func TopSpaces(logs []SpaceLog, n int) []SpaceLog {
	sorted := append([]SpaceLog(nil), logs...)
	sort.SliceStable(sorted, func(i, j int) bool { return sorted[i].Listeners > sorted[j].Listeners })
	var out []SpaceLog
	for _, l := range sorted {
		if len(out) == n || l.Listeners == 0 {
			break
		}
		out = append(out, l)
	}
	return out
}
