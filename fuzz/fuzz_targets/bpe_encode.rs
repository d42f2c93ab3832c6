//! Fuzz target `bpe_encode`: see the matching `fuzz_support::check_*` for the properties.
#![no_main]

use std::path::PathBuf;
use std::sync::LazyLock;

use libfuzzer_sys::fuzz_target;

/// One scratch directory per fuzzing process, reused by every input.
static SCRATCH: LazyLock<PathBuf> = LazyLock::new(fuzz_support::scratch_dir);

fuzz_target!(|data: &[u8]| fuzz_support::check_bpe(data, &SCRATCH));
