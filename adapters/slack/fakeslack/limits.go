package fakeslack

import (
	"encoding/json"
	"fmt"
	"unicode/utf8"
)

// Slack's limits on one message, as the fake enforces them: Block Kit's
// documented ones, and MaxBlockText, the text over all of a message's
// blocks, which Slack does not document but enforces with
// msg_blocks_too_long (from about 11,000 characters on, per slack bolt-js
// issues 2509 and 2867). The fake refuses at the 10,000 the adapter keeps
// under.
const (
	MaxBlocks          = 50
	MaxBlockText       = 10_000
	MaxSectionText     = 3000
	MaxFields          = 10
	MaxFieldText       = 2000
	MaxHeaderText      = 150
	MaxContextElements = 10
	MaxActionElements  = 25
	MaxButtonText      = 75
	MaxButtonValue     = 2000
	MaxText            = 40_000 // a message's text, or a file's comment
	// MaxResponses is how many messages one response_url takes.
	MaxResponses = 5
)

// Block is a Block Kit block as the fake reads it.
type Block struct {
	Type   string `json:"type"`
	Text   *Text  `json:"text"`
	Fields []Text `json:"fields"`
	Elems  []Elem `json:"elements"`
}

// Text is a text object.
type Text struct {
	Type string `json:"type"`
	Text string `json:"text"`
}

// Elem is an element of a context or actions block: a text object, or a
// button with its label.
type Elem struct {
	Type  string `json:"type"`
	Text  any    `json:"text"` // a string in a context's mrkdwn, a text object in a button
	Value string `json:"value"`
}

// label is an element's text, whichever form it has.
func (e Elem) label() string {
	switch t := e.Text.(type) {
	case string:
		return t
	case map[string]any:
		s, _ := t["text"].(string)
		return s
	}
	return ""
}

// ParseBlocks reads a blocks JSON array; "" is no blocks.
func ParseBlocks(raw string) ([]Block, error) {
	if raw == "" {
		return nil, nil
	}
	var blocks []Block
	err := json.Unmarshal([]byte(raw), &blocks)
	return blocks, err
}

// BlockText is the text over all of blocks, as counted toward MaxBlockText:
// every section text and field, header, context element and button label.
func BlockText(blocks []Block) int {
	n := 0
	for _, b := range blocks {
		if b.Text != nil {
			n += runes(b.Text.Text)
		}
		for _, f := range b.Fields {
			n += runes(f.Text)
		}
		for _, e := range b.Elems {
			n += runes(e.label())
		}
	}
	return n
}

// CheckMessage says what Slack would answer a message of text and blocks
// (JSON) with: "" for ok, or its error code and why.
func CheckMessage(text, blocksJSON string) (code, reason string) {
	blocks, err := ParseBlocks(blocksJSON)
	if err != nil {
		return "invalid_blocks_format", err.Error()
	}
	if runes(text) > MaxText {
		return "msg_too_long", fmt.Sprintf("text of %d characters", runes(text))
	}
	if text == "" && len(blocks) == 0 {
		return "no_text", "no text and no blocks"
	}
	if len(blocks) > MaxBlocks {
		return "invalid_blocks", fmt.Sprintf("%d blocks: no more than %d items allowed [json-pointer:/blocks]", len(blocks), MaxBlocks)
	}
	for i, b := range blocks {
		if reason := blockBroken(b); reason != "" {
			return "invalid_blocks", fmt.Sprintf("block %d (%s): %s", i, b.Type, reason)
		}
	}
	if n := BlockText(blocks); n > MaxBlockText {
		return "msg_blocks_too_long", fmt.Sprintf("%d characters of block text", n)
	}
	return "", ""
}

// blockBroken says which limit of its type b breaks, or "".
func blockBroken(b Block) string {
	over := func(what string, n, max int) string {
		if n > max {
			return fmt.Sprintf("%s: %d, more than %d", what, n, max)
		}
		return ""
	}
	var checks []string
	switch b.Type {
	case "section":
		if b.Text == nil && len(b.Fields) == 0 {
			return "a section needs text or fields"
		}
		if b.Text != nil {
			checks = append(checks, over("text", runes(b.Text.Text), MaxSectionText))
		}
		checks = append(checks, over("fields", len(b.Fields), MaxFields))
		for _, f := range b.Fields {
			checks = append(checks, over("field", runes(f.Text), MaxFieldText))
		}
	case "header":
		if b.Text == nil {
			return "a header needs text"
		}
		checks = append(checks, over("text", runes(b.Text.Text), MaxHeaderText))
	case "context":
		checks = append(checks, over("elements", len(b.Elems), MaxContextElements))
		for _, e := range b.Elems {
			checks = append(checks, over("element", runes(e.label()), MaxSectionText))
		}
	case "actions":
		checks = append(checks, over("elements", len(b.Elems), MaxActionElements))
		for _, e := range b.Elems {
			checks = append(checks, over("button text", runes(e.label()), MaxButtonText), over("button value", len(e.Value), MaxButtonValue))
		}
	}
	for _, c := range checks {
		if c != "" {
			return c
		}
	}
	return ""
}

func runes(s string) int { return utf8.RuneCountInString(s) }
