//! Replays the committed seed corpora (and any crash artifacts kept for regression)
//! through the fuzz properties, so `cargo test` here checks them without libFuzzer.

use std::path::Path;

fn replay(target: &str, check: impl Fn(&[u8])) {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut count = 0;
    for dir in [
        root.join("corpus").join(target),
        root.join("regressions").join(target),
    ] {
        let Ok(entries) = std::fs::read_dir(&dir) else {
            continue;
        };
        for entry in entries {
            let path = entry.unwrap().path();
            check(&std::fs::read(&path).unwrap());
            count += 1;
        }
    }
    assert!(count > 0, "no seeds for {target}");
}

#[test]
fn wordpiece_encode_seeds() {
    replay("wordpiece_encode", fuzz_support::check_wordpiece);
}

#[test]
fn bpe_encode_seeds() {
    let scratch = tempdir("bpe");
    replay("bpe_encode", |data| fuzz_support::check_bpe(data, &scratch));
}

#[test]
fn train_seeds() {
    let scratch = tempdir("train");
    replay("train", |data| fuzz_support::check_train(data, &scratch));
}

#[test]
fn loaders_seeds() {
    let scratch = tempdir("loaders");
    replay("loaders", |data| {
        fuzz_support::check_loaders(data, &scratch)
    });
}

fn tempdir(name: &str) -> std::path::PathBuf {
    let dir =
        std::env::temp_dir().join(format!("subword-fuzz-replay-{name}-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    dir
}
