//! Request bodies decoded the way the panel's Go handlers decode them (panel behaviour §1.6).
//!
//! * Every body goes through `json.Decoder` with `DisallowUnknownFields`, which reads only
//!   the first JSON value (trailing bytes are never read) and fails with `io.EOF` on an
//!   empty body.
//! * Struct targets ([`strict`]) reject unknown keys (matched case-insensitively, as Go
//!   does), a string where an int is wanted, a fractional or exponent number for an int,
//!   and anything but an object or `null` at the top level. `null` leaves a field at zero.
//! * Map targets ([`lenient`]) accept any object (or `null`, an empty map); the handlers
//!   then coerce each value with the `as*` helpers of `mutations.go`, mirrored here by
//!   [`as_string`], [`as_int`], [`as_opt_int`] and [`as_int_slice`].

use serde_json::{Map, Number, Value};

/// The first JSON value of a body, as `json.Decoder.Decode` sees it.
pub(crate) enum Body {
    /// Empty or whitespace only (`io.EOF`).
    Eof,
    /// Not JSON.
    Invalid,
    /// The first value.
    Json(Value),
}

/// Reads the first JSON value of a body.
pub(crate) fn read(body: &[u8]) -> Body {
    if body
        .iter()
        .all(|b| matches!(b, b' ' | b'\t' | b'\n' | b'\r'))
    {
        return Body::Eof;
    }
    match serde_json::Deserializer::from_slice(body)
        .into_iter::<Value>()
        .next()
    {
        Some(Ok(value)) => Body::Json(value),
        _ => Body::Invalid,
    }
}

/// The Go type of a struct field.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Field {
    /// `int` / `int64`: a JSON integer literal.
    Int,
    /// `string`.
    Str,
    /// `*int64`: an integer or `null`.
    OptInt,
    /// `[]struct{...}` with its own strict fields.
    Items(Schema),
}

/// The fields of a Go request struct, by JSON name.
pub(crate) type Schema = &'static [(&'static str, Field)];

/// Decodes a body into a struct with `schema`. The result holds each present field under
/// its canonical name; absent and `null` fields are left out (they read as zero).
/// `allow_eof` models the one handler (`user/list`) that tolerates an empty body.
pub(crate) fn strict(
    body: &[u8],
    schema: Schema,
    allow_eof: bool,
) -> Result<Map<String, Value>, ()> {
    match read(body) {
        Body::Eof if allow_eof => Ok(Map::new()),
        Body::Eof | Body::Invalid => Err(()),
        Body::Json(value) => strict_object(&value, schema),
    }
}

fn strict_object(value: &Value, schema: Schema) -> Result<Map<String, Value>, ()> {
    let object = match value {
        Value::Null => return Ok(Map::new()),
        Value::Object(object) => object,
        _ => return Err(()),
    };
    let mut out = Map::new();
    for (key, value) in object {
        let (name, field) = schema
            .iter()
            .find(|(name, _)| *name == key)
            .or_else(|| {
                schema
                    .iter()
                    .find(|(name, _)| name.eq_ignore_ascii_case(key))
            })
            .ok_or(())?;
        let checked = strict_value(value, *field)?;
        if checked.is_null() {
            out.remove(*name);
        } else {
            out.insert((*name).to_string(), checked);
        }
    }
    Ok(out)
}

fn is_int(value: &Value) -> bool {
    value.is_null() || value.as_i64().is_some()
}

fn strict_value(value: &Value, field: Field) -> Result<Value, ()> {
    if value.is_null() {
        return Ok(Value::Null);
    }
    match field {
        Field::Int | Field::OptInt if is_int(value) => Ok(value.clone()),
        Field::Str if value.is_string() => Ok(value.clone()),
        Field::Items(schema) => match value {
            Value::Array(items) => items
                .iter()
                .map(|item| strict_object(item, schema).map(Value::Object))
                .collect::<Result<Vec<_>, _>>()
                .map(Value::Array),
            _ => Err(()),
        },
        _ => Err(()),
    }
}

/// An int field of a strictly decoded struct (0 when absent).
pub(crate) fn field_int(map: &Map<String, Value>, key: &str) -> i64 {
    map.get(key).and_then(Value::as_i64).unwrap_or(0)
}

/// A string field of a strictly decoded struct ("" when absent).
pub(crate) fn field_str(map: &Map<String, Value>, key: &str) -> String {
    map.get(key)
        .and_then(Value::as_str)
        .unwrap_or_default()
        .to_string()
}

/// A `*int64` field of a strictly decoded struct.
pub(crate) fn field_opt_int(map: &Map<String, Value>, key: &str) -> Option<i64> {
    map.get(key).and_then(Value::as_i64)
}

/// A `[]struct` field of a strictly decoded struct.
pub(crate) fn field_items(map: &Map<String, Value>, key: &str) -> Vec<Map<String, Value>> {
    map.get(key)
        .and_then(Value::as_array)
        .map(|items| {
            items
                .iter()
                .map(|item| item.as_object().cloned().unwrap_or_default())
                .collect()
        })
        .unwrap_or_default()
}

/// Decodes a body into `map[string]interface{}`: any object, or `null` (an empty map).
pub(crate) fn lenient(body: &[u8]) -> Result<Map<String, Value>, ()> {
    match read(body) {
        Body::Json(Value::Object(map)) => Ok(map),
        Body::Json(Value::Null) => Ok(Map::new()),
        _ => Err(()),
    }
}

