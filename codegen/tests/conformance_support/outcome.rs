//! What a WHMCS action returned, reduced to what both runtimes must agree on: success,
//! nothing (functions that return no message), or a failure with its catalogue key.

use flvx_provision::messages::Msg;

/// The result of one WHMCS action.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    /// `'success'` (or a rendered client area).
    Success,
    /// Nothing to report: UsageUpdate, or ClientArea of a service in another status.
    Nothing,
    /// A message, with the catalogue key it was formatted from.
    Failure {
        /// The catalogue key, or `NOT_CATALOGUE`.
        key: String,
        /// The English message.
        message: String,
    },
}

/// The key of a failure whose message comes from no catalogue entry.
pub const NOT_CATALOGUE: &str = "(not a catalogue message)";

impl Outcome {
    /// A failure with the key its message was formatted from.
    pub fn failure(message: impl Into<String>) -> Outcome {
        let message = message.into();
        let key = key_of(&message).unwrap_or(NOT_CATALOGUE).to_owned();
        Outcome::Failure { key, message }
    }

    /// `success`, `nothing` or the catalogue key.
    pub fn label(&self) -> &str {
        match self {
            Outcome::Success => "success",
            Outcome::Nothing => "nothing",
            Outcome::Failure { key, .. } => key,
        }
    }
}

/// Why two outcomes differ, if they do: the same key, and for catalogue messages whose
/// arguments both runtimes compute alike, the same text. A panel error may word the SDK's
/// detail differently, but must name the same action.
pub fn compare(rust: &Outcome, php: &Outcome) -> Result<(), String> {
    match (rust, php) {
        (
            Outcome::Failure {
                key: a,
                message: ma,
            },
            Outcome::Failure {
                key: b,
                message: mb,
            },
        ) => {
            if a != b {
                return Err(format!("outcome: Rust {a} ({ma:?}) but PHP {b} ({mb:?})"));
            }
            let same = match a.as_str() {
                "panel_error" => panel_action(ma) == panel_action(mb),
                "store_failed" => true,
                _ => ma == mb,
            };
            if same {
                Ok(())
            } else {
                Err(format!("outcome {a}: Rust says {ma:?} but PHP says {mb:?}"))
            }
        }
        (a, b) if a == b => Ok(()),
        (a, b) => Err(format!("outcome: Rust {a:?} but PHP {b:?}")),
    }
}

/// The `{action}` of a panel_error message.
fn panel_action(message: &str) -> &str {
    let rest = message
        .strip_prefix("The FLVX panel refused ")
        .unwrap_or(message);
    rest.split(": ").next().unwrap_or(rest)
}

/// The catalogue key whose English template formats to `message`; the most specific one
/// (most literal text) when several match.
pub fn key_of(message: &str) -> Option<&'static str> {
    let mut best: Option<(usize, &'static str)> = None;
    for msg in Msg::ALL {
        let pieces = literal_pieces(msg.text().en);
        if !matches_pieces(&pieces, message) {
            continue;
        }
        let weight: usize = pieces.iter().map(String::len).sum();
        if best.is_none_or(|(w, _)| weight > w) {
            best = Some((weight, msg.key()));
        }
    }
    best.map(|(_, key)| key)
}

/// The literal text between the `{name}` placeholders of a template.
fn literal_pieces(template: &str) -> Vec<String> {
    let mut pieces = vec![String::new()];
    let mut rest = template;
    while let Some(open) = rest.find('{') {
        let after = &rest[open + 1..];
        let close = after.find('}');
        let name_ok = close.is_some_and(|c| {
            c > 0
                && after[..c]
                    .bytes()
                    .all(|b| b.is_ascii_lowercase() || b == b'_')
        });
        let last = pieces.last_mut().expect("never empty");
        if let (true, Some(close)) = (name_ok, close) {
            last.push_str(&rest[..open]);
            pieces.push(String::new());
            rest = &after[close + 1..];
        } else {
            last.push_str(&rest[..=open]);
            rest = after;
        }
    }
    pieces.last_mut().expect("never empty").push_str(rest);
    pieces
}

fn matches_pieces(pieces: &[String], text: &str) -> bool {
    let Some(rest) = text.strip_prefix(pieces[0].as_str()) else {
        return false;
    };
    if pieces.len() == 1 {
        return rest.is_empty();
    }
    after_placeholder(&pieces[1..], rest)
}

/// Whether `text` is "anything, then pieces[0], anything, then pieces[1], …".
fn after_placeholder(pieces: &[String], text: &str) -> bool {
    let piece = pieces[0].as_str();
    if pieces.len() == 1 {
        return text.ends_with(piece);
    }
    let mut start = 0;
    while let Some(i) = text[start..].find(piece) {
        let at = start + i;
        if after_placeholder(&pieces[1..], &text[at + piece.len()..]) {
            return true;
        }
        match text[at..].chars().next() {
            Some(c) => start = at + c.len_utf8(),
            None => break,
        }
    }
    false
}

#[cfg(test)]
mod tests {
    use super::*;
    use flvx_provision::messages::Lang;

    #[test]
    fn keys_are_recognised() {
        let text = Msg::ForwardLimit.format(Lang::En, &[("count", "3"), ("max", "3")]);
        assert_eq!(key_of(&text), Some("forward_limit"));
        let text = Msg::PanelError.format(
            Lang::En,
            &[("action", "renewing the account"), ("detail", "x: y")],
        );
        assert_eq!(key_of(&text), Some("panel_error"));
        assert_eq!(key_of("Unexpected error"), None);
    }
}
