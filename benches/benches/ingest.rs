//! Ingestion throughput and peak memory (quality.md 8; targets: JUnit and
//! SARIF at least 150 MB/s, LCOV at least 300 MB/s, peak memory below
//! three times the input).
//!
//! The inputs are generated here, about 50 MB each, and never committed.
//! Before criterion runs, each parser reads its input once under a
//! counting allocator, and the peak of heap bytes in use during that call
//! (over what was in use before it) is printed next to the input size.

use std::alloc::{GlobalAlloc, Layout, System};
use std::fmt::Write as _;
use std::hint::black_box;
use std::sync::atomic::{AtomicUsize, Ordering};

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use tcps_core::ingest::{self, Input, Limits};

/// The system allocator, counting the bytes in use and their peak.
struct Counting;

static IN_USE: AtomicUsize = AtomicUsize::new(0);
static PEAK: AtomicUsize = AtomicUsize::new(0);

// SAFETY: every call is forwarded unchanged to the system allocator; the
// counters are only read, never used to decide anything about memory.
#[allow(unsafe_code)]
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        // SAFETY: same contract as the caller's.
        let ptr = unsafe { System.alloc(layout) };
        if !ptr.is_null() {
            let now = IN_USE.fetch_add(layout.size(), Ordering::Relaxed) + layout.size();
            PEAK.fetch_max(now, Ordering::Relaxed);
        }
        ptr
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        // SAFETY: same contract as the caller's.
        unsafe { System.dealloc(ptr, layout) };
        IN_USE.fetch_sub(layout.size(), Ordering::Relaxed);
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        // SAFETY: same contract as the caller's.
        let new = unsafe { System.realloc(ptr, layout, new_size) };
        if !new.is_null() {
            IN_USE.fetch_sub(layout.size(), Ordering::Relaxed);
            let now = IN_USE.fetch_add(new_size, Ordering::Relaxed) + new_size;
            PEAK.fetch_max(now, Ordering::Relaxed);
        }
        new
    }
}

#[global_allocator]
static ALLOCATOR: Counting = Counting;

const TARGET_BYTES: usize = 50 * 1024 * 1024;

/// A JUnit report of about 50 MB: suites of 250 test cases, most passing
/// with captured output, some failing with a stack trace, some skipped.
fn junit_input() -> Vec<u8> {
    let mut out = String::with_capacity(TARGET_BYTES + 4096);
    out.push_str("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites name=\"bench\">\n");
    let mut case = 0u64;
    let mut suite = 0u64;
    while out.len() < TARGET_BYTES {
        let _ = writeln!(
            out,
            "  <testsuite name=\"pkg.Suite{suite}\" tests=\"250\" time=\"12.5\">"
        );
        for _ in 0..250 {
            let _ = write!(
                out,
                "    <testcase classname=\"pkg.Suite{suite}\" name=\"test_case_{case}\" time=\"0.{:03}\"",
                case % 1000
            );
            match case % 20 {
                0 => {
                    let _ = write!(
                        out,
                        "><failure message=\"expected &lt;1&gt; but was &lt;2&gt;\" type=\"AssertionError\">\
                         AssertionError: expected 1 but was 2\n\tat pkg.Suite{suite}.test_case_{case}(Suite.java:42)\n\
                         \tat java.base/jdk.internal.reflect.NativeMethodAccessorImpl.invoke0(Native Method)\n\
                         </failure></testcase>\n"
                    );
                }
                1 => out.push_str("><skipped message=\"not on this platform\"/></testcase>\n"),
                _ => {
                    let _ = write!(
                        out,
                        "><system-out><![CDATA[starting case {case}\nconnecting to fixture database\n\
                         rows inserted: 128, rows read: 128, elapsed 3 ms\nall checks passed for case {case}\n]]>\
                         </system-out></testcase>\n"
                    );
                }
            }
            case += 1;
        }
        out.push_str("  </testsuite>\n");
        suite += 1;
    }
    out.push_str("</testsuites>\n");
    out.into_bytes()
}

