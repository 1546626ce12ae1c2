// failed: upgrade m6
// error: revision m3 (data with SQL for MySQL, and Rust code), op 1: `execute` is not supported on SQLite: this `execute` has no SQL for this database
// help: add `sqlite = "..."` (or a text for every database) to the `execute`
