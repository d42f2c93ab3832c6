//! Fuzz target `wordpiece_encode`: see `fuzz_support::check_wordpiece` for the properties.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| fuzz_support::check_wordpiece(data));
