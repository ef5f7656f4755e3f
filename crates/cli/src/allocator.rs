//! The process's memory allocator: mimalloc, tuned. Shared with the feed parsing benchmark
//! (`crates/feed/examples/bench_parse.rs` includes this file) so that its figures are the
//! binary's.
//!
//! mimalloc rather than glibc's malloc: parsing feeds allocates and frees many small strings and
//! maps, where it was 5 % (small feeds) to 30 % (large ones) faster, and in the soak test the
//! server's heap stays flat with it, where glibc (even capped at 2 arenas) kept freed memory
//! and grew by ~7 MB a minute (docs/BENCHMARKS.md, "Feed parsing" and "Soak").

use std::alloc::{GlobalAlloc, Layout};
use std::ffi::c_void;

use libmimalloc_sys as mi;

#[global_allocator]
static GLOBAL: Mimalloc = Mimalloc;

/// Every mimalloc block of 16 bytes or more starts on a 16-byte boundary, and smaller ones on an
/// 8-byte one (mimalloc's own invariant, asserted in its `alloc.c`), as C's `malloc` promises.
const PLAIN_ALIGN: usize = 16;

/// mimalloc through its plain entry points whenever the alignment asked for is one every block of
/// that size already has — the rule Rust's own `System` allocator follows for `malloc`. The
/// `mimalloc` crate calls the aligned entry points for everything, whose fast path gives up
/// whenever a page's free list is empty: 8 % of the instructions of parsing large feeds went to
/// allocation, of which the aligned detour was about a third (docs/BENCHMARKS.md, "Feed
/// parsing").
struct Mimalloc;

fn plain(size: usize, align: usize) -> bool {
    align <= PLAIN_ALIGN && align <= size
}

/// A mimalloc allocation function without and with an alignment argument.
type PlainFn = unsafe extern "C" fn(usize) -> *mut c_void;
type AlignedFn = unsafe extern "C" fn(usize, usize) -> *mut c_void;

/// A block for `layout` from `plain_fn` when [`plain`] allows, else from `aligned_fn`.
///
/// # Safety
/// `layout` has a non-zero size (as `GlobalAlloc::alloc` requires of its callers).
unsafe fn allocate(layout: Layout, plain_fn: PlainFn, aligned_fn: AlignedFn) -> *mut u8 {
    let (size, align) = (layout.size(), layout.align());
    // SAFETY: both functions take any size and a power-of-two alignment, which `Layout` is.
    unsafe {
        if plain(size, align) {
            plain_fn(size).cast()
        } else {
            aligned_fn(size, align).cast()
        }
    }
}

// SAFETY (all four): mimalloc returns blocks of at least the size asked for, aligned as
// `plain` requires or as asked, or null on failure; `dealloc` and `realloc` get only pointers
// this allocator returned, with their layout.
unsafe impl GlobalAlloc for Mimalloc {
    #[inline]
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        // SAFETY: see the impl.
        unsafe { allocate(layout, mi::mi_malloc, mi::mi_malloc_aligned) }
    }

    #[inline]
    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        // SAFETY: see the impl.
        unsafe { allocate(layout, mi::mi_zalloc, mi::mi_zalloc_aligned) }
    }

    #[inline]
    unsafe fn dealloc(&self, ptr: *mut u8, _layout: Layout) {
        // SAFETY: see the impl.
        unsafe { mi::mi_free(ptr.cast::<c_void>()) }
    }

    #[inline]
    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        let align = layout.align();
        // SAFETY: see the impl.
        unsafe {
            if plain(new_size, align) {
                mi::mi_realloc(ptr.cast(), new_size).cast()
            } else {
                mi::mi_realloc_aligned(ptr.cast(), new_size, align).cast()
            }
        }
    }
}

/// `mi_option_purge_delay` in mimalloc.h (v2 and v3 alike); the Rust bindings name no constant
/// for it. Its default is 10 (milliseconds) in v2 and 1,000 in v3, the version built here; a
/// test checks that the index reads one of them.
const PURGE_DELAY_OPTION: libmimalloc_sys::mi_option_t = 15;
/// How long freed memory stays with the process before it goes back to the OS. v2's 10 ms
/// meant a feed parsed every few milliseconds had its pages returned and faulted in again in
/// between: on large feeds 300,000 page faults and a quarter of the run in the kernel, against
/// 11,000 with a second (v3's default). A purge returns whatever is free when it comes due, so
/// a second still returned the pages of a parse that had just ended, once a second: in 3 s of
/// parsing large feeds 6,000–8,700 faults and 0.05–0.17 s in the kernel, against 356 faults and
/// 0.03–0.07 s with ten seconds (docs/BENCHMARKS.md, "Feed parsing"; the wall time per pass did
/// not move beyond the machine's noise). Memory still goes back, ten seconds later.
const PURGE_DELAY_MS: std::ffi::c_long = 10_000;

/// Sets the allocator's options; call first thing in `main`.
pub fn configure() {
    // SAFETY: mi_option_set only stores a value in mimalloc's option table; called before any
    // thread is started, so it races with nothing (the bindings note it is not thread safe).
    unsafe { libmimalloc_sys::mi_option_set(PURGE_DELAY_OPTION, PURGE_DELAY_MS) }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn blocks_are_aligned_as_asked_and_keep_their_bytes_when_grown() {
        for align in [1, 2, 4, 8, 16, 32, 64, 4096] {
            for size in [1, 7, 8, 15, 16, 24, 40, 48, 100, 1000, 70_000] {
                let size = size.max(align);
                let Ok(layout) = Layout::from_size_align(size, align) else {
                    continue;
                };
                // SAFETY: a non-zero layout; each block is written within its size and freed
                // once, through this allocator.
                unsafe {
                    let p = GLOBAL.alloc(layout);
                    assert!(
                        !p.is_null() && (p as usize).is_multiple_of(align),
                        "{size} at {align}"
                    );
                    p.write_bytes(0xab, size);
                    let q = GLOBAL.realloc(p, layout, size * 3);
                    assert!(
                        !q.is_null() && (q as usize).is_multiple_of(align),
                        "{size}×3 at {align}"
                    );
                    assert!((0..size).all(|i| *q.add(i) == 0xab), "{size} at {align}");
                    GLOBAL.dealloc(q, Layout::from_size_align_unchecked(size * 3, align));
                    let z = GLOBAL.alloc_zeroed(layout);
                    assert!(
                        !z.is_null() && (z as usize).is_multiple_of(align),
                        "zeroed {size} at {align}"
                    );
                    assert!(
                        (0..size).all(|i| *z.add(i) == 0),
                        "zeroed {size} at {align}"
                    );
                    GLOBAL.dealloc(z, layout);
                }
            }
        }
    }

    #[test]
    fn the_option_index_is_mimallocs_purge_delay() {
        // SAFETY: reads one option value.
        let default = unsafe { libmimalloc_sys::mi_option_get(super::PURGE_DELAY_OPTION) };
        // v2's default, v3's, or ours when another test already configured it.
        assert!(
            [10, 1_000, super::PURGE_DELAY_MS].contains(&default),
            "option {} is not purge_delay (value {default})",
            super::PURGE_DELAY_OPTION
        );
    }
}
