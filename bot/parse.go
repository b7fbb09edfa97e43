package bot

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// This file is the grammar of a typed command line, as the console and
// Slack send it:
//
//	/spaces schedule add title:"Late night chat" days:tue,thu time:20:00 duration:60m
//
// A line is words separated by white space (any Unicode space), after an
// optional leading "/". A word is either
//
//   - key:value, where key is a letter followed by letters, digits and
//     underscores, and value runs to the next white space or is quoted; or
//   - a bare word, quoted or not.
//
// Quotes are "…" (in which \" and \\ are escapes), '…' (no escapes), and
// the typographic “…” and ‘…’ that phones and Slack substitute; a
// typographic quote may be closed by either of its pair, since phones often
// type ”…” after a colon. A closing quote must be followed by white space or
// the end of the line.
//
// A word whose text after its first colon starts with "//" is a bare word,
// so a pasted https://x.com/i/spaces/… is not the key "https". Neither is a
// word whose text before the colon is not a key (20:00, <https://…>).

// maxLineBytes bounds a command line.
const maxLineBytes = 4000

// Token is one word of a command line: key:value, or a bare word when Key is
// empty.
//
// Keys are case-sensitive: commands name their options in lower case, and
// Title:x is read as the key "Title", which the router then reports as an
// unknown option rather than silently accepting.
type Token struct {
	Key, Value string
}

// Tokenize splits a command line into tokens. The errors are *Error of
// KindInvalid: a quote left open, text right after a closing quote, a word
// starting with ":", an option given twice, a control character (any below
// U+0020 but tab, DEL and U+0080–U+009F), invalid UTF-8, or a line over 4000
// bytes.
func Tokenize(line string) ([]Token, error) {
	if err := checkLine(line); err != nil {
		return nil, err
	}
	// A tab is white space, even inside quotes: no value keeps one.
	line = strings.ReplaceAll(line, "\t", " ")
	s := strings.TrimLeftFunc(line, unicode.IsSpace)
	s = strings.TrimPrefix(s, "/")
	var toks []Token
	seen := make(map[string]bool)
	for {
		s = strings.TrimLeftFunc(s, unicode.IsSpace)
		if s == "" {
			return toks, nil
		}
		tok, rest, err := nextToken(s)
		if err != nil {
			return nil, err
		}
		if tok.Key != "" {
			if seen[tok.Key] {
				return nil, Invalidf("%s:%s — %s is given twice; give each option once",
					tok.Key, formatValue(echoInput(tok.Value)), tok.Key)
			}
			seen[tok.Key] = true
		}
		toks = append(toks, tok)
		s = rest
	}
}

// checkLine checks the limits on a whole line.
func checkLine(line string) error {
	if len(line) > maxLineBytes {
		return Invalidf("the command is too long (%d bytes); keep it under %d — shorten the text", len(line), maxLineBytes)
	}
	if !utf8.ValidString(line) {
		return Invalidf("the command is not valid UTF-8 text — type it again as plain text")
	}
	for _, r := range line {
		if isControl(r) && r != '\t' {
			return Invalidf("the command has a control character (%U) — type it on one line, as plain text", r)
		}
	}
	return nil
}

// isControl reports whether r is a C0 or C1 control character or DEL.
func isControl(r rune) bool { return r < 0x20 || 0x7f <= r && r <= 0x9f }

// nextToken reads the token at the start of s, which starts with a non-space.
func nextToken(s string) (Token, string, error) {
	if isQuote(s) {
		v, rest, err := unquote(s, "")
		return Token{Value: v}, rest, err
	}
	word := s[:wordEnd(s)]
	colon := strings.IndexByte(word, ':')
	if colon == 0 {
		return Token{}, "", Invalidf(`%s — an option needs a name before the colon, like title:"Late night"`, echoInput(word))
	}
	if colon < 0 || !isKey(word[:colon]) || strings.HasPrefix(word[colon+1:], "//") {
		return Token{Value: word}, s[len(word):], nil
	}
	key, rest := word[:colon], s[colon+1:]
	if isQuote(rest) {
		v, rest, err := unquote(rest, key)
		return Token{Key: key, Value: v}, rest, err
	}
	v := rest[:wordEnd(rest)]
	return Token{Key: key, Value: v}, rest[len(v):], nil
}

// wordEnd returns the index of the first white space in s, or len(s).
func wordEnd(s string) int {
	if i := strings.IndexFunc(s, unicode.IsSpace); i >= 0 {
		return i
	}
	return len(s)
}

// isKey reports whether s is a letter followed by letters, digits and
// underscores, all ASCII.
func isKey(s string) bool {
	if s == "" || !('a' <= s[0] && s[0] <= 'z' || 'A' <= s[0] && s[0] <= 'Z') {
		return false
	}
	for i := 1; i < len(s); i++ {
		if !isAlnum(s[i]) && s[i] != '_' {
			return false
		}
	}
	return true
}

