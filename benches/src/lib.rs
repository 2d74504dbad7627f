//! Criterion benchmarks of tcps live in `benches/`; this library is
//! empty.
