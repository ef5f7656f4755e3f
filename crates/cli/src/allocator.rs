//! The process's memory allocator: mimalloc, tuned. Shared with the feed parsing benchmark
//! (`crates/feed/examples/bench_parse.rs` includes this file) so that its figures are the
//! binary's.
//!
//! mimalloc rather than glibc's malloc: parsing feeds allocates and frees many small strings and
//! maps, where it was 5 % (small feeds) to 30 % (large ones) faster, and in the soak test the
//! server's heap stays flat with it, where glibc (even capped at 2 arenas) kept freed memory
//! and grew by ~7 MB a minute (docs/BENCHMARKS.md, "Feed parsing" and "Soak").

#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// `mi_option_purge_delay` in mimalloc.h (v2 and v3 alike); the Rust bindings name no constant
/// for it. Its default is 10 (milliseconds), which a test checks.
const PURGE_DELAY_OPTION: libmimalloc_sys::mi_option_t = 15;
/// How long freed memory stays with the process before it goes back to the OS. mimalloc's 10 ms
/// means a feed parsed every few milliseconds has its pages returned and faulted in again in
/// between: on large feeds 300,000 page faults and a quarter of the run in the kernel, against
/// 11,000 with a second (docs/BENCHMARKS.md, "Feed parsing"). Memory still goes back, a second
/// later.
const PURGE_DELAY_MS: std::ffi::c_long = 1_000;

/// Sets the allocator's options; call first thing in `main`.
pub fn configure() {
    // SAFETY: mi_option_set only stores a value in mimalloc's option table; called before any
    // thread is started, so it races with nothing (the bindings note it is not thread safe).
    unsafe { libmimalloc_sys::mi_option_set(PURGE_DELAY_OPTION, PURGE_DELAY_MS) }
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_option_index_is_mimallocs_purge_delay() {
        // SAFETY: reads one option value.
        let default = unsafe { libmimalloc_sys::mi_option_get(super::PURGE_DELAY_OPTION) };
        // Another test may already have configured it; either value identifies the option.
        assert!(
            default == 10 || default == super::PURGE_DELAY_MS,
            "option {} is not purge_delay (value {default})",
            super::PURGE_DELAY_OPTION
        );
    }
}
