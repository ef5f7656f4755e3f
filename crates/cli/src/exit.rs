//! The CLI edge of the error policy: print the error with its context chain, exit with the
//! sysexits(3) code of its class.

use std::error::Error;
use std::process::ExitCode;
use tidings_model::{Classify, ErrorClass};

/// The class of the first classified error in the chain; unclassified errors are internal.
pub fn class_of(e: &anyhow::Error) -> ErrorClass {
    e.chain().find_map(classify).unwrap_or(ErrorClass::Internal)
}

fn classify(cause: &(dyn Error + 'static)) -> Option<ErrorClass> {
    macro_rules! classified {
        ($($t:ty),* $(,)?) => {
            $(if let Some(c) = cause.downcast_ref::<$t>() {
                return Some(c.class());
            })*
        };
    }
    classified!(
        tidings_store::StoreError,
        tidings_extract::ExtractError,
        tidings_feed::FeedError,
        tidings_fetch::FetchError,
        tidings_model::week::WeekError,
        crate::ingest::ImportError,
        crate::follow::opml::OpmlError,
        tidings_cluster::Error,
    );
    if cause.downcast_ref::<figment::Error>().is_some() {
        return Some(ErrorClass::Config);
    }
    let io = cause.downcast_ref::<std::io::Error>()?;
    Some(match io.kind() {
        std::io::ErrorKind::NotFound => ErrorClass::NotFound,
        std::io::ErrorKind::AddrInUse | std::io::ErrorKind::PermissionDenied => {
            ErrorClass::Unavailable
        }
        _ => ErrorClass::Internal,
    })
}

pub fn report(e: &anyhow::Error) -> ExitCode {
    eprintln!("error: {e:#}");
    ExitCode::from(class_of(e).exit_code())
}
