//! Fault injection: rules that make chosen requests fail the way a real deployment can.

use crate::endpoints::USER_LOGIN;
use serde_json::Value;
use std::time::Duration;

/// A failure to inject into a request.
#[derive(Debug, Clone, PartialEq)]
pub enum Fault {
    /// The server closes the connection without answering. The request is not processed.
    ConnectionDrop,
    /// The request is processed normally, but the answer is delayed by this long.
    Latency(Duration),
    /// A reverse proxy answers HTTP 502 with nginx's HTML page. The request is not processed.
    Html502,
    /// The request is processed (its effects happen), and its answer is padded past
    /// [`crate::endpoints::MAX_RESPONSE_BYTES`] with white space (still valid JSON): a
    /// wrong address serving a big file, say.
    Oversized,
    /// The request is processed (its effects happen), then the answer is cut in half:
    /// HTTP 200 with truncated JSON.
    MalformedJson,
    /// The panel answers a `-2` envelope with this message (a database error). The request
    /// is not processed.
    InternalError(String),
    /// The request is answered `401 "无效的token或token已过期"` and every token issued so far
    /// becomes invalid, as if they had all expired. The request is not processed.
    ExpiredToken,
    /// The request is answered `401 "无效的token或token已过期"` like an expired token, but
    /// no other token is touched: a token the panel refuses again right after a fresh
    /// login, without also revoking the tokens of calls still in flight beside it. The
    /// request is not processed.
    TokenRefused,
}

/// When to inject a [`Fault`]: on which path (and body), after how many matching requests,
/// how often.
///
/// `FaultRule::new(fault)` matches any path except `user/login`, fires on the first
/// matching request (`after(0)`) and only once (`times(1)`).
#[derive(Debug, Clone, PartialEq)]
pub struct FaultRule {
    fault: Fault,
    path: Option<String>,
    body: Vec<(String, Value)>,
    after: usize,
    times: usize,
    seen: usize,
    fired: usize,
}

impl FaultRule {
    /// A rule injecting `fault` into the next request to any path except `user/login`.
    pub fn new(fault: Fault) -> Self {
        FaultRule {
            fault,
            path: None,
            body: Vec::new(),
            after: 0,
            times: 1,
            seen: 0,
            fired: 0,
        }
    }

    /// Only requests to this exact path (e.g. `endpoints::USER_LIST.path`) match.
    pub fn on(mut self, path: impl Into<String>) -> Self {
        self.path = Some(path.into());
        self
    }

    /// Only requests whose JSON body has `key` set to `value` match. Calls a client sends
    /// at once reach the panel in any order, so "the second assign" is not one request
    /// from run to run; "the assign of tunnel 2" is.
    pub fn when_body(mut self, key: impl Into<String>, value: impl Into<Value>) -> Self {
        self.body.push((key.into(), value.into()));
        self
    }

    /// Let the first `n` matching requests through untouched.
    pub fn after(mut self, n: usize) -> Self {
        self.after = n;
        self
    }

    /// Inject into `k` matching requests (after the skipped ones), then stop.
    pub fn times(mut self, k: usize) -> Self {
        self.times = k;
        self
    }

    fn matches(&self, path: &str, body: Option<&Value>) -> bool {
        let path_matches = match &self.path {
            Some(p) => p == path,
            None => path != USER_LOGIN.path,
        };
        path_matches
            && self
                .body
                .iter()
                .all(|(key, value)| body.and_then(|b| b.get(key)) == Some(value))
    }
}

/// The injected rules, in injection order.
#[derive(Debug, Default)]
pub(crate) struct Faults {
    rules: Vec<FaultRule>,
}

impl Faults {
    /// Adds a rule.
    pub(crate) fn inject(&mut self, rule: FaultRule) {
        self.rules.push(rule);
    }

    /// Removes every rule.
    pub(crate) fn clear(&mut self) {
        self.rules.clear();
    }

    /// Counts a request to `path` with this JSON body against every matching rule and
    /// returns the fault of the first rule that is due.
    pub(crate) fn select(&mut self, path: &str, body: Option<&Value>) -> Option<Fault> {
        let mut chosen = None;
        for rule in &mut self.rules {
            if !rule.matches(path, body) {
                continue;
            }
            rule.seen += 1;
            if chosen.is_none() && rule.seen > rule.after && rule.fired < rule.times {
                rule.fired += 1;
                chosen = Some(rule.fault.clone());
            }
        }
        self.rules.retain(|rule| rule.fired < rule.times);
        chosen
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn after_and_times() {
        let mut faults = Faults::default();
        faults.inject(FaultRule::new(Fault::Html502).on("/a").after(1).times(2));
        assert_eq!(faults.select("/b", None), None);
        assert_eq!(faults.select("/a", None), None);
        assert_eq!(faults.select("/a", None), Some(Fault::Html502));
        assert_eq!(faults.select("/a", None), Some(Fault::Html502));
        assert_eq!(faults.select("/a", None), None);
    }

    #[test]
    fn body_rule_picks_one_of_concurrent_calls() {
        let mut faults = Faults::default();
        faults.inject(
            FaultRule::new(Fault::Html502)
                .on("/a")
                .when_body("tunnelId", 2),
        );
        let (one, two) = (
            serde_json::json!({"tunnelId": 1}),
            serde_json::json!({"tunnelId": 2}),
        );
        assert_eq!(faults.select("/a", Some(&one)), None);
        assert_eq!(faults.select("/a", None), None);
        assert_eq!(faults.select("/a", Some(&two)), Some(Fault::Html502));
        assert_eq!(faults.select("/a", Some(&two)), None);
    }

    #[test]
    fn default_rule_skips_login() {
        let mut faults = Faults::default();
        faults.inject(FaultRule::new(Fault::ConnectionDrop));
        assert_eq!(faults.select(USER_LOGIN.path, None), None);
        assert_eq!(
            faults.select("/api/v1/user/list", None),
            Some(Fault::ConnectionDrop)
        );
        assert_eq!(faults.select("/api/v1/user/list", None), None);
    }
}
