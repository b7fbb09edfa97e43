// Package split holds what the Discord and Slack adapters share for
// sending a message that is longer than one platform message may be: a
// line broken into pieces that fit without cutting anything, and the memory
// that lets a delivery of several messages resume where it failed instead
// of sending its first parts twice.
//
// It knows no platform's limits; each adapter passes its own.
package split

import (
	"strings"
	"unicode/utf8"
)

// Len is how the platforms count a text's length: in code points.
func Len(s string) int { return utf8.RuneCountInString(s) }

// Words breaks raw text into pieces of at most max code points whose
// concatenation is s: at spaces where it can (a space stays with the word
// before it), inside a word only when the word alone is longer than max.
// An adapter renders each piece on its own, so that a line can later be
// broken between any two of them without breaking the markup of one.
func Words(s string, max int) []string {
	if max < 1 {
		max = 1
	}
	var out []string
	for s != "" {
		i := strings.IndexByte(s, ' ')
		word := s
		if i >= 0 {
			word = s[:i+1]
		}
		s = s[len(word):]
		for Len(word) > max {
			cut := byteIndex(word, max)
			out = append(out, word[:cut])
			word = word[cut:]
		}
		out = append(out, word)
	}
	return out
}

// byteIndex is the byte offset of the n-th code point of s.
func byteIndex(s string, n int) int {
	for i := range s {
		if n == 0 {
			return i
		}
		n--
	}
	return len(s)
}

// Wrap joins atoms, the rendered pieces of one line, into lines of at most
// max code points, breaking only between atoms. Every atom is kept; one
// longer than max (the caller's Words bound was too loose) stands on a
// line of its own rather than being cut. Leading spaces of a continued line
// are dropped, so it does not start with a blank.
func Wrap(atoms []string, max int) []string {
	var out []string
	var cur strings.Builder
	n := 0
	for _, a := range atoms {
		la := Len(a)
		if n > 0 && n+la > max {
			out = append(out, strings.TrimRight(cur.String(), " "))
			cur.Reset()
			n = 0
		}
		if n == 0 && len(out) > 0 {
			trimmed := strings.TrimLeft(a, " ")
			la -= Len(a) - Len(trimmed)
			a = trimmed
		}
		cur.WriteString(a)
		n += la
	}
	if n > 0 || len(out) == 0 {
		out = append(out, cur.String())
	}
	return out
}

// Continued is the heading of a section that goes on in another message.
func Continued(heading string) string {
	if heading == "" {
		return ""
	}
	return heading + " (continued)"
}
