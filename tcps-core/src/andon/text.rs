//! Ids as text without the formatting machinery: receipts name several
//! ids each, and `Display` costs more than the rest of building them.

use crate::id::{AnalysisId, AndonId, SkuId, WorkOrderId};

use super::model::Subject;

/// The text form of an id, `PREFIX-` and at least six digits, exactly as
/// its `Display` writes it.
pub(crate) trait IdText {
    /// The id as text.
    fn text(&self) -> String;
}

fn id_text(prefix: &str, n: u64) -> String {
    let mut digits = [b'0'; 20];
    let mut at = digits.len();
    let mut rest = n;
    while rest > 0 {
        at -= 1;
        digits[at] = b'0' + (rest % 10) as u8;
        rest /= 10;
    }
    let start = at.min(digits.len() - 6);
    let mut out = String::with_capacity(prefix.len() + 1 + digits.len() - start);
    out.push_str(prefix);
    out.push('-');
    // Only ASCII digits were written.
    out.extend(digits[start..].iter().map(|d| char::from(*d)));
    out
}

macro_rules! id_text_impl {
    ($($t:ty),+) => {$(
        impl IdText for $t {
            fn text(&self) -> String {
                id_text(<$t>::PREFIX, self.0)
            }
        }
    )+};
}

id_text_impl!(AndonId, AnalysisId, SkuId, WorkOrderId);

impl IdText for Subject {
    fn text(&self) -> String {
        match self {
            Self::Sku(id) => id.text(),
            Self::WorkOrder(id) => id.text(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn id_text_matches_display() {
        for n in [1, 9, 10, 999_999, 1_000_000, 1_234_567_890, u64::MAX] {
            assert_eq!(AndonId(n).text(), AndonId(n).to_string());
            assert_eq!(SkuId(n).text(), SkuId(n).to_string());
        }
        assert_eq!(AnalysisId(0).text(), "RCA-000000");
    }
}
