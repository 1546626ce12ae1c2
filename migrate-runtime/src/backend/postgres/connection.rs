//! The migrator's primitives on a `PgConnection` (the run's lock is the
//! session's advisory lock, so `exclusive` is a plain transaction).

crate::backend::diesel_session!(diesel::PgConnection, Postgres, super::Postgres, "postgres");
