//! One migration per file, named `r<revision>_<slug>.rs`.

mod r1a2b3c4d5e6f_create_users;
mod r2b3c4d5e6f7a_create_products;
mod r3c4d5e6f7a8b_roles;
mod r4d5e6f7a8b9c_orders;
mod r5e6f7a8b9c0d_account_type;
mod r6f7a8b9c0d1e_sessions;
mod r7a8b9c0d1e2f_merge_orders_and_sessions;
mod r8b9c0d1e2f3a_audit_log;
