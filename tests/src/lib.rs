//! The seeds' Alembic examples as migrations of one crate. The examples are not
//! one chain, so each example's chain is a labelled branch (`ex06`, `ex07`, ...)
//! with the prerequisite migrations it needs.

migrate_runtime::migrations!();

pub mod seeds;
