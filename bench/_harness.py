"""A small benchmark harness: every run in a fresh process, median time, peak memory.

    m = measure("bpe:train_ours", threads=2, repeat=3, file="en-10m.txt", vocab=8000)
    print(markdown_table([Row({"vocab": "8000"}, "subword", m)], ours="subword"))

A target is either ``"module:function"`` (a module next to this file; the function gets
``threads=`` plus the keyword arguments and returns a JSON-able value; if that value is a
dict with ``"seconds"``, that inner time is reported instead of the whole call, so loading
data or models can stay untimed), such a function run by another interpreter
(:class:`InPython`: one whose virtualenv holds an older build of subword, for "before"
rows), or a command line (a list of str, timed as a whole).

Peak memory. Each run goes parent -> wrapper -> worker: the wrapper is a fresh, small
Python that starts the worker, waits for it and reads ``getrusage(RUSAGE_CHILDREN)``:
the kernel's own high-water mark of the worker (and of any process the worker waited
for), exact to the page. psutil polling is the fragile choice: it misses peaks shorter
than its interval and steals CPU from the run on a small machine. The wrapper is needed
because Linux carries the RSS high-water mark of the process that spawns a child into
the child's ``ru_maxrss`` (exec records the old address space's peak; with vfork that is
the spawner's), so spawning the worker straight from this parent, which may have grown,
would report at least the parent's peak. The wrapper's own peak (~10 MB) is below any
worker's. ``baseline()`` measures an empty worker (interpreter + harness) for reference.

Threads: each run gets ``RAYON_NUM_THREADS``, ``OMP_NUM_THREADS`` (and the BLAS ones) set
to the thread count, and the function receives ``threads=`` to pass to libraries that take
an explicit argument.
"""

from __future__ import annotations

import datetime
import importlib
import importlib.metadata
import json
import os
import platform
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent


@dataclass(frozen=True)
class InPython:
    """The ``"module:function"`` ``target`` run by the interpreter ``python``.

    The worker imports this harness and the target's module from this folder, so the
    module must import only what that interpreter has; ``subword`` is whichever build its
    virtualenv holds (``bench/build_before`` makes one of an older commit).
    """

    python: str
    target: str


Target = str | list | InPython
THREAD_VARIABLES = ("RAYON_NUM_THREADS", "RAYON_RS_NUM_CPUS", "OMP_NUM_THREADS",
                    "MKL_NUM_THREADS", "OPENBLAS_NUM_THREADS")


@dataclass
class Measurement:
    """The runs of one target: wall seconds and peak RSS bytes per run, the last value."""

    seconds: list[float] = field(default_factory=list)
    peak_rss: list[int] = field(default_factory=list)
    cpu_seconds: list[float] = field(default_factory=list)
    process_seconds: list[float] = field(default_factory=list)
    value: Any = None

    @property
    def time(self) -> float:
        """Median wall time in seconds."""
        return statistics.median(self.seconds)

    @property
    def peak(self) -> int:
        """Largest peak RSS over the runs, in bytes."""
        return max(self.peak_rss)

    @property
    def cpu_ratio(self) -> float:
        """CPU time / wall time of the whole worker process (~ cores kept busy)."""
        return statistics.median(c / w for c, w in zip(self.cpu_seconds, self.process_seconds,
                                                            strict=True))


def all_cores() -> int:
    """The number of CPUs this process may run on."""
    return len(os.sched_getaffinity(0))


def int_list(text: str) -> list[int]:
    """``"1,all"`` -> ``[1, all_cores()]``: the comma-separated counts of an option."""
    return [all_cores() if t == "all" else int(t) for t in text.split(",")]


def add_threads_option(parser: Any) -> None:
    """Adds ``--threads`` (thread counts to measure, ``all`` = every core) to ``parser``."""
    parser.add_argument("--threads", default=f"1,{all_cores()}",
                        help="thread counts, 'all' = every core (default: 1,all)")


def log(message: str) -> None:
    """A progress line on stderr (stdout carries the Markdown section)."""
    print(message, file=sys.stderr, flush=True)


