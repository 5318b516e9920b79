//! File times for people: `2026-12-05 23:17` (UTC, as the storage service
//! stamps them; Files is given no time zone), or `—` when the store's
//! clock was not set and the time would be a made-up date near 1970.

use alloc::format;
use alloc::string::String;

use weft_app_support::format::civil_from_days;

/// 2000-01-01T00:00:00Z: anything earlier came from a store without a
/// wall clock (it counts from 1970 then).
const EARLIEST_REAL: u64 = 946_684_800;

/// A modification time (Unix seconds) as `YYYY-MM-DD HH:MM`, or `—`.
pub fn modified(unix_seconds: u64) -> String {
    if unix_seconds < EARLIEST_REAL {
        return String::from("—");
    }
    let Ok(seconds) = i64::try_from(unix_seconds) else { return String::from("—") };
    let (days, second_of_day) = (seconds.div_euclid(86_400), seconds.rem_euclid(86_400));
    let (year, month, day) = civil_from_days(days);
    format!("{year:04}-{month:02}-{day:02} {:02}:{:02}", second_of_day / 3600, second_of_day % 3600 / 60)
}

#[cfg(test)]
mod tests {
    use super::modified;

    #[test]
    fn times_read_as_dates_and_unknown_ones_as_a_dash() {
        assert_eq!(modified(0), "—");
        assert_eq!(modified(42), "—");
        assert_eq!(modified(946_684_800), "2000-01-01 00:00");
        // 2026-12-05 23:17:34 UTC.
        assert_eq!(modified(1_796_512_654), "2026-12-05 23:17");
        // A leap day.
        assert_eq!(modified(1_709_210_096), "2024-02-29 12:34");
        assert_eq!(modified(u64::MAX), "—");
    }
}
