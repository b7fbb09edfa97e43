package bot

import (
	"errors"
	"reflect"
	"strings"
	"testing"
	"unicode/utf8"
)

// Run one with: go test ./bot -run x -fuzz FuzzTokenize -fuzztime 20s

func FuzzTokenize(f *testing.F) {
	for _, tt := range tokenizeTests {
		f.Add(tt.line)
	}
	for _, s := range []string{
		`title:"Late night`, `:x`, `a:1 a:2`, "a\x00b", "\xff", `x:"a"b`, `title:'Bob's show'`,
		`x:"\\\"\\"`, `"a:b"`, `'//x'`, `x:'//y'`, `“’”`, `a:“b” c:‘d’ e:„f“`, "\u00a0/x",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, line string) {
		toks, err := Tokenize(line)
		if err != nil {
			var e *Error
			if !errors.As(err, &e) || e.Kind != KindInvalid || strings.ContainsFunc(e.Message, isControl) || !utf8.ValidString(e.Message) {
				t.Fatalf("Tokenize(%q): error %#v is not a clean *Error of KindInvalid", line, err)
			}
			return
		}
		seen := map[string]bool{}
		for _, tok := range toks {
			if tok.Key != "" && (!isKey(tok.Key) || seen[tok.Key]) {
				t.Fatalf("Tokenize(%q): bad or repeated key in %q", line, toks)
			}
			seen[tok.Key] = true
			if strings.ContainsFunc(tok.Value, isControl) || !utf8.ValidString(tok.Value) {
				t.Fatalf("Tokenize(%q): value %q has a control character or bad UTF-8", line, tok.Value)
			}
		}
		canonical := FormatTokens(toks)
		if len(canonical) > maxLineBytes {
			return // quoting may lengthen a line that was at the limit
		}
		again, err := Tokenize(canonical)
		if err != nil || !reflect.DeepEqual(again, toks) {
			t.Fatalf("Tokenize(%q) = %q\nFormatTokens = %s\nTokenize again = %q, %v", line, toks, canonical, again, err)
		}
		if twice := FormatTokens(again); twice != canonical {
			t.Fatalf("FormatTokens is not stable: %s then %s", canonical, twice)
		}
	})
}

func FuzzParseSpaceID(f *testing.F) {
	for _, s := range []string{
		"1eaKbrPAqbwKX",
		"https://x.com/i/spaces/1eaKbrPAqbwKX",
		"https://twitter.com/i/spaces/1eaKbrPAqbwKX?s=20#x",
		"http://mobile.x.com/i/spaces/1eaKbrPAqbwKX/peek/",
		"<https://x.com/i/spaces/1eaKbrPAqbwKX|x.com/i/spaces/1eaKbrPAqbwKX>",
		"x.com/i/spaces/1eaKbrPAqbwKX",
		"https://x.com@evil.com/i/spaces/1ea",
		"https://x.com/i/broadcasts/1ea",
		"https://example.com/x",
		"", "<>", "https://", "x.com", "x.com/i/spaces/",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		id, err := ParseSpaceID(s)
		if err != nil {
			if KindOf(err) != KindInvalid {
				t.Fatalf("ParseSpaceID(%q): error %v is not KindInvalid", s, err)
			}
			return
		}
		if !isSpaceID(id) || !strings.Contains(s, id) || len(strings.TrimSpace(s)) > maxSpaceLink {
			t.Fatalf("ParseSpaceID(%q) = %q", s, id)
		}
		for _, form := range []string{id, "https://x.com/i/spaces/" + id + "?s=20"} {
			if again, err := ParseSpaceID(form); err != nil || again != id {
				t.Fatalf("ParseSpaceID(%q) = %q, %v; want %q", form, again, err, id)
			}
		}
	})
}

func FuzzParseOption(f *testing.F) {
	seeds := map[OptionType][]string{
		OptString:    {"Late night chat", "", "PUBLIC", "a\x00"},
		OptInt:       {"0", "-3", "1e3", "1000000", "9223372036854775807"},
		OptUser:      {"<@U123|alice>", "<@!123>", "@alice", "<@&1>", "@here"},
		OptChannel:   {"<#C123|news>", "#news", "<#>"},
		OptTime:      {"20:00", "8:05", "25:00", "23:59"},
		OptDate:      {"2026-03-14", "2024-02-29", "2026-02-30"},
		OptDateTime:  {"2026-03-14 20:00", "2026-03-14T8:00"},
		OptDuration:  {"60m", "1h30m", "1.5h", "90s", "0"},
		OptDurations: {"60m,10m", "1m,2m,3m,4m,5m,1m", "48h"},
		OptWeekdays:  {"tue,thu", "mon-fri", "fri-mon", "daily", "weekends"},
		OptWeekday:   {"mon", "Sundays"},
		OptTimeZone:  {"UTC", "America/Chicago", "Local", "../etc"},
		OptURL:       {"https://x.com/i/spaces/1eaKbrPAqbwKX", "1eaK"},
		OptMonth:     {"2026-12", "2026-13"},
		OptCountries: {"US,CA", "us, gb", "UK"},
	}
	for i, o := range testOptions {
		for _, s := range seeds[o.Type] {
			f.Add(uint8(i), s)
		}
	}
	f.Fuzz(func(t *testing.T, which uint8, raw string) {
		o := &testOptions[int(which)%len(testOptions)]
		v, err := parseOption(o, raw)
		if err != nil {
			checkInvalid(t, o, err)
			return
		}
		checkOptionValue(t, o, v)
	})
}
