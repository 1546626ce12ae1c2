//! The trybuild suite lives in `tests/`.
