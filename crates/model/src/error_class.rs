//! The one mapping from "what kind of failure" to HTTP status and CLI exit code. Every library
//! error type says which class it belongs to; the web and CLI edges only ever map classes.

/// What a failure means to the caller, independent of where it happened.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ErrorClass {
    /// The input (file, form, query, URL) is malformed or not what was expected.
    InvalidInput,
    /// The thing asked for does not exist.
    NotFound,
    /// The request conflicts with stored state.
    Conflict,
    /// Not allowed for this caller.
    Forbidden,
    /// Too many requests; try later.
    RateLimited,
    /// A dependency (database, network) is unavailable or failed.
    Unavailable,
    /// The database or its disk is full: nothing more can be written until space is freed.
    StorageFull,
    /// Configuration is wrong.
    Config,
    /// A bug or an unexpected state.
    Internal,
}

impl ErrorClass {
    pub fn http_status(self) -> u16 {
        match self {
            Self::InvalidInput => 400,
            Self::Forbidden => 403,
            Self::NotFound => 404,
            Self::Conflict => 409,
            Self::RateLimited => 429,
            Self::Unavailable => 503,
            Self::StorageFull => 507,
            Self::Config | Self::Internal => 500,
        }
    }

    /// BSD sysexits(3) codes, so scripts can tell bad input from a broken environment.
    pub fn exit_code(self) -> u8 {
        match self {
            Self::InvalidInput => 65, // EX_DATAERR
            Self::NotFound => 66,     // EX_NOINPUT
            Self::Conflict | Self::Forbidden => 77,
            Self::RateLimited | Self::Unavailable => 69, // EX_UNAVAILABLE
            Self::StorageFull => 74,                     // EX_IOERR
            Self::Config => 78,                          // EX_CONFIG
            Self::Internal => 70,                        // EX_SOFTWARE
        }
    }
}

/// Implemented by every library error so the edges can map it without matching on variants.
pub trait Classify {
    fn class(&self) -> ErrorClass;
}
