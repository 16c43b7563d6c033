//! The SQL stores' schema, embedded in the library and applied when a store opens.
//!
//! Applied migrations are listed in the store's own table `flvx_store_migrations`, not in
//! sqlx's `_sqlx_migrations`: an integrator's database often has that table already, for
//! its own migrations, and sqlx refuses to run when it finds versions it does not know.
//! Each store applies the missing ones in one transaction, under a lock (SQLite
//! `BEGIN IMMEDIATE`, a PostgreSQL advisory lock), so two workers starting at once
//! migrate once. A database migrated by a newer version is refused, not written to.

/// One schema change.
pub(crate) struct Migration {
    /// Applied in this order; never reused.
    pub(crate) version: i64,
    /// Stored beside the version.
    pub(crate) description: &'static str,
    /// The statements.
    pub(crate) sql: &'static str,
}

/// The table of applied migrations (the same statement on both databases).
pub(crate) const MIGRATIONS_TABLE: &str = "CREATE TABLE IF NOT EXISTS flvx_store_migrations (\
     version BIGINT PRIMARY KEY, \
     description TEXT NOT NULL, \
     applied_at TEXT NOT NULL)";

/// The SQLite schema.
#[cfg(feature = "sqlite")]
pub(crate) const SQLITE: &[Migration] = &[
    Migration {
        version: 1,
        description: "service records",
        sql: include_str!("sqlite/0001_service_records.sql"),
    },
    Migration {
        version: 2,
        description: "daily usage samples",
        sql: include_str!("sqlite/0002_daily_usage.sql"),
    },
];

/// The PostgreSQL schema.
#[cfg(feature = "postgres")]
pub(crate) const POSTGRES: &[Migration] = &[
    Migration {
        version: 1,
        description: "service records",
        sql: include_str!("postgres/0001_service_records.sql"),
    },
    Migration {
        version: 2,
        description: "daily usage samples",
        sql: include_str!("postgres/0002_daily_usage.sql"),
    },
];

/// The newest version of `migrations`.
pub(crate) fn newest(migrations: &[Migration]) -> i64 {
    migrations.iter().map(|m| m.version).max().unwrap_or(0)
}
