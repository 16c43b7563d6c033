//! Message catalogue IR: keys checked, texts kept verbatim (templates escape them).

use super::{IrError, check_identifier};
use flvx_provision::messages::Text;

/// One message in both languages.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MessageIr {
    /// Key (identifier).
    pub key: String,
    /// English.
    pub en: String,
    /// Chinese.
    pub zh: String,
}

pub(super) fn build(messages: &[(&str, Text)]) -> Result<Vec<MessageIr>, IrError> {
    let mut out: Vec<MessageIr> = Vec::with_capacity(messages.len());
    for (key, text) in messages {
        check_identifier("message key", key)?;
        if out.iter().any(|m| m.key == *key) {
            return Err(IrError(format!("message key {key:?} appears twice")));
        }
        out.push(MessageIr {
            key: (*key).to_owned(),
            en: text.en.to_owned(),
            zh: text.zh.to_owned(),
        });
    }
    Ok(out)
}
