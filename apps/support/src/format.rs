//! Figures for people: sizes, durations, percentages, calendar dates.

use alloc::format;
use alloc::string::String;

/// A byte count in binary units with one decimal where it helps:
/// `512 B`, `1.5 KiB`, `12 MiB`, `3.2 GiB`.
pub fn bytes(count: u64) -> String {
    const UNITS: [&str; 5] = ["KiB", "MiB", "GiB", "TiB", "PiB"];
    if count < 1024 {
        return format!("{count} B");
    }
    let mut value = count as f64 / 1024.0;
    let mut unit = 0;
    while value >= 1024.0 && unit + 1 < UNITS.len() {
        value /= 1024.0;
        unit += 1;
    }
    if value < 10.0 {
        // One decimal, without a trailing `.0`.
        let tenths = (value * 10.0 + 0.5) as u64;
        if tenths.is_multiple_of(10) {
            format!("{} {}", tenths / 10, UNITS[unit])
        } else {
            format!("{}.{} {}", tenths / 10, tenths % 10, UNITS[unit])
        }
    } else {
        format!("{} {}", (value + 0.5) as u64, UNITS[unit])
    }
}

/// A duration given in nanoseconds, to the two largest units:
/// `450 ms`, `12s`, `3m 05s`, `2h 14m`, `4d 07h`.
pub fn duration(nanoseconds: u64) -> String {
    let seconds = nanoseconds / 1_000_000_000;
    if seconds == 0 {
        return format!("{} ms", nanoseconds / 1_000_000);
    }
    let (days, hours, minutes) = (seconds / 86_400, seconds / 3_600 % 24, seconds / 60 % 60);
    if days > 0 {
        format!("{days}d {hours:02}h")
    } else if hours > 0 {
        format!("{hours}h {minutes:02}m")
    } else if minutes > 0 {
        format!("{minutes}m {:02}s", seconds % 60)
    } else {
        format!("{seconds}s")
    }
}

/// A clock-style duration for uptimes: `0:42`, `12:05`, `3:02:17`, `2d 3:02:17`.
pub fn clock(nanoseconds: u64) -> String {
    let seconds = nanoseconds / 1_000_000_000;
    let (days, hours, minutes, rest) =
        (seconds / 86_400, seconds / 3_600 % 24, seconds / 60 % 60, seconds % 60);
    match (days, hours) {
        (0, 0) => format!("{minutes}:{rest:02}"),
        (0, _) => format!("{hours}:{minutes:02}:{rest:02}"),
        _ => format!("{days}d {hours}:{minutes:02}:{rest:02}"),
    }
}

/// A percentage with one decimal below 10 and none above: `0.4%`, `37%`.
pub fn percent(value: f32) -> String {
    let value = if value.is_finite() { value.max(0.0) } else { 0.0 };
    if value < 9.95 {
        let tenths = (value * 10.0 + 0.5) as u32;
        format!("{}.{}%", tenths / 10, tenths % 10)
    } else {
        format!("{}%", (value + 0.5) as u32)
    }
}

/// A count with thousands separated by commas: `183,204`.
pub fn count(value: u64) -> String {
    let digits = format!("{value}");
    let mut grouped = String::with_capacity(digits.len() + digits.len() / 3);
    for (index, digit) in digits.chars().enumerate() {
        if index > 0 && (digits.len() - index) % 3 == 0 {
            grouped.push(',');
        }
        grouped.push(digit);
    }
    grouped
}

/// Seconds since boot with millisecond precision, as log lines show time:
/// `12.345`.
pub fn timestamp(nanoseconds: u64) -> String {
    format!("{}.{:03}", nanoseconds / 1_000_000_000, nanoseconds / 1_000_000 % 1000)
}

/// Days since 1970-01-01 to a civil (proleptic Gregorian) date.
pub fn civil_from_days(days: i64) -> (i64, u32, u32) {
    // Eras of 400 years (146 097 days) starting 0000-03-01.
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let day_of_era = z.rem_euclid(146_097);
    let year_of_era = (day_of_era - day_of_era / 1460 + day_of_era / 36_524 - day_of_era / 146_096) / 365;
    let day_of_year = day_of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100);
    let month_index = (5 * day_of_year + 2) / 153;
    let day = (day_of_year - (153 * month_index + 2) / 5 + 1) as u32;
    let month = if month_index < 10 { month_index + 3 } else { month_index - 9 } as u32;
    let year = year_of_era + era * 400 + i64::from(month <= 2);
    (year, month, day)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes() {
        assert_eq!(bytes(0), "0 B");
        assert_eq!(bytes(1023), "1023 B");
        assert_eq!(bytes(1024), "1 KiB");
        assert_eq!(bytes(1536), "1.5 KiB");
        assert_eq!(bytes(12 * 1024 * 1024 + 300_000), "12 MiB");
        assert_eq!(bytes(3 * 1024 * 1024 * 1024 + 200 * 1024 * 1024), "3.2 GiB");
    }

    #[test]
    fn durations() {
        let second = 1_000_000_000;
        assert_eq!(duration(450_000_000), "450 ms");
        assert_eq!(duration(12 * second), "12s");
        assert_eq!(duration(185 * second), "3m 05s");
        assert_eq!(duration((2 * 3600 + 14 * 60) * second), "2h 14m");
        assert_eq!(duration((4 * 86_400 + 7 * 3600) * second), "4d 07h");
        assert_eq!(clock(42 * second), "0:42");
        assert_eq!(clock((3 * 3600 + 2 * 60 + 17) * second), "3:02:17");
        assert_eq!(clock((86_400 + 5) * second), "1d 0:00:05");
    }

    #[test]
    fn percentages_and_timestamps() {
        assert_eq!(percent(0.42), "0.4%");
        assert_eq!(percent(37.4), "37%");
        assert_eq!(percent(f32::NAN), "0.0%");
        assert_eq!(timestamp(12_345_678_901), "12.345");
        assert_eq!(count(0), "0");
        assert_eq!(count(999), "999");
        assert_eq!(count(183_204), "183,204");
        assert_eq!(count(1_000_000), "1,000,000");
    }
}
