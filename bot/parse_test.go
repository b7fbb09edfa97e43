package bot

import (
	"errors"
	"reflect"
	"slices"
	"strings"
	"testing"
)

// bareTok and keyTok build tokens for the tables.
func bareTok(v string) Token        { return Token{Value: v} }
func keyTok(k, v string) Token      { return Token{Key: k, Value: v} }
func tokenList(ts ...Token) []Token { return ts }

var tokenizeTests = []struct {
	line string
	want []Token
}{
	{"", nil},
	{"   \t ", nil},
	{"/", nil},
	{"/spaces", tokenList(bareTok("spaces"))},
	{"spaces", tokenList(bareTok("spaces"))},
	{"  /spaces   help  ", tokenList(bareTok("spaces"), bareTok("help"))},
	{`/spaces schedule add title:"Late night chat" days:tue,thu time:20:00 duration:60m`, tokenList(
		bareTok("spaces"), bareTok("schedule"), bareTok("add"),
		keyTok("title", "Late night chat"), keyTok("days", "tue,thu"), keyTok("time", "20:00"), keyTok("duration", "60m"))},
	// Links: a key's value keeps its colons; a bare link is a bare word.
	{"spaces log url:https://x.com/i/spaces/1eaK?s=20", tokenList(bareTok("spaces"), bareTok("log"), keyTok("url", "https://x.com/i/spaces/1eaK?s=20"))},
	{"spaces log https://x.com/i/spaces/1eaK", tokenList(bareTok("spaces"), bareTok("log"), bareTok("https://x.com/i/spaces/1eaK"))},
	{"<https://x.com/i/spaces/1eaK>", tokenList(bareTok("<https://x.com/i/spaces/1eaK>"))},
	{"url:<https://x.com/i/spaces/1eaK|x.com/i/spaces/1eaK>", tokenList(keyTok("url", "<https://x.com/i/spaces/1eaK|x.com/i/spaces/1eaK>"))},
	{"title://x", tokenList(bareTok("title://x"))},
	{"a:b:c", tokenList(keyTok("a", "b:c"))},
	{"20:00", tokenList(bareTok("20:00"))},
	{"1a:v", tokenList(bareTok("1a:v"))},
	{"título:x", tokenList(bareTok("título:x"))},
	{"k_1:v K2:w", tokenList(keyTok("k_1", "v"), keyTok("K2", "w"))},
	{"Title:x title:y", tokenList(keyTok("Title", "x"), keyTok("title", "y"))},
	{"user:<@U123|alice> channel:<#C1|news>", tokenList(keyTok("user", "<@U123|alice>"), keyTok("channel", "<#C1|news>"))},
	// Quotes.
	{`title:"a \"quoted\" word"`, tokenList(keyTok("title", `a "quoted" word`))},
	{`title:"back\\slash"`, tokenList(keyTok("title", `back\slash`))},
	{`title:"C:\path"`, tokenList(keyTok("title", `C:\path`))},
	{`title:'single "double" \ inside'`, tokenList(keyTok("title", `single "double" \ inside`))},
	{`title:“Late night”`, tokenList(keyTok("title", "Late night"))},
	{`title:”Late night”`, tokenList(keyTok("title", "Late night"))},
	{`title:„Late night“`, tokenList(keyTok("title", "Late night"))},
	{`title:‘Late night’`, tokenList(keyTok("title", "Late night"))},
	{`title:’Late night’`, tokenList(keyTok("title", "Late night"))},
	{`title:“He said "hi"”`, tokenList(keyTok("title", `He said "hi"`))},
	{`title:"“curly” inside"`, tokenList(keyTok("title", "“curly” inside"))},
	{`title:“escaped \” inside”`, tokenList(keyTok("title", "escaped ” inside"))},
	{`"foo bar" baz`, tokenList(bareTok("foo bar"), bareTok("baz"))},
	{`'' ""`, tokenList(bareTok(""), bareTok(""))},
	{`title:""`, tokenList(keyTok("title", ""))},
	{`title:`, tokenList(keyTok("title", ""))},
	{`a:"x" b:'y'`, tokenList(keyTok("a", "x"), keyTok("b", "y"))},
	{`title:"x"	next`, tokenList(keyTok("title", "x"), bareTok("next"))},
	{`title:don't`, tokenList(keyTok("title", "don't"))},
	{`a"b`, tokenList(bareTok(`a"b`))},
	{`/"two words"`, tokenList(bareTok("two words"))},
	{"//x", tokenList(bareTok("/x"))},
	// White space of every kind separates words.
	{"tab\tseparated", tokenList(bareTok("tab"), bareTok("separated"))},
	{"no\u00a0break", tokenList(bareTok("no"), bareTok("break"))},
	{"ideographic\u3000space", tokenList(bareTok("ideographic"), bareTok("space"))},
	{"title:\"no\u00a0break\"", tokenList(keyTok("title", "no\u00a0break"))},
}

