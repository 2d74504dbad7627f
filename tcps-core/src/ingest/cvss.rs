//! CVSS base scores in tenths (quality.md 8.12).
//!
//! Version 3 vectors are scored with the 3.1 formula written out in
//! quality.md, in `f64` in exactly the order written there, which gives
//! the FIRST calculator's score for every base vector. Version 4.0
//! vectors are scored by the RustSec `cvss` crate (macro-vector table and
//! interpolation of the FIRST specification) over their base metrics.

use std::str::FromStr;

/// Score in tenths (0–100) of a `CVSS:3.0/…` or `CVSS:3.1/…` vector, or
/// `None` when a base metric is missing, repeated or unknown.
pub(crate) fn v3_tenths(vector: &str) -> Option<u32> {
    const NAMES: [&str; 8] = ["AV", "AC", "PR", "UI", "S", "C", "I", "A"];
    let body = vector
        .strip_prefix("CVSS:3.1/")
        .or_else(|| vector.strip_prefix("CVSS:3.0/"))?;
    let mut metrics: [Option<&str>; 8] = [None; 8];
    for part in body.split('/') {
        let (name, value) = part.split_once(':')?;
        if name.is_empty() || value.is_empty() {
            return None;
        }
        let slot = NAMES.iter().position(|known| *known == name);
        if slot.is_some_and(|slot| metrics[slot].replace(value).is_some()) {
            return None;
        }
    }
    let [av, ac, pr, ui, scope, conf, integ, avail] = metrics;

    let changed = match scope? {
        "U" => false,
        "C" => true,
        _ => return None,
    };
    let av = match av? {
        "N" => 0.85,
        "A" => 0.62,
        "L" => 0.55,
        "P" => 0.2,
        _ => return None,
    };
    let ac = match ac? {
        "L" => 0.77,
        "H" => 0.44,
        _ => return None,
    };
    let pr = match (pr?, changed) {
        ("N", _) => 0.85,
        ("L", false) => 0.62,
        ("L", true) => 0.68,
        ("H", false) => 0.27,
        ("H", true) => 0.5,
        _ => return None,
    };
    let ui = match ui? {
        "N" => 0.85,
        "R" => 0.62,
        _ => return None,
    };
    let cia = |value: Option<&str>| match value? {
        "H" => Some(0.56),
        "L" => Some(0.22),
        "N" => Some(0.0),
        _ => None,
    };
    let (conf, integ, avail): (f64, f64, f64) = (cia(conf)?, cia(integ)?, cia(avail)?);

    let iss = 1.0 - (1.0 - conf) * (1.0 - integ) * (1.0 - avail);
    let impact = if changed {
        let base = iss - 0.02;
        let mut power = base;
        for _ in 0..14 {
            power *= base;
        }
        7.52 * (iss - 0.029) - 3.25 * power
    } else {
        6.42 * iss
    };
    let exploitability = 8.22 * av * ac * pr * ui;
    if impact <= 0.0 {
        return Some(0);
    }
    let base = if changed {
        f64::min(1.08 * (impact + exploitability), 10.0)
    } else {
        f64::min(impact + exploitability, 10.0)
    };
    Some(roundup(base))
}

/// quality.md's Roundup, giving tenths.
fn roundup(x: f64) -> u32 {
    let n = (x * 100_000.0).round() as i64;
    let tenths = if n % 10_000 == 0 {
        n / 10_000
    } else {
        n / 10_000 + 1
    };
    tenths.clamp(0, 100) as u32
}

/// Base score in tenths of a `CVSS:4.0/…` vector, or `None` when the
/// crate cannot parse it. Threat and environmental metrics are dropped
/// first, so the score is the base score (CVSS-B).
pub(crate) fn v4_tenths(vector: &str) -> Option<u32> {
    const BASE: [&str; 11] = [
        "AV", "AC", "AT", "PR", "UI", "VC", "VI", "VA", "SC", "SI", "SA",
    ];
    if vector.len() > 512 {
        return None;
    }
    // The whole vector must be valid, whatever is dropped afterwards.
    cvss::v4::Vector::from_str(vector).ok()?;
    let body = vector.strip_prefix("CVSS:4.0/")?;
    let base: Vec<&str> = body
        .split('/')
        .filter(|part| {
            part.split_once(':')
                .is_some_and(|(name, _)| BASE.contains(&name))
        })
        .collect();
    let base_vector = format!("CVSS:4.0/{}", base.join("/"));
    let score = cvss::v4::Vector::from_str(&base_vector)
        .ok()?
        .score()
        .value();
    if !score.is_finite() {
        return None;
    }
    Some((score * 10.0).round().clamp(0.0, 100.0) as u32)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn v3_vectors_score_as_q77() {
        let cases = [
            ("CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H", 98),
            ("CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:N", 91),
            ("CVSS:3.1/AV:L/AC:H/PR:L/UI:N/S:U/C:H/I:N/A:N", 47),
            ("CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:N/I:L/A:N", 53),
            ("CVSS:3.1/AV:N/AC:L/PR:N/UI:R/S:C/C:L/I:L/A:N", 61),
            ("CVSS:3.1/AV:N/AC:L/PR:L/UI:N/S:C/C:H/I:H/A:H", 99),
            ("CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:C/C:H/I:H/A:H", 100),
            ("CVSS:3.1/AV:P/AC:H/PR:H/UI:R/S:U/C:L/I:N/A:N", 16),
            ("CVSS:3.1/AV:P/AC:H/PR:H/UI:R/S:U/C:N/I:N/A:N", 0),
            ("CVSS:3.0/AV:N/AC:H/PR:N/UI:N/S:U/C:H/I:H/A:H", 81),
        ];
        for (vector, tenths) in cases {
            assert_eq!(v3_tenths(vector), Some(tenths), "{vector}");
        }
        assert_eq!(
            v3_tenths("CVSS:3.1/AV:X/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H"),
            None
        );
        assert_eq!(v3_tenths("CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H"), None);
        assert_eq!(
            v3_tenths("CVSS:3.1/AV:N/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H"),
            None
        );
        assert_eq!(
            v3_tenths("CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H/E:P/RL:O"),
            Some(98)
        );
    }

    #[test]
    fn v4_vectors_score_as_q77() {
        let cases = [
            (
                "CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N",
                93,
            ),
            (
                "CVSS:4.0/AV:L/AC:L/AT:N/PR:L/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N",
                85,
            ),
            (
                "CVSS:4.0/AV:N/AC:L/AT:P/PR:N/UI:P/VC:L/VI:N/VA:N/SC:N/SI:N/SA:N",
                23,
            ),
            (
                "CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:N/VI:N/VA:N/SC:N/SI:N/SA:N",
                0,
            ),
        ];
        for (vector, tenths) in cases {
            assert_eq!(v4_tenths(vector), Some(tenths), "{vector}");
        }
        assert_eq!(v4_tenths("CVSS:4.0/AV:N"), None);
        assert_eq!(v4_tenths("garbage"), None);
    }
}
