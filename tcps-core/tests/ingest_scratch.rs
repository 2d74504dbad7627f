use tcps_core::ingest::{self, Input, Limits};
#[test]
fn dump() {
    let kind = std::env::var("KIND").unwrap();
    let mut entries: Vec<_> = std::fs::read_dir(format!("tests/data/{}", std::env::var("DIR").unwrap_or(kind.clone()))).unwrap().map(|e| e.unwrap().path()).collect();
    entries.sort();
    for p in entries {
        let bytes = std::fs::read(&p).unwrap();
        let name = p.file_name().unwrap().to_str().unwrap().to_owned();
        let input = Input::new(&name, &bytes);
        let l = Limits::default();
        let r: Result<String, _> = match kind.as_str() {
            "junit" => ingest::junit(input, &l).map(|s| { let mut s = s; s.sources.clear(); format!("{s:?}") }),
            "lcov" => ingest::lcov(input, &l).map(|s| { let mut s = s; s.sources.clear(); format!("{s:?}") }),
            "cobertura" => ingest::cobertura(input, &l).map(|s| { let mut s = s; s.sources.clear(); format!("{s:?}") }),
            "jacoco" => ingest::jacoco(input, &l).map(|s| { let mut s = s; s.sources.clear(); format!("{s:?}") }),
            "sarif" => ingest::sarif(input, &l).map(|s| { let mut s = s; s.sources.clear(); format!("{s:?}") }),
            "osv" => ingest::osv(input, &l).map(|s| format!("{:?}", s.into_iter().map(|mut x| {x.sources.clear(); x}).collect::<Vec<_>>())),
            "github" => ingest::github(input, &l).map(|s| format!("{:?}", s.into_iter().map(|mut x| {x.sources.clear(); x}).collect::<Vec<_>>())),
            "sbom" => ingest::sbom(input, &l).map(|s| { let mut s = s; s.sources.clear(); format!("{s:?}") }),
            "diagnostics" => ingest::rustc_json(input, &l).map(|s| { let mut s = s; s.sources.clear(); format!("{s:?}") }).and_then(|a| ingest::compiler_log(input, &l).map(|s| { let mut s = s; s.sources.clear(); format!("{a}\n  LOG {s:?}") })),
            "sniff" => Ok(format!("{:?}", ingest::sniff(input))),
            _ => panic!(),
        };
        match r { Ok(s) => println!("{name}\n  {s}"), Err(e) => println!("{name}\n  ERR {} {e} {:?}", e.name(), e) }
    }
}
