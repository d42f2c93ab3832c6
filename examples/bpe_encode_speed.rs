//! The BPE core's own encoding speed, with no Python anywhere: `bench/bpe.py` runs it
//! beside `BPE.encode_batch` so the cost of handing results to Python is measured in the
//! same run.
//!
//!     cargo run --release --example bpe_encode_speed -- MODEL_DIR CORPUS BATCH_LINES THREADS
//!
//! Loads `MODEL_DIR/vocab.json` + `merges.txt` (unk token `<unk>`, suffix `</w>`), cuts
//! the corpus into batches of `BATCH_LINES` lines (split on `\n`, as the benchmark does),
//! encodes every batch with `encode_batch_flat_until` on a pool of `THREADS` threads, and
//! prints `{"seconds": S, "ids": N}`: the wall time of the encoding alone (the model and
//! the text are loaded first) and the number of ids.

use std::path::Path;
use std::sync::atomic::AtomicBool;
use std::time::Instant;

use subword::bpe::encode::{BpeModel, BpeOptions};

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let [model, corpus, batch_lines, threads] = args.as_slice() else {
        eprintln!("usage: bpe_encode_speed MODEL_DIR CORPUS BATCH_LINES THREADS");
        std::process::exit(2);
    };
    let batch_lines: usize = batch_lines.parse().expect("BATCH_LINES is a number");
    let threads: usize = threads.parse().expect("THREADS is a number");
    let never = AtomicBool::new(false);
    let model = Path::new(model);
    let model = BpeModel::from_files(
        &model.join("vocab.json"),
        &model.join("merges.txt"),
        BpeOptions::default(),
        &never,
    )
    .expect("a model directory with vocab.json and merges.txt");
    let text = std::fs::read_to_string(corpus).expect("a UTF-8 corpus");
    let lines: Vec<&str> = text.split('\n').collect();
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(threads)
        .build()
        .expect("a thread pool");
    let (seconds, ids) = pool.install(|| {
        let start = Instant::now();
        let mut ids = 0;
        for batch in lines.chunks(batch_lines.max(1)) {
            ids += model
                .encode_batch_flat_until(batch, &never)
                .expect("encoding")
                .values
                .len();
        }
        (start.elapsed().as_secs_f64(), ids)
    });
    println!("{{\"seconds\": {seconds}, \"ids\": {ids}}}");
}
