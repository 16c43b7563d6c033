//! Endpoint IR: the PHP client's method table.

use super::{IrError, check_identifier};
use flvx_api::endpoints::{AuthLevel, BodyKind, Endpoint};

/// One endpoint, ready to render.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EndpointIr {
    /// Table name (identifier), e.g. `user_create`.
    pub name: String,
    /// PHP method name, e.g. `userCreate`.
    pub method: String,
    /// Path.
    pub path: String,
    /// `POST` or `GET`.
    pub http_method: &'static str,
    /// `public`, `user` or `admin`.
    pub auth: &'static str,
    /// `strict`, `lenient` or `ignored`.
    pub body: &'static str,
    /// Allowed request keys.
    pub keys: Vec<String>,
    /// Whether a retry is safe.
    pub idempotent: bool,
}

pub(super) fn build(endpoints: &[Endpoint]) -> Result<Vec<EndpointIr>, IrError> {
    endpoints.iter().map(endpoint).collect()
}

fn endpoint(e: &Endpoint) -> Result<EndpointIr, IrError> {
    check_identifier("endpoint name", e.name)?;
    let path_ok = e.path.starts_with("/api/v1/")
        && e.path
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "/-_".contains(c));
    if !path_ok {
        return Err(IrError(format!(
            "endpoint path {:?} is not a plain /api/v1/ path",
            e.path
        )));
    }
    for key in e.keys {
        if !key.chars().all(|c| c.is_ascii_alphanumeric()) || key.is_empty() {
            return Err(IrError(format!(
                "request key {key:?} of {} is not alphanumeric",
                e.name
            )));
        }
    }
    Ok(EndpointIr {
        name: e.name.to_owned(),
        method: camel_case(e.name),
        path: e.path.to_owned(),
        http_method: e.method.as_str(),
        auth: match e.auth {
            AuthLevel::Public => "public",
            AuthLevel::User => "user",
            AuthLevel::Admin => "admin",
        },
        body: match e.body {
            BodyKind::Strict => "strict",
            BodyKind::Lenient => "lenient",
            BodyKind::Ignored => "ignored",
        },
        keys: e.keys.iter().map(|k| (*k).to_owned()).collect(),
        idempotent: e.idempotent,
    })
}

/// `user_create` -> `userCreate`.
fn camel_case(name: &str) -> String {
    let mut out = String::with_capacity(name.len());
    let mut upper = false;
    for c in name.chars() {
        if c == '_' {
            upper = true;
        } else if upper {
            out.push(c.to_ascii_uppercase());
            upper = false;
        } else {
            out.push(c);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    #[test]
    fn camel_case_joins_words() {
        assert_eq!(
            super::camel_case("forward_batch_pause"),
            "forwardBatchPause"
        );
        assert_eq!(super::camel_case("user_list"), "userList");
    }
}