/// An LCOV tracefile of about 50 MB: files of 1 000 lines with branch and
/// function records.
fn lcov_input() -> Vec<u8> {
    let mut out = String::with_capacity(TARGET_BYTES + 65_536);
    let mut file = 0u64;
    while out.len() < TARGET_BYTES {
        let _ = writeln!(out, "TN:bench\nSF:src/module_{file}/source_file_{file}.c");
        for function in 0..20u64 {
            let _ = writeln!(out, "FN:{},function_{file}_{function}", function * 50 + 1);
            let _ = writeln!(out, "FNDA:{},function_{file}_{function}", function % 3);
        }
        let _ = writeln!(out, "FNF:20\nFNH:13");
        for line in 1..=1000u64 {
            let _ = writeln!(out, "DA:{line},{}", (line * 7 + file) % 5);
            if line % 10 == 0 {
                let _ = writeln!(out, "BRDA:{line},0,0,{}\nBRDA:{line},0,1,-", line % 3);
            }
        }
        let _ = writeln!(out, "BRF:200\nBRH:130\nLF:1000\nLH:800\nend_of_record");
        file += 1;
    }
    out.into_bytes()
}

/// A SARIF log of about 50 MB: one run, 200 rules, results with a
/// location, a message and fingerprints, pretty-printed as scanners do.
fn sarif_input() -> Vec<u8> {
    let mut out = String::with_capacity(TARGET_BYTES + 65_536);
    out.push_str("{\n  \"$schema\": \"https://json.schemastore.org/sarif-2.1.0.json\",\n  \"version\": \"2.1.0\",\n  \"runs\": [\n    {\n");
    out.push_str("      \"tool\": {\n        \"driver\": {\n          \"name\": \"BenchScanner\",\n          \"rules\": [\n");
    for rule in 0..200 {
        let level = ["error", "warning", "note"][rule % 3];
        let comma = if rule == 199 { "" } else { "," };
        let _ = writeln!(
            out,
            "            {{ \"id\": \"BENCH{rule:04}\", \"name\": \"Rule{rule}\", \"shortDescription\": {{ \"text\": \"Rule number {rule}\" }}, \"defaultConfiguration\": {{ \"level\": \"{level}\" }} }}{comma}"
        );
    }
    out.push_str("          ]\n        }\n      },\n      \"results\": [\n");
    let mut result = 0u64;
    while out.len() < TARGET_BYTES {
        if result > 0 {
            out.push_str(",\n");
        }
        let rule = result % 200;
        let _ = write!(
            out,
            "        {{\n          \"ruleId\": \"BENCH{rule:04}\",\n          \"ruleIndex\": {rule},\n          \
             \"message\": {{ \"text\": \"Possible problem number {result} found in \\\"handler\\\" with tainted input\" }},\n          \
             \"locations\": [ {{ \"physicalLocation\": {{ \"artifactLocation\": {{ \"uri\": \"src/app/module_{}/file_{}.js\" }}, \
             \"region\": {{ \"startLine\": {}, \"startColumn\": 5, \"endLine\": {}, \"endColumn\": 40 }} }} }} ],\n          \
             \"partialFingerprints\": {{ \"primaryLocationLineHash\": \"{:016x}:1\" }}\n        }}",
            result % 97,
            result % 1013,
            result % 4000 + 1,
            result % 4000 + 3,
            result.wrapping_mul(0x9E37_79B9_7F4A_7C15)
        );
        result += 1;
    }
    out.push_str("\n      ]\n    }\n  ]\n}\n");
    out.into_bytes()
}

/// Heap bytes in use at the peak of `f` over those in use before it.
fn peak_during(f: impl FnOnce()) -> usize {
    let before = IN_USE.load(Ordering::Relaxed);
    PEAK.store(before, Ordering::Relaxed);
    f();
    PEAK.load(Ordering::Relaxed).saturating_sub(before)
}

