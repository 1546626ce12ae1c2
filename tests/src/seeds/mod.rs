//! Seed examples; see lib.rs.
