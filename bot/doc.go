// Package bot is sparkbot's domain: hosts, cohorts, recurring Spaces, Space
// logs, the week arithmetic and quota rules, permissions, and the one
// command table every adapter derives its platform surface from.
//
// It declares the interfaces it consumes (Store, Notifier, Clock) and knows
// nothing of bbolt, Discord, Slack or the console; those packages satisfy the
// interfaces and meet bot in cmd/sparkbot.
package bot
