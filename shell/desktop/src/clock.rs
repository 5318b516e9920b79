//! Wall-clock time for the panel and the lock screen.
//!
//! Weft has no real-time clock service yet, so the board hands the shell
//! the wall time at boot as startup arguments: `wall-clock` (Unix time in
//! milliseconds when the monotonic clock read zero) and `utc-offset`
//! (minutes east of UTC). The shell adds the monotonic clock to it.
//! Without them it counts from midnight, 1 January 2025, and says so in
//! its log.

use alloc::format;
use alloc::string::String;
use core::time::Duration;

use weft_app_support::format::civil_from_days;

const WEEKDAYS: [&str; 7] = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"];
const WEEKDAYS_LONG: [&str; 7] =
    ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"];
const MONTHS: [&str; 12] =
    ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];
const MONTHS_LONG: [&str; 12] = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
];

/// 2025-01-01T00:00:00Z, the fallback epoch.
const FALLBACK_UNIX_MS: i64 = 1_735_689_600_000;

/// A broken-down local time.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct LocalTime {
    /// Year, e.g. 2025.
    pub year: i64,
    /// Month, 1–12.
    pub month: u32,
    /// Day of the month, 1–31.
    pub day: u32,
    /// Day of the week, 0 = Monday.
    pub weekday: u32,
    /// Hour, 0–23.
    pub hour: u32,
    /// Minute, 0–59.
    pub minute: u32,
    /// Second, 0–59.
    pub second: u32,
}

impl LocalTime {
    /// "09:41".
    pub fn clock(&self) -> String {
        format!("{:02}:{:02}", self.hour, self.minute)
    }

    /// "Sat 14 Jun" (the panel).
    pub fn short_date(&self) -> String {
        format!("{} {} {}", WEEKDAYS[self.weekday as usize], self.day, MONTHS[(self.month - 1) as usize])
    }

    /// "Saturday 14 June" (the lock screen).
    pub fn long_date(&self) -> String {
        format!(
            "{} {} {}",
            WEEKDAYS_LONG[self.weekday as usize],
            self.day,
            MONTHS_LONG[(self.month - 1) as usize]
        )
    }
}

/// The wall clock.
#[derive(Clone, Copy, Debug)]
pub struct WallClock {
    unix_ms_at_zero: i64,
    offset_minutes: i64,
    /// Whether the board told us the time.
    pub known: bool,
}

impl WallClock {
    /// From the startup arguments (see the module docs).
    pub fn new(wall_clock: Option<&str>, utc_offset: Option<&str>) -> WallClock {
        let unix = wall_clock.and_then(|text| text.parse::<i64>().ok());
        let offset =
            utc_offset.and_then(|text| text.parse::<i64>().ok()).unwrap_or(0).clamp(-18 * 60, 18 * 60);
        WallClock {
            unix_ms_at_zero: unix.unwrap_or(FALLBACK_UNIX_MS),
            offset_minutes: offset,
            known: unix.is_some(),
        }
    }

    /// From a wall-clock reading: `unix_ms` was the time when the
    /// monotonic clock read `monotonic_ns`.
    pub fn from_reading(unix_ms: i64, monotonic_ns: u64, utc_offset: Option<&str>) -> WallClock {
        let mut clock = WallClock::new(None, utc_offset);
        clock.unix_ms_at_zero = unix_ms.saturating_sub((monotonic_ns / 1_000_000) as i64);
        clock.known = true;
        clock
    }

    /// Local time at monotonic instant `now`.
    pub fn at(&self, now: Duration) -> LocalTime {
        let ms = self.unix_ms_at_zero + now.as_millis() as i64 + self.offset_minutes * 60_000;
        let seconds = ms.div_euclid(1000);
        let days = seconds.div_euclid(86_400);
        let second_of_day = seconds.rem_euclid(86_400) as u32;
        let (year, month, day) = civil_from_days(days);
        LocalTime {
            year,
            month,
            day,
            // 1970-01-01 was a Thursday (index 3).
            weekday: (days + 3).rem_euclid(7) as u32,
            hour: second_of_day / 3600,
            minute: second_of_day / 60 % 60,
            second: second_of_day % 60,
        }
    }

    /// The monotonic instant of the next minute boundary after `now`.
    pub fn next_minute(&self, now: Duration) -> Duration {
        let ms = self.unix_ms_at_zero + now.as_millis() as i64 + self.offset_minutes * 60_000;
        let until = 60_000 - ms.rem_euclid(60_000);
        now + Duration::from_millis(until as u64)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn known_dates() {
        // 2025-06-14T09:41:30Z, a Saturday.
        let clock = WallClock::new(Some("1749894090000"), Some("0"));
        let time = clock.at(Duration::ZERO);
        assert_eq!((time.year, time.month, time.day), (2025, 6, 14));
        assert_eq!((time.hour, time.minute, time.second), (9, 41, 30));
        assert_eq!(time.short_date(), "Sat 14 Jun");
        assert_eq!(time.long_date(), "Saturday 14 June");
        assert_eq!(time.clock(), "09:41");
        assert_eq!(clock.next_minute(Duration::ZERO), Duration::from_secs(30));
        // Leap day, and an offset crossing midnight.
        let leap = WallClock::new(Some("1709164800000"), Some("-60")).at(Duration::ZERO);
        assert_eq!((leap.month, leap.day, leap.hour), (2, 28, 23));
        assert_eq!(civil_from_days(0), (1970, 1, 1));
        assert_eq!(civil_from_days(-1), (1969, 12, 31));
    }

    #[test]
    fn fallback_without_arguments() {
        let clock = WallClock::new(None, None);
        assert!(!clock.known);
        assert_eq!(clock.at(Duration::from_secs(61)).clock(), "00:01");
    }

    #[test]
    fn a_reading_taken_after_boot_counts_back_to_boot() {
        // 09:41:30 read 90 s after boot: boot was at 09:40:00.
        let clock = WallClock::from_reading(1_749_894_090_000, 90_000_000_000, None);
        assert!(clock.known);
        assert_eq!(clock.at(Duration::ZERO).clock(), "09:40");
        assert_eq!(clock.at(Duration::from_secs(90)).second, 30);
    }
}