def emit(section: str, out: str | Path | None) -> None:
    """Prints a Markdown section (stdout) and, given ``--out``, writes it to that file."""
    print(section)
    if out:
        Path(out).write_text(section.rstrip("\n") + "\n", encoding="utf-8")


def mismatches(ours: list[Any], theirs: list[Any]) -> list[int]:
    """Indices where two tools' outputs differ (both lists must be as long)."""
    return [i for i, (a, b) in enumerate(zip(ours, theirs, strict=True)) if a != b]


def thread_env(threads: int) -> dict[str, str]:
    """The environment for a run limited to ``threads`` threads."""
    env = dict(os.environ, TOKENIZERS_PARALLELISM="true")
    env.update({name: str(threads) for name in THREAD_VARIABLES})
    return env


def measure(target: Target, *, threads: int, repeat: int = 3, **kwargs: Any) -> Measurement:
    """Runs ``target`` ``repeat`` times, each in a fresh process with ``threads`` threads."""
    result = Measurement()
    with tempfile.TemporaryDirectory(prefix="bench-") as tmp:
        for _ in range(repeat):
            _run_once(target, threads, kwargs, Path(tmp), result)
    return result


def measure_interleaved(target: Target, *, thread_counts: list[int], repeat: int,
                        **kwargs: Any) -> dict[int, Measurement]:
    """``target`` at each thread count, ``repeat`` rounds of one run per count.

    The rounds of :func:`measure_rounds`, one run per thread count; each round gives one
    paired ratio (see :func:`scaling_report`).
    """
    runs = {threads: (target, threads, kwargs) for threads in thread_counts}
    return measure_rounds(runs, repeat=repeat)


def measure_rounds(runs: dict[Any, tuple[Target, int, dict[str, Any]]], *,
                   repeat: int) -> dict[Any, Measurement]:
    """Each of ``runs`` (key -> target, threads, keyword arguments), ``repeat`` times.

    A round runs every one once, back to back, in an order that alternates from round to
    round; so this machine's drift (10-30% between minutes) falls on all of them alike, and
    two of them compared round by round give paired ratios (see :func:`paired_ratios`).
    Measuring each one's runs together, minutes apart, let the drift decide the sign of a
    10% gain.
    """
    results = {key: Measurement() for key in runs}
    keys = list(runs)
    with tempfile.TemporaryDirectory(prefix="bench-") as tmp:
        for round_ in range(repeat):
            for key in keys if round_ % 2 == 0 else keys[::-1]:
                target, threads, kwargs = runs[key]
                _run_once(target, threads, kwargs, Path(tmp), results[key])
    return results


def paired_ratios(anchor: Measurement, ours: Measurement) -> list[float]:
    """Round by round, ``anchor``'s time over ``ours``, sorted (two of the results of
    :func:`measure_rounds`; > 1 means ours was faster in that round)."""
    return sorted(a / o for a, o in zip(anchor.seconds, ours.seconds, strict=True))


def describe_ratios(ratios: list[float]) -> str:
    """``"1.23x (rounds 1.10-1.31x)"``: the median and range of :func:`paired_ratios`."""
    return f"{statistics.median(ratios):.2f}x (rounds {ratios[0]:.2f}-{ratios[-1]:.2f}x)"


def _run_once(target: Target, threads: int, kwargs: dict[str, Any], tmp: Path,
              result: Measurement) -> None:
    """One run of ``target`` in a fresh process; its figures appended to ``result``."""
    python, name = ((target.python, target.target) if isinstance(target, InPython)
                    else (sys.executable, target))
    spec = {"target": name, "python": python, "threads": threads, "kwargs": kwargs,
            "result": str(tmp / "result.json"), "log": str(tmp / "log.txt")}
    wrapper = subprocess.run(
        [sys.executable, str(Path(__file__).resolve()), "--wrap", json.dumps(spec)],
        env=thread_env(threads), stdout=subprocess.PIPE, text=True, check=False,
    )
    if wrapper.returncode != 0:
        log = Path(spec["log"])
        log = log.read_text(errors="replace")[-3000:] if log.exists() else ""
        raise RuntimeError(f"{target} failed (exit {wrapper.returncode}):\n{log}")
    run = json.loads(wrapper.stdout)
    result.seconds.append(run["seconds"])
    result.peak_rss.append(run["peak_rss"])
    result.cpu_seconds.append(run["cpu_seconds"])
    result.process_seconds.append(run["process_seconds"])
    result.value = run["value"]


