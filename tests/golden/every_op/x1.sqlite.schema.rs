// failed: upgrade x1
// error: revision x1 (ops in a schema of their own (PostgreSQL)), op 2: `schema` is not supported on SQLite: SQLite has no schemas, and `sales.currency` would silently become `main.currency`
// help: drop `schema = ...` from migrations that must run on SQLite
