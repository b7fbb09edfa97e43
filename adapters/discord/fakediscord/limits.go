package fakediscord

import (
	"encoding/json"
	"fmt"
	"net/http"
	"unicode/utf8"
)

// Discord's documented limits on one message (Create Message, Execute
// Webhook, Edit Original Interaction Response, an interaction callback's
// data). Lengths are in code points, as Discord counts them.
const (
	MaxContent       = 2000
	MaxEmbeds        = 10
	MaxEmbedTotal    = 6000 // characters over every embed of a message
	MaxTitle         = 256
	MaxDescription   = 4096
	MaxFields        = 25
	MaxFieldName     = 256
	MaxFieldValue    = 1024
	MaxFooter        = 2048
	MaxAuthor        = 256
	MaxActionRows    = 5
	MaxRowComponents = 5
	MaxLabel         = 80
	MaxCustomID      = 100
)

// Wire is a message as the fake reads it from a request.
type Wire struct {
	Content string `json:"content"`
	Flags   int    `json:"flags"`
	Embeds  []struct {
		Title       string `json:"title"`
		Description string `json:"description"`
		Fields      []struct {
			Name  string `json:"name"`
			Value string `json:"value"`
		} `json:"fields"`
		Footer *struct {
			Text string `json:"text"`
		} `json:"footer"`
		Author *struct {
			Name string `json:"name"`
		} `json:"author"`
	} `json:"embeds"`
	Components []struct {
		Components []struct {
			Label    string `json:"label"`
			CustomID string `json:"custom_id"`
		} `json:"components"`
	} `json:"components"`
	Attachments []json.RawMessage `json:"attachments"`
}

// EmbedChars is what counts toward MaxEmbedTotal: every title,
// description, field name and value, footer and author name.
func (w Wire) EmbedChars() int {
	n := 0
	for _, e := range w.Embeds {
		n += runes(e.Title) + runes(e.Description)
		for _, f := range e.Fields {
			n += runes(f.Name) + runes(f.Value)
		}
		if e.Footer != nil {
			n += runes(e.Footer.Text)
		}
		if e.Author != nil {
			n += runes(e.Author.Name)
		}
	}
	return n
}

// Rejection is a request the fake refused as Discord would.
type Rejection struct {
	Call   Call
	Reason string
}

// Rejections returns the requests refused for breaking a limit.
func (s *Server) Rejections() []Rejection {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Rejection(nil), s.rejected...)
}

// check reads a message from a call and refuses it, writing Discord's 400,
// when it breaks a limit. mustHave is false for an edit, which may leave
// everything out.
func (s *Server) check(w http.ResponseWriter, c Call, data json.RawMessage, mustHave bool) bool {
	var m Wire
	if err := json.Unmarshal(data, &m); err != nil {
		return s.refuse(w, c, 50035, "Invalid Form Body", "body is not a message: "+err.Error())
	}
	if reason := limitBroken(m); reason != "" {
		return s.refuse(w, c, 50035, "Invalid Form Body", reason)
	}
	if mustHave && m.Content == "" && len(m.Embeds) == 0 && len(m.Components) == 0 && len(c.Files) == 0 {
		return s.refuse(w, c, 50006, "Cannot send an empty message", "empty message")
	}
	return true
}

func (s *Server) refuse(w http.ResponseWriter, c Call, code int, message, reason string) bool {
	s.mu.Lock()
	s.rejected = append(s.rejected, Rejection{Call: c, Reason: reason})
	s.notify()
	s.mu.Unlock()
	writeJSON(w, http.StatusBadRequest, map[string]any{
		"code": code, "message": message,
		"errors": map[string]any{"_errors": []map[string]any{{"code": "BASE_TYPE_MAX_LENGTH", "message": reason}}},
	})
	return false
}

// limitBroken says which of Discord's limits m breaks, or "".
func limitBroken(m Wire) string {
	over := func(what string, n, max int) string {
		if n > max {
			return fmt.Sprintf("%s: must be %d or fewer in length, got %d", what, max, n)
		}
		return ""
	}
	checks := []string{
		over("content", runes(m.Content), MaxContent),
		over("embeds", len(m.Embeds), MaxEmbeds),
		over("components", len(m.Components), MaxActionRows),
	}
	if n := m.EmbedChars(); n > MaxEmbedTotal {
		checks = append(checks, fmt.Sprintf("embeds: embed size exceeds maximum size of %d, got %d", MaxEmbedTotal, n))
	}
	for i, e := range m.Embeds {
		at := fmt.Sprintf("embeds.%d.", i)
		checks = append(checks, over(at+"title", runes(e.Title), MaxTitle),
			over(at+"description", runes(e.Description), MaxDescription), over(at+"fields", len(e.Fields), MaxFields))
		for j, f := range e.Fields {
			checks = append(checks, over(fmt.Sprintf("%sfields.%d.name", at, j), runes(f.Name), MaxFieldName),
				over(fmt.Sprintf("%sfields.%d.value", at, j), runes(f.Value), MaxFieldValue))
		}
		if e.Footer != nil {
			checks = append(checks, over(at+"footer.text", runes(e.Footer.Text), MaxFooter))
		}
		if e.Author != nil {
			checks = append(checks, over(at+"author.name", runes(e.Author.Name), MaxAuthor))
		}
	}
	for i, row := range m.Components {
		checks = append(checks, over(fmt.Sprintf("components.%d.components", i), len(row.Components), MaxRowComponents))
		for j, b := range row.Components {
			at := fmt.Sprintf("components.%d.components.%d.", i, j)
			checks = append(checks, over(at+"label", runes(b.Label), MaxLabel), over(at+"custom_id", len(b.CustomID), MaxCustomID))
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
