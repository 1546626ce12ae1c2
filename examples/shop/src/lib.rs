//! The shop: users, products, roles, orders and sessions, as migrations.
//! `shop::migrations()` is the chain; `src/main.rs` is its command line.

migrate_runtime::migrations!();

mod migrations;