fn report_memory(name: &str, input: &[u8], parse: impl FnOnce()) {
    let extra = peak_during(parse);
    let mb = |bytes: usize| bytes as f64 / 1_048_576.0;
    eprintln!(
        "memory {name}: input {:.1} MB, peak extra heap {:.2} MB ({:.3}x input; {:.3}x with the input itself)",
        mb(input.len()),
        mb(extra),
        extra as f64 / input.len() as f64,
        (extra + input.len()) as f64 / input.len() as f64,
    );
}

/// Nanoseconds this thread has spent on a CPU (`/proc/thread-self/schedstat`),
/// so that throughput can be read off even on a machine shared with
/// other work; `None` where the file is missing.
fn thread_cpu_ns() -> Option<u64> {
    let text = std::fs::read_to_string("/proc/thread-self/schedstat").ok()?;
    text.split_whitespace().next()?.parse().ok()
}

/// Throughput over the CPU time of `runs` calls of `parse`.
fn report_cpu_throughput(name: &str, input: &[u8], runs: u32, mut parse: impl FnMut()) {
    let Some(start) = thread_cpu_ns() else {
        return;
    };
    for _ in 0..runs {
        parse();
    }
    let Some(end) = thread_cpu_ns() else {
        return;
    };
    let seconds = (end - start) as f64 / 1e9;
    let mb = input.len() as f64 * f64::from(runs) / 1_048_576.0;
    eprintln!(
        "cpu-time {name}: {:.0} MiB/s over {runs} runs ({:.1} ms of CPU per run)",
        mb / seconds,
        seconds * 1000.0 / f64::from(runs)
    );
}

fn ingest_benches(c: &mut Criterion) {
    let limits = Limits::default();
    let junit = junit_input();
    let lcov = lcov_input();
    let sarif = sarif_input();

    report_memory("junit", &junit, || {
        black_box(ingest::junit(Input::new("bench.xml", &junit), &limits).expect("junit"));
    });
    report_memory("lcov", &lcov, || {
        black_box(ingest::lcov(Input::new("bench.info", &lcov), &limits).expect("lcov"));
    });
    report_memory("sarif", &sarif, || {
        black_box(ingest::sarif(Input::new("bench.sarif", &sarif), &limits).expect("sarif"));
    });

    report_cpu_throughput("junit", &junit, 5, || {
        black_box(ingest::junit(Input::new("bench.xml", &junit), &limits).ok());
    });
    report_cpu_throughput("lcov", &lcov, 5, || {
        black_box(ingest::lcov(Input::new("bench.info", &lcov), &limits).ok());
    });
    report_cpu_throughput("sarif", &sarif, 5, || {
        black_box(ingest::sarif(Input::new("bench.sarif", &sarif), &limits).ok());
    });
    if std::env::var_os("TCPS_BENCH_CPU_ONLY").is_some() {
        return;
    }

    let mut group = c.benchmark_group("ingest");
    group.sample_size(10);
    group.throughput(Throughput::Bytes(junit.len() as u64));
    group.bench_function("junit_50mb", |b| {
        b.iter(|| ingest::junit(Input::new("bench.xml", black_box(&junit)), &limits));
    });
    group.throughput(Throughput::Bytes(lcov.len() as u64));
    group.bench_function("lcov_50mb", |b| {
        b.iter(|| ingest::lcov(Input::new("bench.info", black_box(&lcov)), &limits));
    });
    group.throughput(Throughput::Bytes(sarif.len() as u64));
    group.bench_function("sarif_50mb", |b| {
        b.iter(|| ingest::sarif(Input::new("bench.sarif", black_box(&sarif)), &limits));
    });
    group.finish();
}

criterion_group!(benches, ingest_benches);
criterion_main!(benches);
