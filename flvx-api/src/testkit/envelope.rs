//! What a handler answers, and how it goes on the wire (panel behaviour §1.3–§1.5).
//!
//! Envelopes are `{"code","msg","ts","data"}` in that order (the Go struct's field order),
//! always HTTP 200, with `data` absent when there is none. Objects inside `data` have their
//! keys sorted, as Go sorts map keys. Every answer carries the panel's CORS headers.

use serde_json::{Map, Value};
use wiremock::ResponseTemplate;

/// The success message.
pub(crate) const OK_MSG: &str = "操作成功";

/// A handler's answer.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Reply {
    /// A `{code,msg,ts,data}` envelope.
    Envelope {
        code: i64,
        msg: String,
        data: Option<Value>,
    },
    /// A JSON object that is not an envelope (`captcha/verify`).
    Raw(Value),
    /// Go's plain-text `404 page not found`.
    NotFound,
    /// The CORS preflight answer (HTTP 204).
    NoContent,
}

impl Reply {
    /// Success without data (the `data` key is absent).
    pub(crate) fn ok() -> Reply {
        Reply::Envelope {
            code: 0,
            msg: OK_MSG.into(),
            data: None,
        }
    }

    /// Success with data.
    pub(crate) fn data(data: Value) -> Reply {
        Reply::Envelope {
            code: 0,
            msg: OK_MSG.into(),
            data: Some(data),
        }
    }

    /// An error envelope with an explicit code.
    pub(crate) fn err(code: i64, msg: impl Into<String>) -> Reply {
        Reply::Envelope {
            code,
            msg: msg.into(),
            data: None,
        }
    }

    /// A `-1` business error (`ErrDefault`).
    pub(crate) fn fail(msg: impl Into<String>) -> Reply {
        Reply::err(-1, msg)
    }

    /// The envelope code, if this is an envelope.
    pub(crate) fn code(&self) -> Option<i64> {
        match self {
            Reply::Envelope { code, .. } => Some(*code),
            _ => None,
        }
    }
}

/// A handler's result: both arms are answers, so `?` can return an error envelope early.
pub(crate) type Outcome = Result<Reply, Reply>;

/// A response ready for the wire.
#[derive(Debug, Clone)]
pub(crate) struct Wire {
    pub(crate) status: u16,
    pub(crate) content_type: &'static str,
    pub(crate) body: String,
}

const JSON: &str = "application/json; charset=utf-8";
const TEXT: &str = "text/plain; charset=utf-8";

/// Rebuilds objects with sorted keys, whatever `serde_json`'s map flavour.
pub(crate) fn sorted(value: Value) -> Value {
    match value {
        Value::Object(map) => {
            let mut entries: Vec<(String, Value)> = map.into_iter().collect();
            entries.sort_by(|a, b| a.0.cmp(&b.0));
            Value::Object(
                entries
                    .into_iter()
                    .map(|(k, v)| (k, sorted(v)))
                    .collect::<Map<_, _>>(),
            )
        }
        Value::Array(items) => Value::Array(items.into_iter().map(sorted).collect()),
        other => other,
    }
}

impl Reply {
    /// Serialises the answer; `ts` is `now_ms`.
    pub(crate) fn to_wire(&self, now_ms: i64) -> Wire {
        match self {
            Reply::Envelope { code, msg, data } => {
                let msg = Value::from(msg.as_str());
                let mut body = format!(r#"{{"code":{code},"msg":{msg},"ts":{now_ms}"#);
                if let Some(data) = data {
                    body.push_str(r#","data":"#);
                    body.push_str(&sorted(data.clone()).to_string());
                }
                body.push_str("}\n");
                Wire {
                    status: 200,
                    content_type: JSON,
                    body,
                }
            }
            Reply::Raw(value) => Wire {
                status: 200,
                content_type: JSON,
                body: format!("{}\n", sorted(value.clone())),
            },
            Reply::NotFound => Wire {
                status: 404,
                content_type: TEXT,
                body: "404 page not found\n".into(),
            },
            Reply::NoContent => Wire {
                status: 204,
                content_type: TEXT,
                body: String::new(),
            },
        }
    }
}

/// nginx's 502 page.
pub(crate) fn html_502() -> Wire {
    Wire {
        status: 502,
        content_type: "text/html",
        body: "<html>\r\n<head><title>502 Bad Gateway</title></head>\r\n<body>\r\n\
               <center><h1>502 Bad Gateway</h1></center>\r\n<hr><center>nginx</center>\r\n\
               </body>\r\n</html>\r\n"
            .into(),
    }
}

impl Wire {
    /// The first half of the body (at a character boundary), which is never valid JSON.
    pub(crate) fn truncated(mut self) -> Wire {
        let mut cut = (self.body.trim_end().len() / 2).max(1);
        while !self.body.is_char_boundary(cut) {
            cut -= 1;
        }
        self.body.truncate(cut);
        self
    }

    /// The body padded with white space to one byte past the clients' size cap.
    pub(crate) fn oversized(mut self) -> Wire {
        let limit = crate::endpoints::MAX_RESPONSE_BYTES;
        let padding = (limit + 1).saturating_sub(self.body.len());
        self.body.push_str(&" ".repeat(padding));
        self
    }

    /// The wiremock response, with the panel's CORS headers.
    pub(crate) fn into_template(self) -> ResponseTemplate {
        let template = ResponseTemplate::new(self.status)
            .insert_header("Access-Control-Allow-Origin", "*")
            .insert_header("Access-Control-Allow-Headers", "*")
            .insert_header(
                "Access-Control-Allow-Methods",
                "GET, POST, DELETE, PUT, OPTIONS",
            )
            .insert_header("Access-Control-Expose-Headers", "Authorization");
        if self.status == 204 {
            return template;
        }
        let template = template.set_body_raw(self.body.into_bytes(), self.content_type);
        if self.content_type == TEXT {
            template.insert_header("X-Content-Type-Options", "nosniff")
        } else {
            template
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn envelope_shape() {
        let wire = Reply::ok().to_wire(5);
        assert_eq!(wire.body, "{\"code\":0,\"msg\":\"操作成功\",\"ts\":5}\n");
        let wire = Reply::data(json!({"b": 1, "a": []})).to_wire(5);
        assert_eq!(
            wire.body,
            "{\"code\":0,\"msg\":\"操作成功\",\"ts\":5,\"data\":{\"a\":[],\"b\":1}}\n"
        );
        let cut = Reply::ok().to_wire(5).truncated();
        assert!(serde_json::from_str::<Value>(&cut.body).is_err());
    }
}