/// How Go prints a JSON number it decoded as `float64` (`asString`).
fn number_text(number: &Number) -> String {
    let f = number.as_f64().unwrap_or(0.0);
    if f.is_finite()
        && f.fract() == 0.0
        && (-9.223_372_036_854_776e18..9.223_372_036_854_776e18).contains(&f)
    {
        (f as i64).to_string()
    } else {
        format!("{f}")
    }
}

/// `asString`: trimmed strings, numbers as text, `null` as "", anything else as its JSON.
pub(crate) fn as_string(value: Option<&Value>) -> String {
    match value {
        None | Some(Value::Null) => String::new(),
        Some(Value::String(s)) => s.trim().to_string(),
        Some(Value::Number(n)) => number_text(n),
        Some(Value::Bool(b)) => b.to_string(),
        Some(other) => serde_json::to_string(other)
            .unwrap_or_default()
            .trim_matches('"')
            .to_string(),
    }
}

/// `asInt`/`asInt64`: the value as an integer, or `default` when missing or unparsable
/// (`1.5`, `true`, `"abc"`, `null` all give the default).
pub(crate) fn as_int(value: Option<&Value>, default: i64) -> i64 {
    let text = as_string(value);
    if text.is_empty() {
        return default;
    }
    text.parse().unwrap_or(default)
}

/// `asAnyToInt64Ptr`: `null`, `""` and `"null"` (any case) mean no value.
pub(crate) fn as_opt_int(value: Option<&Value>) -> Option<i64> {
    let text = as_string(value);
    if text.is_empty() || text.eq_ignore_ascii_case("null") {
        return None;
    }
    text.parse().ok()
}

/// `asAnySlice`: the value if it is a JSON array.
pub(crate) fn as_any_slice(value: Option<&Value>) -> Option<&Vec<Value>> {
    value.and_then(Value::as_array)
}

/// `asInt64Slice`: the positive integers of an array.
pub(crate) fn as_int_slice(value: Option<&Value>) -> Vec<i64> {
    as_any_slice(value)
        .map(|items| {
            items
                .iter()
                .map(|v| as_int(Some(v), 0))
                .filter(|id| *id > 0)
                .collect()
        })
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    const SCHEMA: Schema = &[
        ("userId", Field::Int),
        ("name", Field::Str),
        (
            "tunnels",
            Field::Items(&[("tunnelId", Field::Int), ("speedId", Field::OptInt)]),
        ),
    ];

    #[test]
    fn strict_rules() {
        assert!(strict(b"", SCHEMA, false).is_err());
        assert!(strict(b"  ", SCHEMA, true).unwrap().is_empty());
        assert!(strict(b"null", SCHEMA, false).unwrap().is_empty());
        assert!(strict(br#"{"userId":"1"}"#, SCHEMA, false).is_err());
        assert!(strict(br#"{"userId":1.0}"#, SCHEMA, false).is_err());
        assert!(strict(br#"{"userId":1e2}"#, SCHEMA, false).is_err());
        assert!(strict(br#"{"other":1}"#, SCHEMA, false).is_err());
        assert!(strict(br#"[]"#, SCHEMA, false).is_err());
        assert!(strict(br#"{"tunnels":[{"tunnelId":1,"x":2}]}"#, SCHEMA, false).is_err());
        let m = strict(br#"{"USERID":7,"name":null} trailing"#, SCHEMA, false).unwrap();
        assert_eq!(field_int(&m, "userId"), 7);
        assert_eq!(field_str(&m, "name"), "");
        let m = strict(
            br#"{"tunnels":[{"tunnelId":3,"speedId":null}]}"#,
            SCHEMA,
            false,
        )
        .unwrap();
        let items = field_items(&m, "tunnels");
        assert_eq!(field_int(&items[0], "tunnelId"), 3);
        assert_eq!(field_opt_int(&items[0], "speedId"), None);
    }

    #[test]
    fn lenient_coercion() {
        assert_eq!(as_int(Some(&json!(" 100 ")), 5), 100);
        assert_eq!(as_int(Some(&json!(1.5)), 5), 5);
        assert_eq!(as_int(Some(&json!(1e3)), 5), 1000);
        assert_eq!(as_int(Some(&json!(true)), 5), 5);
        assert_eq!(as_int(Some(&json!("abc")), 5), 5);
        assert_eq!(as_int(Some(&Value::Null), 5), 5);
        assert_eq!(as_int(None, 5), 5);
        assert_eq!(
            as_int(Some(&json!(2_727_251_700_000_i64)), 0),
            2_727_251_700_000
        );
        assert_eq!(as_string(Some(&json!("  bob "))), "bob");
        assert_eq!(as_string(Some(&json!(12))), "12");
        assert_eq!(as_string(Some(&json!(true))), "true");
        assert_eq!(as_opt_int(Some(&json!("null"))), None);
        assert_eq!(as_opt_int(Some(&json!(""))), None);
        assert_eq!(as_opt_int(Some(&json!("4"))), Some(4));
        assert_eq!(as_int_slice(Some(&json!([1, "2", 0, -1, "x"]))), vec![1, 2]);
        assert!(lenient(b"").is_err());
        assert!(lenient(b"[1]").is_err());
        assert!(lenient(b"null").unwrap().is_empty());
    }
}
