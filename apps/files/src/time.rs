//! File times for people: `2026-12-05 23:17` (UTC, as the storage service
//! stamps them; Files is given no time zone), or `—` when the store's
//! clock was not set and the time would be a made-up date near 1970.

use alloc::format;
use alloc::string::String;

/// 2000-01-01T00:00:00Z: anything earlier came from a store without a
/// wall clock (it counts from 1970 then).
const EARLIEST_REAL: u64 = 946_684_800;

/// Days since 1970-01-01 to a civil (proleptic Gregorian) date.
fn civil_from_days(days: i64) -> (i64, u32, u32) {
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