def baseline() -> Measurement:
    """An empty worker: the interpreter and this harness, nothing else."""
    return measure("_harness:_nothing", threads=1, repeat=1)


def _nothing(threads: int) -> None:
    return None


def _wrap(spec: dict) -> None:
    """Runs the worker once and prints its time, CPU time and peak RSS as JSON."""
    target = spec["target"]
    argv = target if isinstance(target, list) else [spec["python"], __file__, "--work",
                                                    json.dumps(spec)]
    Path(spec["result"]).unlink(missing_ok=True)
    with open(spec["log"], "w") as log:
        start = time.perf_counter()
        code = subprocess.run(argv, stdout=log, stderr=subprocess.STDOUT, check=False).returncode
        wall = time.perf_counter() - start
    if code != 0:
        sys.exit(code)
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    run = {"seconds": wall, "value": None}
    if not isinstance(target, list):
        run = json.loads(Path(spec["result"]).read_text())
    run.update(peak_rss=usage.ru_maxrss * 1024,  # Linux reports KiB
               cpu_seconds=usage.ru_utime + usage.ru_stime, process_seconds=wall)
    print(json.dumps(run))


def _work(spec: dict) -> None:
    """Calls the target function and writes its time and value to the result file."""
    module, name = spec["target"].split(":")
    function = getattr(importlib.import_module(module), name)
    start = time.perf_counter()
    value = function(threads=spec["threads"], **spec["kwargs"])
    seconds = time.perf_counter() - start
    if isinstance(value, dict) and "seconds" in value:
        seconds = value.pop("seconds")
    Path(spec["result"]).write_text(json.dumps({"seconds": seconds, "value": value}))


# --- reporting ------------------------------------------------------------------------


@dataclass
class Row:
    """One table row: the comparison it belongs to, the tool, its measurement."""

    group: dict[str, str]  # the cells that identify a comparison, e.g. corpus, vocab, threads
    tool: str
    m: Measurement
    note: str = ""  # last column, e.g. the vocabulary size actually obtained
    nbytes: int = 0  # input size; when given, a MB/s column is added


def add_scaling_option(parser: Any) -> None:
    """Adds ``--scaling-rounds`` (the rounds of :func:`measure_interleaved`) to ``parser``."""
    parser.add_argument("--scaling-rounds", type=int, default=11,
                        help="interleaved rounds for subword's scaling (default: 11: 2 threads "
                             "against 1 is a gain of 5-20%% for calls with a large serial "
                             "part, within this machine's drift of 10-30%%)")


def scaling_report(runs: dict[str, dict[int, Measurement]], what: str) -> str:
    """subword's scaling as a section prints it: what was measured, then one line per
    ``what`` (a call, a stage) with each thread count's speed against the lowest count's.

    ``runs`` maps a name to :func:`measure_interleaved`'s result. A round's ratio is the
    lowest count's time over the other's in that round; a line gives the median ratio and
    the range over the rounds.
    """
    lines, rounds = [], 0
    for name, by_threads in runs.items():
        rounds = len(by_threads[min(by_threads)].seconds)
        lines.append(f"- `{name}`: {_against_fewest_threads(by_threads)}"
                     f" ({rounds} interleaved rounds)")
    return (f"subword's scaling, each {what} against its own 1-thread time, measured apart "
            f"from the\ntable in {rounds} rounds that run each thread count once, back to "
            "back (a\nround's ratio is its 1-thread time over its other time; the median and "
            "range of those):\n\n" + "\n".join(lines))


def thread_scaling_lines(rows: list[Row], tool: str) -> str:
    """``tool``'s scaling in a table measured by :func:`measure_rounds`: per group (the
    row's keys but ``threads``), its time at the lowest thread count over its time at
    each other count, paired round by round."""
    by_group: dict[tuple, dict[int, Measurement]] = {}
    for row in rows:
        if row.tool == tool:
            rest = tuple((k, v) for k, v in row.group.items() if k != "threads")
            by_group.setdefault(rest, {})[int(row.group["threads"])] = row.m
    lines = []
    for rest, by_threads in by_group.items():
        name = ", ".join(f"{key} {value}" for key, value in rest)
        lines.append(f"- {name}: {_against_fewest_threads(by_threads)}")
    return "\n".join(lines)


