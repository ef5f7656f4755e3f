//! ISO 8601 weeks ("2025-W12"): the unit of the top-stories list.

use chrono::{DateTime, Datelike, Duration, NaiveDate, TimeZone, Utc, Weekday};
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use std::fmt;
use std::str::FromStr;

/// An ISO week: weeks start on Monday; week 1 holds the year's first Thursday.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct IsoWeek {
    year: i32,
    week: u32,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum WeekError {
    #[error("{0:?} is not an ISO week; expected the form 2025-W12")]
    Malformed(String),
    #[error("{year} has no ISO week {week} (it has {max})")]
    OutOfRange { year: i32, week: u32, max: u32 },
}

impl IsoWeek {
    pub fn new(year: i32, week: u32) -> Result<Self, WeekError> {
        let max = Self::weeks_in_year(year);
        if week == 0 || week > max {
            return Err(WeekError::OutOfRange { year, week, max });
        }
        Ok(Self { year, week })
    }

    pub fn of_date(date: NaiveDate) -> Self {
        let w = date.iso_week();
        Self {
            year: w.year(),
            week: w.week(),
        }
    }

    pub fn of(t: DateTime<Utc>) -> Self {
        Self::of_date(t.date_naive())
    }

    pub fn current() -> Self {
        Self::of(Utc::now())
    }

    pub fn year(self) -> i32 {
        self.year
    }

    pub fn week(self) -> u32 {
        self.week
    }

    /// 52 or 53: a year has 53 ISO weeks when 28 December falls in week 53.
    pub fn weeks_in_year(year: i32) -> u32 {
        NaiveDate::from_ymd_opt(year, 12, 28)
            .map(|d| d.iso_week().week())
            .unwrap_or(52)
    }

    /// Monday of the week.
    pub fn monday(self) -> NaiveDate {
        NaiveDate::from_isoywd_opt(self.year, self.week, Weekday::Mon).unwrap_or(NaiveDate::MIN)
    }

    /// Sunday of the week.
    pub fn sunday(self) -> NaiveDate {
        self.monday() + Duration::days(6)
    }

    /// Half-open UTC range [Monday 00:00, next Monday 00:00).
    pub fn bounds(self) -> (DateTime<Utc>, DateTime<Utc>) {
        let start = Utc.from_utc_datetime(&self.monday().and_hms_opt(0, 0, 0).unwrap_or_default());
        (start, start + Duration::days(7))
    }

    pub fn next(self) -> Self {
        Self::of_date(self.monday() + Duration::days(7))
    }

    pub fn previous(self) -> Self {
        Self::of_date(self.monday() - Duration::days(7))
    }

    /// Sortable integer key (`202512`), used as an indexed column in the store.
    pub fn key(self) -> i64 {
        i64::from(self.year) * 100 + i64::from(self.week)
    }

    pub fn from_key(key: i64) -> Option<Self> {
        let year = i32::try_from(key / 100).ok()?;
        let week = u32::try_from(key % 100).ok()?;
        Self::new(year, week).ok()
    }
}

impl fmt::Display for IsoWeek {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:04}-W{:02}", self.year, self.week)
    }
}

impl FromStr for IsoWeek {
    type Err = WeekError;

    fn from_str(s: &str) -> Result<Self, WeekError> {
        let malformed = || WeekError::Malformed(s.chars().take(40).collect());
        let (y, w) = s.trim().split_once(['W', 'w']).ok_or_else(malformed)?;
        let y = y.strip_suffix('-').unwrap_or(y);
        if y.len() != 4 || w.is_empty() || w.len() > 2 {
            return Err(malformed());
        }
        let year: i32 = y.parse().map_err(|_| malformed())?;
        let week: u32 = w.parse().map_err(|_| malformed())?;
        Self::new(year, week)
    }
}

impl Serialize for IsoWeek {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for IsoWeek {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        s.parse().map_err(serde::de::Error::custom)
    }
}

impl crate::Classify for WeekError {
    fn class(&self) -> crate::ErrorClass {
        crate::ErrorClass::InvalidInput
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn seed_date_is_week_12() {
        let d = NaiveDate::from_ymd_opt(2025, 3, 20).unwrap();
        assert_eq!(IsoWeek::of_date(d).to_string(), "2025-W12");
    }

    #[test]
    fn parses_and_rejects() {
        assert_eq!("2025-W12".parse::<IsoWeek>().unwrap().week(), 12);
        assert_eq!(
            "2025W03".parse::<IsoWeek>().unwrap().to_string(),
            "2025-W03"
        );
        assert!(matches!(
            "2025-W99".parse::<IsoWeek>(),
            Err(WeekError::OutOfRange { .. })
        ));
        assert!(matches!(
            "2025-W53".parse::<IsoWeek>(),
            Err(WeekError::OutOfRange { .. })
        ));
        assert!("2026-W53".parse::<IsoWeek>().is_ok());
        for bad in ["", "W12", "2025-12", "2025-W", "20x5-W12", "2025-W123"] {
            assert!(
                matches!(bad.parse::<IsoWeek>(), Err(WeekError::Malformed(_))),
                "{bad}"
            );
        }
    }

    #[test]
    fn neighbours_cross_years() {
        let w: IsoWeek = "2026-W01".parse().unwrap();
        assert_eq!(w.previous().to_string(), "2025-W52");
        assert_eq!(
            "2026-W53".parse::<IsoWeek>().unwrap().next().to_string(),
            "2027-W01"
        );
    }

    proptest! {
        #[test]
        fn every_day_lies_within_its_week(days in 0i64..200_000) {
            let d = NaiveDate::from_ymd_opt(1900, 1, 1).unwrap() + Duration::days(days);
            let w = IsoWeek::of_date(d);
            prop_assert!(w.monday() <= d && d <= w.sunday());
            prop_assert_eq!(w.to_string().parse::<IsoWeek>().unwrap(), w);
            prop_assert_eq!(IsoWeek::from_key(w.key()), Some(w));
        }
    }
}
