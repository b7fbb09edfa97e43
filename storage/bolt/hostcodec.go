package bolt

import (
	"fmt"
	"slices"
	"time"

	bbolt "go.etcd.io/bbolt"

	"sparkbot/bot"
)

// Hosts and schedules are binary too (schema 9; binary.go): a report of
// 100,000 hosts decodes every host, and of its open week their 200,000
// schedules, and /spaces log decodes the host's record and schedules.
//
// A host, after hostFormat: Name, Handle, Zone, PlatformZone, Memberships
// (Cohort, Joined, Left each), Leads, Quiet (Start and End hour and
// minute), Excused (week, reason pairs, by week), then flags
// (RemindersOff, Quiet.Off). UserID is the key's.
//
// A schedule, after scheduleFormat: Number, UserID, Title, Days, At (hour,
// minute), Duration, Zone, PausedUntil and Skips (year, month, day each),
// CreatedAt, then flags (Paused). ID is the key's.

const (
	hostFormat     = 1
	scheduleFormat = 1
)

// Flags bits.
const (
	remindersOffFlag = 1 << iota
	quietOffFlag
)

const pausedFlag = 1

func encodeBinaryHost(h bot.Host) []byte {
	b := make([]byte, 0, 64+len(h.Name)+len(h.Handle)+len(h.Zone)+len(h.PlatformZone))
	b = append(b, hostFormat)
	b = appendString(b, h.Name)
	b = appendString(b, h.Handle)
	b = appendString(b, h.Zone)
	b = appendString(b, h.PlatformZone)
	b = appendLen(b, len(h.Memberships), h.Memberships == nil)
	for _, m := range h.Memberships {
		b = appendInt(b, int64(m.Cohort))
		b = appendTime(b, m.Joined)
		b = appendTime(b, m.Left)
	}
	b = appendLen(b, len(h.Leads), h.Leads == nil)
	for _, d := range h.Leads {
		b = appendInt(b, int64(d))
	}
	b = appendTimeOfDay(b, h.Quiet.Start)
	b = appendTimeOfDay(b, h.Quiet.End)
	b = appendLen(b, len(h.Excused), h.Excused == nil)
	weeks := make([]string, 0, len(h.Excused))
	for w := range h.Excused {
		weeks = append(weeks, w)
	}
	slices.Sort(weeks)
	for _, w := range weeks {
		b = appendString(b, w)
		b = appendString(b, h.Excused[w])
	}
	var flags byte
	if h.RemindersOff {
		flags |= remindersOffFlag
	}
	if h.Quiet.Off {
		flags |= quietOffFlag
	}
	return append(b, flags)
}

func decodeBinaryHost(key, data []byte) (bot.Host, error) {
	r := recordReader{data: data}
	r.format(hostFormat)
	h := bot.Host{UserID: string(key)}
	h.Name, h.Handle, h.Zone, h.PlatformZone = r.string(), r.string(), r.string(), r.string()
	if n, isNil := r.len(); !isNil {
		h.Memberships = make([]bot.Membership, n)
		for i := range h.Memberships {
			h.Memberships[i] = bot.Membership{Cohort: r.int(), Joined: r.time(), Left: r.time()}
		}
	}
	if n, isNil := r.len(); !isNil {
		h.Leads = make([]time.Duration, n)
		for i := range h.Leads {
			h.Leads[i] = time.Duration(r.varint())
		}
	}
	h.Quiet.Start, h.Quiet.End = r.timeOfDay(), r.timeOfDay()
	if n, isNil := r.len(); !isNil {
		h.Excused = make(map[string]string, n)
		for range n {
			week := r.string()
			h.Excused[week] = r.string()
		}
	}
	flags := r.byte()
	h.RemindersOff, h.Quiet.Off = flags&remindersOffFlag != 0, flags&quietOffFlag != 0
	if err := r.done(); err != nil {
		return bot.Host{}, fmt.Errorf("storage: decode host at %q: %w", key, err)
	}
	return h, nil
}

func encodeBinarySchedule(s bot.Schedule) []byte {
	b := make([]byte, 0, 48+len(s.UserID)+len(s.Title)+len(s.Zone)+4*len(s.Skips))
	b = append(b, scheduleFormat)
	b = appendInt(b, int64(s.Number))
	b = appendString(b, s.UserID)
	b = appendString(b, s.Title)
	b = append(b, byte(s.Days))
	b = appendTimeOfDay(b, s.At)
	b = appendInt(b, int64(s.Duration))
	b = appendString(b, s.Zone)
	b = appendDate(b, s.PausedUntil)
	b = appendLen(b, len(s.Skips), s.Skips == nil)
	for _, d := range s.Skips {
		b = appendDate(b, d)
	}
	b = appendTime(b, s.CreatedAt)
	var flags byte
	if s.Paused {
		flags |= pausedFlag
	}
	return append(b, flags)
}

func decodeBinarySchedule(id int64, key, data []byte, recent *recentStrings) (bot.Schedule, error) {
	r := recordReader{data: data, recent: recent}
	r.format(scheduleFormat)
	s := bot.Schedule{ID: id, Number: r.int(), UserID: r.string(), Title: r.string(), Days: bot.Weekdays(r.byte())}
	s.At, s.Duration, s.Zone = r.timeOfDay(), time.Duration(r.varint()), r.string()
	s.PausedUntil = r.date()
	if n, isNil := r.len(); !isNil {
		s.Skips = make([]bot.Date, n)
		for i := range s.Skips {
			s.Skips[i] = r.date()
		}
	}
	s.CreatedAt = r.time()
	s.Paused = r.byte()&pausedFlag != 0
	if err := r.done(); err != nil {
		return bot.Schedule{}, fmt.Errorf("storage: decode schedule at %q: %w", key, err)
	}
	return s, nil
}

func appendTimeOfDay(b []byte, t bot.TimeOfDay) []byte {
	return appendInt(appendInt(b, int64(t.Hour)), int64(t.Minute))
}

func (r *recordReader) timeOfDay() bot.TimeOfDay {
	return bot.TimeOfDay{Hour: r.int(), Minute: r.int()}
}

func appendDate(b []byte, d bot.Date) []byte {
	return appendInt(appendInt(appendInt(b, int64(d.Year)), int64(d.Month)), int64(d.Day))
}

func (r *recordReader) date() bot.Date {
	return bot.Date{Year: r.int(), Month: time.Month(r.int()), Day: r.int()}
}

// Schema 8 → 9: every host and schedule becomes binary, in chunks (as
// logs did, binaryLogs).
func binaryHostsAndSchedules(tx *bbolt.Tx) error {
	return eachWorkspace(tx, func(w *bbolt.Bucket) error {
		if err := rewriteRecords(w.Bucket(hostsBucket), func(key, data []byte) ([]byte, error) {
			h, err := decodeHost(key, data)
			return encodeBinaryHost(h), err
		}); err != nil {
			return fmt.Errorf("hosts: %w", err)
		}
		if err := rewriteRecords(w.Bucket(schedulesBucket), func(key, data []byte) ([]byte, error) {
			s, err := decodeSchedule(key, data)
			return encodeBinarySchedule(s), err
		}); err != nil {
			return fmt.Errorf("schedules: %w", err)
		}
		return nil
	})
}