def _against_fewest_threads(by_threads: dict[int, Measurement]) -> str:
    """``"2 threads 1.23x (rounds 1.10-1.31x) the speed of 1 thread"``: each thread
    count's paired ratios against the lowest count of ``by_threads``."""
    counts = sorted(by_threads)
    parts = [f"{threads} threads "
             f"{describe_ratios(paired_ratios(by_threads[counts[0]], by_threads[threads]))}"
             for threads in counts[1:]]
    return ", ".join(parts) + f" the speed of {counts[0]} thread"


def _ratio(anchor: float, ours: float) -> str:
    return f"{anchor / ours:.2f}" if ours else "-"


def markdown_table(rows: list[Row], ours: str) -> str:
    """A Markdown table; ratios are anchor / ours (time and peak RSS), so >1 favours ours."""
    keys = list(rows[0].group)
    rate = any(row.nbytes for row in rows)
    head = [*keys, "tool", "time s", *(["MB/s"] if rate else []), "peak RSS MB",
            "CPU/wall", "time ratio", "memory ratio", "note"]
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    mine = {tuple(r.group.values()): r.m for r in rows if r.tool == ours}
    for row in rows:
        base = mine.get(tuple(row.group.values()))
        cells = [*row.group.values(), row.tool, f"{row.m.time:.2f}"]
        if rate:
            cells.append(f"{row.nbytes / 1e6 / row.m.time:.1f}" if row.nbytes else "")
        cells += [f"{row.m.peak / 2**20:.0f}", f"{row.m.cpu_ratio:.2f}",
                  _ratio(row.m.time, base.time) if base else "-",
                  _ratio(row.m.peak, base.peak) if base else "-", row.note]
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines)


def version(package: str) -> str:
    """The installed version of ``package`` (without importing it)."""
    try:
        return importlib.metadata.version(package)
    except importlib.metadata.PackageNotFoundError:
        return "not installed"


def cpu_model() -> str:
    """The CPU model name from /proc/cpuinfo."""
    for line in Path("/proc/cpuinfo").read_text().splitlines():
        if line.startswith("model name"):
            return line.split(":", 1)[1].strip()
    return platform.processor() or "unknown"


#: What a measurement depends on: the library, the benchmarks, the build. Not the results
#: they write, so that committing RESULTS.md does not make the next section look newer.
CODE_PATHS = ("rust", "python", "bench", "Cargo.toml", "Cargo.lock", "pyproject.toml",
              ":(exclude)bench/RESULTS.md", ":(exclude)bench/results.png",
              ":(exclude)bench/README.md")


def commit() -> str:
    """The last commit that changed the code measured (``CODE_PATHS``), ``-dirty`` when
    that code has uncommitted changes."""
    git = ["git", "-C", str(HERE.parent)]
    try:
        last = subprocess.run([*git, "log", "-1", "--format=%h", "--", *CODE_PATHS],
                              capture_output=True, text=True, check=True).stdout.strip()
        dirty = subprocess.run([*git, "status", "--porcelain", "--", *CODE_PATHS],
                               capture_output=True, text=True, check=True).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return "unknown (not a git checkout)"
    return last + ("-dirty" if dirty else "") if last else "unknown (no commit)"


def header(packages: list[str]) -> str:
    """Date, machine and library versions, as Markdown bullet lines."""
    memory = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    versions = ", ".join(f"{p} {version(p)}" for p in packages)
    return "\n".join([
        f"- date: {datetime.datetime.now().astimezone():%Y-%m-%d %H:%M %Z}",
        f"- code: {commit()}",
        f"- machine: {all_cores()} cores (nproc), {cpu_model()}, {memory:.0f} GiB RAM, "
        f"Linux {platform.release()}",
        f"- Python {platform.python_version()}; {versions}",
    ])


if __name__ == "__main__":
    mode, spec = sys.argv[1], json.loads(sys.argv[2])
    {"--wrap": _wrap, "--work": _work}[mode](spec)
