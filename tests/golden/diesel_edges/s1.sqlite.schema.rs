// failed: upgrade s1
// error: revision s1 (a type and a table in schema `sales` (PostgreSQL), used from `public`), op 2: `schema` is not supported on SQLite: SQLite has no schemas, and `sales.currency` would silently become `main.currency`
// help: drop `schema = ...` from migrations that must run on SQLite