// quoteStyle is what an opening quote means: which quotes close it and
// whether backslash escapes work inside.
type quoteStyle struct {
	closers string
	escapes bool
}

// quoteStyles are the opening quotes.
var quoteStyles = map[rune]quoteStyle{
	'"':  {`"`, true},
	'“':  {"”“", true},
	'”':  {"”“", true},
	'„':  {"”“", true},
	'\'': {"'", false},
	'‘':  {"’‘", false},
	'’':  {"’‘", false},
}

// isQuote reports whether s starts with an opening quote.
func isQuote(s string) bool {
	r, _ := utf8.DecodeRuneInString(s)
	_, ok := quoteStyles[r]
	return ok
}

// unquote reads the quoted text at the start of s, the value of key (empty
// for a bare word), and returns it and what follows it.
func unquote(s, key string) (string, string, error) {
	open, size := utf8.DecodeRuneInString(s)
	q := quoteStyles[open]
	var b strings.Builder
	for i := size; i < len(s); {
		r, n := utf8.DecodeRuneInString(s[i:])
		if r == '\\' && q.escapes {
			next, m := utf8.DecodeRuneInString(s[i+n:])
			if next == '\\' || m > 0 && strings.ContainsRune(q.closers, next) {
				b.WriteRune(next)
				i += n + m
				continue
			}
		}
		if strings.ContainsRune(q.closers, r) {
			rest := s[i+n:]
			if r, _ := utf8.DecodeRuneInString(rest); rest != "" && !unicode.IsSpace(r) {
				return "", "", afterQuoteError(key, s[:i+n+wordEnd(rest)], q.escapes)
			}
			return b.String(), rest, nil
		}
		b.WriteRune(r)
		i += n
	}
	return "", "", openQuoteError(key, s)
}

// openQuoteError is the error for a quote left open at the start of s.
func openQuoteError(key, s string) error {
	fragment := []rune(s)
	if len(fragment) > 20 {
		fragment = fragment[:20]
	}
	if key != "" {
		return Invalidf(`a quote is left open in %s:%s… — close it, like %s:"Late night"`, key, echoInput(string(fragment)), key)
	}
	return Invalidf(`a quote is left open in %s… — close it, like "Late night"`, echoInput(string(fragment)))
}

// afterQuoteError is the error for a closing quote with text right after it
// (word is the text from the opening quote to the next white space).
func afterQuoteError(key, word string, doubles bool) error {
	if key != "" {
		word = key + ":" + word
	}
	if doubles {
		return Invalidf("%s — text follows the closing quote; put a space after it", echoInput(word))
	}
	example := `"Bob's show"`
	if key != "" {
		example = key + ":" + example
	}
	return Invalidf("%s — text follows the closing quote; for text with an apostrophe use double quotes, like %s",
		echoInput(word), example)
}

// FormatTokens renders tokens as a command line in canonical syntax (no
// leading "/"), quoting values where needed, so that Tokenize reads the same
// tokens back. Tokens that Tokenize cannot produce (control characters, a
// Key that is not a key) are rendered as is.
func FormatTokens(toks []Token) string {
	var b strings.Builder
	for i, t := range toks {
		if i > 0 {
			b.WriteByte(' ')
		}
		switch {
		case t.Key != "":
			b.WriteString(t.Key)
			b.WriteByte(':')
			b.WriteString(formatValue(t.Value))
		case needsQuote(t.Value) || looksKeyed(t.Value) || i == 0 && strings.HasPrefix(t.Value, "/"):
			b.WriteString(quoteValue(t.Value))
		default:
			b.WriteString(t.Value)
		}
	}
	return b.String()
}

// formatValue renders the value of a key:value token, quoting it if needed.
func formatValue(v string) string {
	if needsQuote(v) {
		return quoteValue(v)
	}
	return v
}

// needsQuote reports whether v must be quoted to be read back as one value.
func needsQuote(v string) bool {
	return v == "" || isQuote(v) || strings.HasPrefix(v, "//") || strings.ContainsFunc(v, unicode.IsSpace)
}

// looksKeyed reports whether the bare word v would be read as key:value, or
// rejected for an empty key, if it were not quoted.
func looksKeyed(v string) bool {
	colon := strings.IndexByte(v, ':')
	return colon == 0 || colon > 0 && isKey(v[:colon]) && !strings.HasPrefix(v[colon+1:], "//")
}

// quoteValue renders v in double quotes, escaping backslashes and quotes.
func quoteValue(v string) string {
	var b strings.Builder
	b.WriteByte('"')
	for _, r := range v {
		if r == '\\' || r == '"' {
			b.WriteByte('\\')
		}
		b.WriteRune(r)
	}
	b.WriteByte('"')
	return b.String()
}
