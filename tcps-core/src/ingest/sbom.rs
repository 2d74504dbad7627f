//! CycloneDX and SPDX SBOMs in JSON (quality.md 8.14).

use std::collections::{BTreeMap, HashSet};

use serde::{Deserialize, Serialize};

use super::fail::{Ctx, Kind};
use super::json::{Value, parse_document};
use super::summary::{Source, add, bump};
use super::text::{bom_len, is_blank};
use super::{Format, Input, Limits};
use crate::Result;

/// The SBOM standard of a document.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SbomFormat {
    /// CycloneDX JSON.
    Cyclonedx,
    /// SPDX JSON.
    Spdx,
}

/// What the release gate reads of an SBOM.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SbomSummary {
    /// CycloneDX or SPDX.
    pub format: SbomFormat,
    /// `specVersion` or `spdxVersion`; `""` when missing.
    pub spec_version: String,
    /// Components (CycloneDX) or packages the document does not describe
    /// (SPDX).
    pub components: u64,
    /// Licence text → number of components, sorted by text.
    pub licences: BTreeMap<String, u64>,
    /// Components without a licence.
    pub unknown_licence: u64,
    /// Length of CycloneDX `vulnerabilities`; 0 for SPDX.
    pub vulnerabilities: u64,
    /// The input.
    pub sources: Vec<Source>,
}

/// Reads one SBOM.
///
/// Choices beyond quality.md 8.14: a document that is not a JSON object
/// is `ingest_wrong_format`; non-object entries of `components` and
/// `packages` are passed over, as are `components`, `licenses` and
/// `vulnerabilities` members that are not arrays.
pub fn sbom(input: Input<'_>, limits: &Limits) -> Result<SbomSummary> {
    let ctx = Ctx::new(Format::Sbom, input);
    ctx.check_size(limits)?;
    let base = bom_len(input.bytes);
    let body = &input.bytes[base..];
    if is_blank(body) {
        return Err(ctx.empty());
    }
    if let Some(at) = body
        .iter()
        .position(|b| !b.is_ascii_whitespace())
        .filter(|&at| body[at] == b'<')
    {
        return Err(ctx.at(
            Kind::Unsupported,
            base + at,
            "unsupported",
            "xml sbom (only json is read)",
        ));
    }

    let doc = parse_document(&ctx, limits)?;
    if !doc.is_object() {
        return Err(ctx.wrong_format_path("$", doc.type_name()));
    }
    let mut summary = if doc.str_at("bomFormat") == Some("CycloneDX") {
        cyclonedx(&doc)
    } else if let Some(version) = doc.str_at("spdxVersion").filter(|v| v.starts_with("SPDX-")) {
        spdx(&doc, version)
    } else {
        return Err(ctx.wrong_format_path("$", "no bomFormat CycloneDX or spdxVersion"));
    };
    summary.sources.push(Source::of(Format::Sbom, input));
    Ok(summary)
}

fn empty(format: SbomFormat, spec_version: &str) -> SbomSummary {
    SbomSummary {
        format,
        spec_version: spec_version.to_owned(),
        components: 0,
        licences: BTreeMap::new(),
        unknown_licence: 0,
        vulnerabilities: 0,
        sources: Vec::new(),
    }
}

fn count(summary: &mut SbomSummary, licence: Option<String>) {
    bump(&mut summary.components);
    match licence {
        Some(text) => {
            let slot = summary.licences.entry(text).or_insert(0);
            *slot = add(*slot, 1);
        }
        None => bump(&mut summary.unknown_licence),
    }
}

fn cyclonedx(doc: &Value<'_>) -> SbomSummary {
    let mut summary = empty(
        SbomFormat::Cyclonedx,
        doc.str_at("specVersion").unwrap_or(""),
    );
    let mut pending: Vec<&Value<'_>> = vec![doc];
    while let Some(holder) = pending.pop() {
        let components = holder
            .get("components")
            .and_then(Value::as_array)
            .unwrap_or_default();
        // Reversed so that components are met in document order.
        for component in components.iter().rev().filter(|c| c.is_object()) {
            pending.push(component);
        }
        for component in components.iter().filter(|c| c.is_object()) {
            count(&mut summary, cyclonedx_licence(component));
        }
    }
    summary.vulnerabilities = doc
        .get("vulnerabilities")
        .and_then(Value::as_array)
        .map_or(0, |v| v.len() as u64);
    summary
}

fn cyclonedx_licence(component: &Value<'_>) -> Option<String> {
    let texts: Vec<&str> = component
        .get("licenses")
        .and_then(Value::as_array)
        .unwrap_or_default()
        .iter()
        .filter_map(|entry| {
            entry.str_at("expression").or_else(|| {
                let licence = entry.get("license")?;
                licence.str_at("id").or_else(|| licence.str_at("name"))
            })
        })
        .collect();
    (!texts.is_empty()).then(|| texts.join(" AND "))
}

fn spdx(doc: &Value<'_>, version: &str) -> SbomSummary {
    let mut summary = empty(SbomFormat::Spdx, version);
    let mut described: HashSet<&str> = doc
        .get("documentDescribes")
        .and_then(Value::as_array)
        .unwrap_or_default()
        .iter()
        .filter_map(Value::as_str)
        .collect();
    if let Some(document) = doc.str_at("SPDXID") {
        for relationship in doc
            .get("relationships")
            .and_then(Value::as_array)
            .unwrap_or_default()
        {
            if relationship.str_at("relationshipType") == Some("DESCRIBES")
                && relationship.str_at("spdxElementId") == Some(document)
            {
                described.extend(relationship.str_at("relatedSpdxElement"));
            }
        }
    }
    for package in doc
        .get("packages")
        .and_then(Value::as_array)
        .unwrap_or_default()
    {
        if !package.is_object()
            || package
                .str_at("SPDXID")
                .is_some_and(|id| described.contains(id))
        {
            continue;
        }
        let licence = known(package.str_at("licenseConcluded"))
            .or_else(|| known(package.str_at("licenseDeclared")));
        count(&mut summary, licence.map(str::to_owned));
    }
    summary
}

/// An SPDX licence field that names a licence (not `NOASSERTION`, `NONE`).
fn known(value: Option<&str>) -> Option<&str> {
    value.filter(|text| !matches!(*text, "NOASSERTION" | "NONE"))
}
