//! The `{code, msg, ts, data}` envelope every FLVX answer comes in, with HTTP 200 for
//! errors too (panel behaviour §1.3-§1.5): success is decided by `code` alone.

use crate::Error;
use serde::Deserialize;
use serde::de::DeserializeOwned;
use serde_json::value::RawValue;

/// Envelope codes with a meaning of their own.
pub(crate) const CODE_OK: i64 = 0;
pub(crate) const CODE_UNAUTHORIZED: i64 = 401;
pub(crate) const CODE_FORBIDDEN: i64 = 403;
/// The commercial edition's "licence inactive" (HTTP 451's number, in the body).
pub(crate) const CODE_LICENCE_INACTIVE: i64 = 451;

/// Longest body excerpt kept in an error.
const SNIPPET_CHARS: usize = 200;

#[derive(Deserialize)]
pub(crate) struct Envelope {
    pub(crate) code: i64,
    #[serde(default)]
    pub(crate) msg: String,
    #[serde(default)]
    data: Option<Box<RawValue>>,
}

impl Envelope {
    /// Parses a response body; anything that is not an envelope (an HTML 502 from a proxy,
    /// Go's plain-text 404) becomes [`Error::UnexpectedResponse`].
    pub(crate) fn parse(path: &'static str, status: u16, body: &[u8]) -> crate::Result<Self> {
        serde_json::from_slice(body).map_err(|_| Error::UnexpectedResponse {
            path,
            status,
            snippet: snippet(body),
        })
    }

    /// The error this envelope stands for, if its code is not success.
    pub(crate) fn into_result(self, path: &'static str) -> crate::Result<Self> {
        match self.code {
            CODE_OK => Ok(self),
            CODE_UNAUTHORIZED => Err(Error::Unauthorized {
                path,
                msg: self.msg,
            }),
            // 3.0's SSRF filter answers 403 on forward writes, which any user may call.
            CODE_FORBIDDEN if is_forward_write(path) => Err(Error::TargetRefused {
                path,
                msg: self.msg,
            }),
            CODE_FORBIDDEN => Err(Error::Forbidden {
                path,
                msg: self.msg,
            }),
            CODE_LICENCE_INACTIVE => Err(Error::LicenceInactive {
                path,
                msg: self.msg,
            }),
            code => Err(Error::Api {
                path,
                code,
                msg: self.msg,
            }),
        }
    }

    /// Decodes `data`, naming the JSON path of any mismatch. An absent `data` reads as null.
    pub(crate) fn data<T: DeserializeOwned>(&self, path: &'static str) -> crate::Result<T> {
        let raw = self.data.as_deref().map_or("null", RawValue::get);
        let mut de = serde_json::Deserializer::from_str(raw);
        serde_path_to_error::deserialize(&mut de).map_err(|e| Error::Decode {
            path,
            json_path: e.path().to_string(),
            message: e.inner().to_string(),
        })
    }
}

fn is_forward_write(path: &str) -> bool {
    path == crate::endpoints::FORWARD_CREATE.path || path == crate::endpoints::FORWARD_UPDATE.path
}

/// The first characters of a body, lossily decoded, for error messages.
fn snippet(body: &[u8]) -> String {
    String::from_utf8_lossy(body)
        .chars()
        .take(SNIPPET_CHARS)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    const PATH: &str = "/api/v1/test";

    #[test]
    fn html_bodies_are_unexpected_responses_with_a_snippet() {
        let body = b"<html><head><title>502 Bad Gateway</title></head></html>";
        let err = Envelope::parse(PATH, 502, body).err().unwrap();
        assert!(
            matches!(err, Error::UnexpectedResponse { status: 502, ref snippet, .. } if snippet.contains("502 Bad Gateway"))
        );
        assert!(err.is_retryable());
    }

    #[test]
    fn codes_map_to_errors() {
        let env = Envelope::parse(
            PATH,
            200,
            r#"{"code":-1,"msg":"用户名已存在","ts":1}"#.as_bytes(),
        )
        .unwrap();
        let err = env.into_result(PATH).err().unwrap();
        assert_eq!(err.code(), Some(-1));
        assert_eq!(err.panel_message(), Some("用户名已存在"));
        let env = Envelope::parse(PATH, 200, br#"{"code":403,"msg":"x","ts":1}"#).unwrap();
        assert!(matches!(
            env.into_result(PATH),
            Err(Error::Forbidden { .. })
        ));
    }

    #[test]
    fn decode_errors_name_the_path() {
        let env = Envelope::parse(
            PATH,
            200,
            br#"{"code":0,"msg":"ok","data":[{"a":1},{"a":"x"}]}"#,
        )
        .unwrap();
        #[derive(Deserialize, Debug)]
        struct Item {
            #[allow(dead_code)]
            a: i64,
        }
        let err = env.data::<Vec<Item>>(PATH).unwrap_err();
        assert!(
            matches!(err, Error::Decode { ref json_path, .. } if json_path == "[1].a"),
            "{err}"
        );
    }

    #[test]
    fn absent_data_reads_as_null() {
        let env = Envelope::parse(PATH, 200, br#"{"code":0,"msg":"ok","ts":1}"#).unwrap();
        env.data::<()>(PATH).unwrap();
        assert!(env.data::<Vec<i64>>(PATH).is_err());
    }
}