func TestTokenize(t *testing.T) {
	for _, tt := range tokenizeTests {
		got, err := Tokenize(tt.line)
		if err != nil {
			t.Errorf("Tokenize(%q): %v", tt.line, err)
			continue
		}
		if !reflect.DeepEqual(got, tt.want) {
			t.Errorf("Tokenize(%q)\n got: %q\nwant: %q", tt.line, got, tt.want)
		}
		// Canonical syntax reads back the same tokens.
		line := FormatTokens(got)
		again, err := Tokenize(line)
		if err != nil || !reflect.DeepEqual(again, got) {
			t.Errorf("Tokenize(FormatTokens(%q)) = Tokenize(%q) = %q, %v", got, line, again, err)
		}
	}
}

func TestTokenizeLongestLine(t *testing.T) {
	line := "title:" + strings.Repeat("é", (maxLineBytes-6)/2)
	if _, err := Tokenize(line); err != nil || len(line) != maxLineBytes {
		t.Errorf("a %d-byte line: %v", len(line), err)
	}
}

func TestTokenizeErrors(t *testing.T) {
	tests := []struct {
		line string
		want string // exact message, or "" to check only the kind
	}{
		{`/spaces schedule add title:"Late night`, `a quote is left open in title:"Late night… — close it, like title:"Late night"`},
		{`title:"C:\path\"`, `a quote is left open in title:"C:\path\"… — close it, like title:"Late night"`},
		{`say "hello there`, `a quote is left open in "hello there… — close it, like "Late night"`},
		{`title:"` + strings.Repeat("a", 50), `a quote is left open in title:"` + strings.Repeat("a", 19) + `… — close it, like title:"Late night"`},
		{`x:“foo`, ""},
		{`x:'foo`, ""},
		{`x:‘foo"`, ""},
		{`"`, ""},
		{`x:"a"b`, `x:"a"b — text follows the closing quote; put a space after it`},
		{`title:'Bob's show'`, `title:'Bob's — text follows the closing quote; for text with an apostrophe use double quotes, like title:"Bob's show"`},
		{`"a""b"`, ""},
		{`"a":b`, ""},
		{`:x`, `:x — an option needs a name before the colon, like title:"Late night"`},
		{`:`, ""},
		{`::`, ""},
		{`spaces :x`, ""},
		{`a:1 a:2`, `a:2 — a is given twice; give each option once`},
		{`title:x spaces title:"Late night"`, `title:"Late night" — title is given twice; give each option once`},
		{"a\x00b", "the command has a control character (U+0000) — type it on one line, as plain text"},
		{"line one\nline two", "the command has a control character (U+000A) — type it on one line, as plain text"},
		{"a\rb", ""},
		{"a\x7fb", "the command has a control character (U+007F) — type it on one line, as plain text"},
		{"a\u0085b", ""},
		{"\x1b[31mred", ""},
		{"title:\"a\x00\"", ""},
		{"\xff", "the command is not valid UTF-8 text — type it again as plain text"},
		{"title:\"\xc3\"", ""},
		{strings.Repeat("a", maxLineBytes+1), "the command is too long (4001 bytes); keep it under 4000 — shorten the text"},
	}
	for _, tt := range tests {
		got, err := Tokenize(tt.line)
		var e *Error
		if !errors.As(err, &e) || e.Kind != KindInvalid {
			t.Errorf("Tokenize(%.60q) = %q, %v; want an *Error of KindInvalid", tt.line, got, err)
			continue
		}
		if strings.ContainsFunc(e.Message, isControl) || !strings.Contains(e.Message, " — ") {
			t.Errorf("Tokenize(%.60q): message %q is not one clean line", tt.line, e.Message)
		}
		if tt.want != "" && e.Message != tt.want {
			t.Errorf("Tokenize(%.60q) error\n got: %s\nwant: %s", tt.line, e.Message, tt.want)
		}
	}
}

