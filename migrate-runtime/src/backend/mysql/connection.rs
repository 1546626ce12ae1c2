//! The migrator's primitives on a `MysqlConnection` (the run's lock is
//! `GET_LOCK`, so `exclusive` is a plain transaction).

crate::backend::diesel_session!(diesel::MysqlConnection, Mysql, super::Mysql, "mysql");
