//! The wiremock glue: one matcher that drops connections when a fault says so, and one
//! catch-all responder that runs the panel.
//!
//! wiremock matches and responds to a request while holding its own lock, so the fault
//! chosen by [`DropMatcher`] (the first mock tried) reaches [`PanelResponder`] through
//! `State::pending` without another request interleaving.

use super::auth;
use super::envelope::{Reply, html_502};
use super::faults::Fault;
use super::handlers::{self, Call};
use super::journal::{Identity, JournalEntry, body_value};
use super::licence;
use super::state::State;
use super::tokens::Claims;
use crate::ids::UserId;
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use wiremock::{Match, Request, Respond, ResponseTemplate};

/// The state shared by the server and the test-facing API.
pub(crate) type Shared = Arc<Mutex<State>>;

/// Locks the state; a panic in another holder does not poison the fake.
pub(crate) fn lock(shared: &Shared) -> MutexGuard<'_, State> {
    shared.lock().unwrap_or_else(PoisonError::into_inner)
}

/// Matches (and so drops) the requests that a [`Fault::ConnectionDrop`] rule picks.
pub(crate) struct DropMatcher(pub(crate) Shared);

impl Match for DropMatcher {
    fn matches(&self, request: &Request) -> bool {
        let mut st = lock(&self.0);
        let body = body_value(&request.body);
        let fault = st.faults.select(request.url.path(), body.as_ref());
        if fault == Some(Fault::ConnectionDrop) {
            st.pending = None;
            let identity = st.identity(header(request).as_deref());
            st.journal.push(entry(request, identity, None, fault));
            true
        } else {
            st.pending = Some(fault);
            false
        }
    }
}

/// Answers every other request as the panel would.
pub(crate) struct PanelResponder(pub(crate) Shared);

impl Respond for PanelResponder {
    fn respond(&self, request: &Request) -> ResponseTemplate {
        let mut st = lock(&self.0);
        let fault = match st.pending.take() {
            Some(fault) => fault,
            None => {
                let body = body_value(&request.body);
                st.faults.select(request.url.path(), body.as_ref())
            }
        };
        st.handle(request, fault)
    }
}

fn header(request: &Request) -> Option<String> {
    named_header(request, "authorization")
}

fn named_header(request: &Request, name: &str) -> Option<String> {
    request
        .headers
        .get(name)
        .map(|v| String::from_utf8_lossy(v.as_bytes()).into_owned())
}

fn entry(
    request: &Request,
    identity: Identity,
    code: Option<i64>,
    fault: Option<Fault>,
) -> JournalEntry {
    JournalEntry {
        method: request.method.as_str().to_string(),
        path: request.url.path().to_string(),
        body: body_value(&request.body),
        identity,
        code,
        fault,
    }
}

impl State {
    /// The claims of a token the middleware accepts: issued and unexpired, and on 3.0 also
    /// admitted by the database check.
    pub(crate) fn valid_claims(&self, token: &str) -> Option<&Claims> {
        let claims = self.tokens.validate(token, self.now())?;
        let admitted = !self.profile.db_checked_tokens
            || auth::user_admits(self.users.get(&claims.user_id), claims);
        admitted.then_some(claims)
    }

    /// Who a raw `Authorization` header identifies.
    pub(crate) fn identity(&self, header: Option<&str>) -> Identity {
        let token = header.map(str::trim).unwrap_or_default();
        if token.is_empty() {
            return Identity::Anonymous;
        }
        match self.valid_claims(token) {
            Some(c) => Identity::User {
                id: UserId(c.user_id),
                name: c.name.clone(),
                admin: c.is_admin(),
            },
            None => Identity::InvalidToken,
        }
    }

    /// Answers one request, with an optional injected fault, and journals it.
    fn handle(&mut self, request: &Request, fault: Option<Fault>) -> ResponseTemplate {
        let header = header(request);
        let identity = self.identity(header.as_deref());
        let mut delay = None;
        let (wire, code) = match &fault {
            Some(Fault::Html502) => (html_502(), None),
            Some(Fault::InternalError(msg)) => {
                (Reply::err(-2, msg.clone()).to_wire(self.now()), Some(-2))
            }
            Some(Fault::ExpiredToken) => {
                self.tokens.expire_all();
                (
                    Reply::err(401, auth::INVALID_TOKEN).to_wire(self.now()),
                    Some(401),
                )
            }
            Some(Fault::TokenRefused) => (
                Reply::err(401, auth::INVALID_TOKEN).to_wire(self.now()),
                Some(401),
            ),
            Some(Fault::MalformedJson) => {
                let reply = self.dispatch(request, header.as_deref());
                (reply.to_wire(self.now()).truncated(), None)
            }
            Some(Fault::Oversized) => {
                let reply = self.dispatch(request, header.as_deref());
                (reply.to_wire(self.now()).oversized(), reply.code())
            }
            Some(Fault::Latency(d)) => {
                delay = Some(*d);
                let reply = self.dispatch(request, header.as_deref());
                (reply.to_wire(self.now()), reply.code())
            }
            // A drop is decided by `DropMatcher`; answering normally is the only option here.
            Some(Fault::ConnectionDrop) | None => {
                let reply = self.dispatch(request, header.as_deref());
                (reply.to_wire(self.now()), reply.code())
            }
        };
        self.journal.push(entry(request, identity, code, fault));
        let template = wire.into_template();
        match delay {
            Some(d) => template.set_delay(d),
            None => template,
        }
    }

    /// CORS preflight, the auth middleware, the licence block (3.0), then the handler of
    /// the path.
    fn dispatch(&mut self, request: &Request, header: Option<&str>) -> Reply {
        let method = request.method.as_str();
        if method == "OPTIONS" {
            return Reply::NoContent;
        }
        let path = request.url.path();
        let profile = self.profile;
        let claims = match auth::check(&profile, path, header, |t| self.valid_claims(t)) {
            Ok(claims) => claims.cloned(),
            Err(reply) => return reply,
        };
        if profile.licence_gate
            && !self.licence_active
            && let Some(reply) = licence::block(path)
        {
            return reply;
        }
        let Some(handler) = handlers::route(&profile, path) else {
            return Reply::NotFound;
        };
        let api_client = named_header(request, "x-flvx-api-client");
        let call = Call {
            method,
            body: &request.body,
            claims,
            api_client: api_client.as_deref(),
        };
        match handler(self, &call) {
            Ok(reply) | Err(reply) => reply,
        }
    }
}
