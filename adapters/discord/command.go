package discord

import (
	"slices"
	"strings"

	"github.com/bwmarrin/discordgo"

	"sparkbot/bot"
)

// maxDescriptionLen is Discord's limit on a command or option description.
const maxDescriptionLen = 100

// applicationCommands derives the Discord slash commands from the command
// table: one command a group (/spaces, /cohort), a subcommand for each
// two-word path (/spaces log) and a subcommand group for each three-word
// one (/spaces schedule add), with typed options and the table's help as
// descriptions.
func applicationCommands(table []*bot.Command) []*discordgo.ApplicationCommand {
	var out []*discordgo.ApplicationCommand
	top := map[string]*discordgo.ApplicationCommand{}
	groups := map[string]*discordgo.ApplicationCommandOption{}
	for _, c := range table {
		if len(c.Path) < 2 || len(c.Path) > 3 {
			continue // Discord commands are /group sub or /group subgroup sub
		}
		root, ok := top[c.Path[0]]
		if !ok {
			root = &discordgo.ApplicationCommand{
				Name: c.Path[0], Type: discordgo.ChatApplicationCommand,
				// Guild only: Contexts replaces the deprecated DMPermission.
				Contexts: &[]discordgo.InteractionContextType{discordgo.InteractionContextGuild},
			}
			top[c.Path[0]] = root
			out = append(out, root)
		}
		sub := &discordgo.ApplicationCommandOption{
			Type: discordgo.ApplicationCommandOptionSubCommand, Name: c.Path[len(c.Path)-1],
			Description: description(c.Help, c.Name()), Options: options(c),
		}
		if len(c.Path) == 2 {
			root.Options = append(root.Options, sub)
			continue
		}
		key := c.Path[0] + " " + c.Path[1]
		g, ok := groups[key]
		if !ok {
			g = &discordgo.ApplicationCommandOption{Type: discordgo.ApplicationCommandOptionSubCommandGroup, Name: c.Path[1]}
			groups[key] = g
			root.Options = append(root.Options, g)
		}
		g.Options = append(g.Options, sub)
	}
	for _, root := range out {
		root.Description = summary(root.Name, root.Options)
		if help := bot.GroupHelp(root.Name); help != "" {
			root.Description = description(help, root.Name)
		}
		for _, o := range root.Options {
			if o.Type == discordgo.ApplicationCommandOptionSubCommandGroup {
				o.Description = summary(root.Name+" "+o.Name, o.Options)
			}
		}
	}
	return out
}

// summary describes a command or group by what it contains:
// "/spaces schedule: add, list, remove, pause, resume, skip".
func summary(name string, subs []*discordgo.ApplicationCommandOption) string {
	names := make([]string, len(subs))
	for i, s := range subs {
		names[i] = s.Name
	}
	return description("/"+name+": "+strings.Join(names, ", "), name)
}

// options maps a command's options to Discord's, required ones first as
// Discord demands.
func options(c *bot.Command) []*discordgo.ApplicationCommandOption {
	opts := make([]*discordgo.ApplicationCommandOption, 0, len(c.Options))
	for _, o := range c.Options {
		opts = append(opts, option(o))
	}
	slices.SortStableFunc(opts, func(x, y *discordgo.ApplicationCommandOption) int {
		switch {
		case x.Required == y.Required:
			return 0
		case x.Required:
			return -1
		}
		return 1
	})
	return opts
}

// optionTypes maps the table's option types to Discord's. Every type not
// listed is text that the router parses (times, dates, durations, days,
// zones, links).
var optionTypes = map[bot.OptionType]discordgo.ApplicationCommandOptionType{
	bot.OptInt:     discordgo.ApplicationCommandOptionInteger,
	bot.OptUser:    discordgo.ApplicationCommandOptionUser,
	bot.OptChannel: discordgo.ApplicationCommandOptionChannel,
}

func option(o bot.Option) *discordgo.ApplicationCommandOption {
	d := &discordgo.ApplicationCommandOption{
		Type: discordgo.ApplicationCommandOptionString, Name: o.Name,
		Description: description(o.Help, o.Name), Required: o.Required,
	}
	if t, ok := optionTypes[o.Type]; ok {
		d.Type = t
	}
	switch o.Type {
	case bot.OptString:
		d.MaxLength = o.MaxLength()
		for _, v := range o.Choices {
			d.Choices = append(d.Choices, &discordgo.ApplicationCommandOptionChoice{Name: v, Value: v})
		}
	case bot.OptInt:
		if o.Min != 0 || o.Max != 0 {
			lo := float64(o.Min)
			d.MinValue, d.MaxValue = &lo, float64(o.Max)
		}
	case bot.OptChannel:
		d.ChannelTypes = []discordgo.ChannelType{discordgo.ChannelTypeGuildText, discordgo.ChannelTypeGuildNews}
	}
	// The table names the options the router suggests values for.
	d.Autocomplete = len(d.Choices) == 0 && o.Suggest != bot.SuggestNone
	return d
}

// description returns help cut to Discord's limit, or fallback if empty.
func description(help, fallback string) string {
	if help = strings.TrimSpace(help); help == "" {
		help = fallback
	}
	return clip(help, maxDescriptionLen)
}