func TestFormatTokens(t *testing.T) {
	tests := []struct {
		toks []Token
		want string
	}{
		{nil, ""},
		{tokenList(bareTok("spaces"), bareTok("log"), keyTok("url", "https://x.com/i/spaces/1eaK?s=20")), "spaces log url:https://x.com/i/spaces/1eaK?s=20"},
		{tokenList(keyTok("title", "Late night")), `title:"Late night"`},
		{tokenList(keyTok("title", "")), `title:""`},
		{tokenList(keyTok("title", `a "b" \c`)), `title:"a \"b\" \\c"`},
		{tokenList(keyTok("title", "'tis")), `title:"'tis"`},
		{tokenList(keyTok("title", "“curly”")), `title:"“curly”"`},
		{tokenList(keyTok("title", "don't")), `title:don't`},
		{tokenList(keyTok("title", "//x")), `title:"//x"`},
		{tokenList(keyTok("time", "20:00")), `time:20:00`},
		{tokenList(keyTok("title", "no\u00a0break")), "title:\"no\u00a0break\""},
		{tokenList(bareTok("a:b")), `"a:b"`},
		{tokenList(bareTok(":x")), `":x"`},
		{tokenList(bareTok("https://x.com")), `https://x.com`},
		{tokenList(bareTok("20:00")), `20:00`},
		{tokenList(bareTok("/x"), bareTok("/y")), `"/x" /y`},
		{tokenList(bareTok("")), `""`},
		{tokenList(bareTok("’quoted")), `"’quoted"`},
		{tokenList(bareTok("two words")), `"two words"`},
	}
	for _, tt := range tests {
		got := FormatTokens(tt.toks)
		if got != tt.want {
			t.Errorf("FormatTokens(%q) = %s, want %s", tt.toks, got, tt.want)
		}
		again, err := Tokenize(got)
		if err != nil || !reflect.DeepEqual(again, tt.toks) {
			t.Errorf("Tokenize(%s) = %q, %v; want %q", got, again, err, tt.toks)
		}
	}
}

// TestParseGroupWithoutSubcommand: a bare top-level group shows its help;
// a subgroup, or a group given options, names its subcommands rather than
// dropping the options on the floor.
func TestParseGroupWithoutSubcommand(t *testing.T) {
	tests := []struct {
		line     string
		wantPath []string
		wantErr  string
	}{
		{"/spaces", []string{"spaces", "help"}, ""},
		{"/cohort", []string{"cohort", "help"}, ""},
		{"/spaces schedule", nil, "/spaces schedule needs one of: add, list, remove, pause, resume, skip — like "},
		{"/spaces schedule days:tue,thu time:20:00", nil, "/spaces schedule needs one of: add, list, remove, pause, resume, skip — like "},
		{"/spaces bogus:1", nil, "/spaces needs one of: apply, timezone, schedule, log"},
	}
	for _, tt := range tests {
		path, _, err := ParseCommandLine(tt.line)
		if tt.wantErr == "" {
			if err != nil || !slices.Equal(path, tt.wantPath) {
				t.Errorf("%s: path %q, err %v; want %q", tt.line, path, err, tt.wantPath)
			}
			continue
		}
		if err == nil || !strings.HasPrefix(UserMessage(err), tt.wantErr) || KindOf(err) != KindInvalid {
			t.Errorf("%s: path %q, err %v; want an invalid-input error starting %q", tt.line, path, err, tt.wantErr)
		}
	}
}
