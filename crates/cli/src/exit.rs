//! The CLI edge of the error policy: print the error with its context chain, exit with the
//! sysexits(3) code of its class.

use std::process::ExitCode;
use tidings_extract::ExtractError;
use tidings_model::{Classify, ErrorClass};
use tidings_store::StoreError;

/// The class of the first classified error in the chain; unclassified errors are internal.
pub fn class_of(e: &anyhow::Error) -> ErrorClass {
    for cause in e.chain() {
        if let Some(c) = cause.downcast_ref::<StoreError>() {
            return c.class();
        }
        if let Some(c) = cause.downcast_ref::<ExtractError>() {
            return c.class();
        }
        if let Some(c) = cause.downcast_ref::<crate::ingest::ImportError>() {
            return c.class();
        }
        if let Some(c) = cause.downcast_ref::<tidings_feed::FeedError>() {
            return c.class();
        }
        if let Some(c) = cause.downcast_ref::<tidings_model::week::WeekError>() {
            return c.class();
        }
        if cause.downcast_ref::<figment::Error>().is_some() {
            return ErrorClass::Config;
        }
        if let Some(io) = cause.downcast_ref::<std::io::Error>() {
            return match io.kind() {
                std::io::ErrorKind::NotFound => ErrorClass::NotFound,
                std::io::ErrorKind::AddrInUse | std::io::ErrorKind::PermissionDenied => {
                    ErrorClass::Unavailable
                }
                _ => ErrorClass::Internal,
            };
        }
    }
    ErrorClass::Internal
}

pub fn report(e: &anyhow::Error) -> ExitCode {
    eprintln!("error: {e:#}");
    ExitCode::from(class_of(e).exit_code())
}
