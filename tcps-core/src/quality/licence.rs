//! SPDX licence expressions against the licence policy (quality.md 4.7).
//!
//! Operators are read in upper case (`AND`, `OR`, `WITH`) or, as SPDX
//! 2.3 also allows, in lower case; an identifier is any run of
//! characters other than white space and parentheses.

use super::config::LicencePolicy;

/// Whether a licence text names no licence at all: `NOASSERTION` or
/// `NONE` (ASCII case-insensitive, trimmed), or nothing.
#[must_use]
pub fn is_unknown_licence(text: &str) -> bool {
    let text = text.trim();
    text.is_empty() || text.eq_ignore_ascii_case("NOASSERTION") || text.eq_ignore_ascii_case("NONE")
}

impl LicencePolicy {
    /// Whether the licence text of one component is allowed: read as an
    /// SPDX expression (`OR` either side, `AND` both sides, `L WITH E`
    /// when `L` or the whole `L WITH E` is allowed, `L+` as `L`), or, when
    /// it does not parse, as one identifier.
    #[must_use]
    pub fn allows(&self, text: &str) -> bool {
        let tokens = tokenize(text);
        let mut parser = Parser {
            tokens: &tokens,
            at: 0,
            policy: self,
        };
        match parser.or_expr() {
            Some(allowed) if parser.at == tokens.len() => allowed,
            _ => self.allows_id(text.trim()),
        }
    }

    fn allows_id(&self, id: &str) -> bool {
        self.allowed
            .iter()
            .any(|a| a.trim().eq_ignore_ascii_case(id))
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Token<'a> {
    Open,
    Close,
    And,
    Or,
    With,
    Id(&'a str),
}

fn word(word: &str) -> Token<'_> {
    match word {
        "AND" | "and" => Token::And,
        "OR" | "or" => Token::Or,
        "WITH" | "with" => Token::With,
        _ => Token::Id(word),
    }
}

fn tokenize(text: &str) -> Vec<Token<'_>> {
    let mut tokens = Vec::new();
    let mut start: Option<usize> = None;
    for (i, c) in text.char_indices() {
        if c.is_whitespace() || c == '(' || c == ')' {
            if let Some(s) = start.take() {
                tokens.push(word(&text[s..i]));
            }
            if c == '(' {
                tokens.push(Token::Open);
            } else if c == ')' {
                tokens.push(Token::Close);
            }
        } else if start.is_none() {
            start = Some(i);
        }
    }
    if let Some(s) = start {
        tokens.push(word(&text[s..]));
    }
    tokens
}

/// Recursive descent with precedence `WITH` > `AND` > `OR`. Each method
/// returns whether its part is allowed, or `None` when it does not parse.
struct Parser<'t, 'a> {
    tokens: &'t [Token<'a>],
    at: usize,
    policy: &'t LicencePolicy,
}

impl<'a> Parser<'_, 'a> {
    fn peek(&self) -> Option<Token<'a>> {
        self.tokens.get(self.at).copied()
    }

    fn or_expr(&mut self) -> Option<bool> {
        let mut allowed = self.and_expr()?;
        while self.peek() == Some(Token::Or) {
            self.at += 1;
            allowed |= self.and_expr()?;
        }
        Some(allowed)
    }

    fn and_expr(&mut self) -> Option<bool> {
        let mut allowed = self.with_expr()?;
        while self.peek() == Some(Token::And) {
            self.at += 1;
            allowed &= self.with_expr()?;
        }
        Some(allowed)
    }

    fn with_expr(&mut self) -> Option<bool> {
        match self.peek()? {
            Token::Open => {
                self.at += 1;
                let allowed = self.or_expr()?;
                if self.peek() != Some(Token::Close) {
                    return None;
                }
                self.at += 1;
                Some(allowed)
            }
            Token::Id(id) => {
                self.at += 1;
                let licence = id.strip_suffix('+').filter(|l| !l.is_empty()).unwrap_or(id);
                if self.peek() != Some(Token::With) {
                    return Some(self.policy.allows_id(licence));
                }
                self.at += 1;
                let Some(Token::Id(exception)) = self.peek() else {
                    return None;
                };
                self.at += 1;
                let whole = format!("{id} WITH {exception}");
                Some(self.policy.allows_id(licence) || self.policy.allows_id(&whole))
            }
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_with_exception_may_be_allowed_as_a_whole() {
        let policy = LicencePolicy {
            allowed: vec!["GPL-2.0-only WITH Classpath-exception-2.0".into()],
            allow_unknown: false,
        };

        assert!(policy.allows("GPL-2.0-only WITH Classpath-exception-2.0"));
        assert!(!policy.allows("GPL-2.0-only"));
    }

    #[test]
    fn unbalanced_parentheses_make_the_text_one_identifier() {
        let policy = LicencePolicy::standard();

        assert!(!policy.allows("(MIT"));
        assert!(!policy.allows("MIT)"));
        assert!(!policy.allows("MIT WITH"));
    }
}
