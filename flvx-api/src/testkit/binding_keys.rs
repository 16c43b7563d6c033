//! Binding ids as what they stand for, to compare panels that assigned the same bindings in
//! a different order.
//!
//! The panel numbers bindings in the order their `tunnel/user/assign` calls arrive. A
//! client that sends the assigns of several tunnels at once (the engine and the PHP module
//! do) gets the same bindings under ids that vary from run to run, so tests compare a
//! binding id as the binding of (user, tunnel) it names.

use serde_json::{Value, json};
use std::collections::BTreeMap;

/// What each binding id of a panel stands for: (user id, tunnel id).
#[derive(Debug, Clone, Default)]
pub struct BindingKeys(BTreeMap<i64, (i64, i64)>);

impl BindingKeys {
    /// What the panel recorded as it made bindings ([`crate::testkit::FakePanel::binding_keys`]).
    pub(crate) fn from_history(history: BTreeMap<i64, (i64, i64)>) -> BindingKeys {
        BindingKeys(history)
    }

    /// A binding id as what it stands for, `user × 1,000,000 + tunnel` (still an id, so
    /// records keep their types); an id this panel never had stays as it is.
    pub fn id(&self, id: i64) -> i64 {
        match self.0.get(&id) {
            Some((user, tunnel)) => user * 1_000_000 + tunnel,
            None => id,
        }
    }

    /// [`BindingKeys::id`] of a JSON number; anything else stays as it is.
    pub fn label(&self, id: &Value) -> Value {
        id.as_i64()
            .map_or_else(|| id.clone(), |id| json!(self.id(id)))
    }

    /// A snapshot with binding ids as labels: the bindings' `id` (the rows in (user,
    /// tunnel) order) and the forwards' `serviceBindingId`.
    pub fn state(&self, mut snapshot: Value) -> Value {
        if let Some(bindings) = snapshot["bindings"].as_array_mut() {
            bindings.sort_by_key(|b| (b["userId"].as_i64(), b["tunnelId"].as_i64()));
            for b in bindings.iter_mut() {
                b["id"] = self.label(&b["id"]);
            }
        }
        for f in snapshot["forwards"].as_array_mut().into_iter().flatten() {
            if f.get("serviceBindingId").is_some_and(|id| id != 0) {
                f["serviceBindingId"] = self.label(&f["serviceBindingId"]);
            }
        }
        snapshot
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_same_bindings_in_another_order_compare_equal() {
        let snapshot = |a: i64, b: i64| {
            json!({
                "bindings": [
                    {"id": a, "userId": 1, "tunnelId": 7},
                    {"id": b, "userId": 1, "tunnelId": 8},
                ],
                "forwards": [{"id": 1, "serviceBindingId": a}],
            })
        };
        let keys = |a: i64, b: i64| BindingKeys::from_history([(a, (1, 7)), (b, (1, 8))].into());
        let (one, two) = (snapshot(1, 2), snapshot(2, 1));
        let (k1, k2) = (keys(1, 2), keys(2, 1));
        assert_eq!(k1.state(one.clone()), k2.state(two.clone()));
        assert_ne!(one, two);
        assert_eq!(k1.id(99), 99, "unknown ids stay");
        assert_eq!(k1.id(2), 1_000_008);
    }
}
