#!/usr/bin/env python3
"""Generates the crates of the compile-time benchmark (see run.sh and
BENCHMARKS.md): the same chain of N migrations (each: create a table with an
integer key and a varchar, add a text column, index it), three ways, each also
with one migration only (`<kind>1`), so the cost of the N - 1 others reads as
a difference:

- `here`: `#[migration]` modules with `op!`s, every compile-time check on
  (the per-migration analysis, derived downgrades, `migrations!()`'s whole
  chain replay);
- `embed`: the same migrations as `up.sql`/`down.sql` folders, embedded with
  diesel_migrations' `embed_migrations!`;
- `plain`: the same SQL as plain Rust functions over a diesel connection,
  listed in one static table.

All are library crates (no link step), in one workspace. With BEFORE_RUNTIME,
`before`/`before1` (the `here` crates over another migrate-runtime checkout)
go into a workspace of their own under OUT/before.

Usage: generate.py OUT_DIR N RUNTIME_PATH [BEFORE_RUNTIME_PATH]
"""
import os
import sys


def write(path, text):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w") as f:
        f.write(text)


def manifest(name, deps):
    return f"""[package]
name = "{name}"
version = "0.0.0"
edition = "2021"
publish = false

[dependencies]
{deps}
"""


def parent(i):
    return "None" if i == 0 else f'"r{i - 1:04d}"'


def here(i):
    t = f"t{i:04d}"
    return f"""use migrate_runtime::{{migration, op}};

/// migration {i}
#[migration(revision = "r{i:04d}", down_revision = {parent(i)})]
mod m{i:04d} {{
    fn upgrade() {{
        op!(create_table(
            "{t}",
            Column("id", Integer, primary_key = true),
            Column("name", String(50), nullable = false),
        ));
        op!(add_column("{t}", Column("note", Text)));
        op!(create_index("ix_{t}_note", "{t}", ["note"]));
    }}
}}
"""


def up_sql(i):
    t = f"t{i:04d}"
    return [
        f"CREATE TABLE {t} (id INTEGER NOT NULL PRIMARY KEY, name VARCHAR(50) NOT NULL)",
        f"ALTER TABLE {t} ADD COLUMN note TEXT",
        f"CREATE INDEX ix_{t}_note ON {t} (note)",
    ]


def down_sql(i):
    t = f"t{i:04d}"
    return [
        f"DROP INDEX ix_{t}_note",
        f"ALTER TABLE {t} DROP COLUMN note",
        f"DROP TABLE {t}",
    ]


def plain(i):
    def body(stmts):
        calls = "".join(f'    c.batch_execute("{s}")?;\n' for s in stmts)
        return calls + "    Ok(())\n"

    return f"""use diesel::connection::SimpleConnection;

/// migration {i}
pub fn up(c: &mut diesel::SqliteConnection) -> diesel::QueryResult<()> {{
{body(up_sql(i))}}}

pub fn down(c: &mut diesel::SqliteConnection) -> diesel::QueryResult<()> {{
{body(down_sql(i))}}}
"""


PLAIN_LIB = """pub struct Migration {
    pub revision: &'static str,
    pub down_revision: Option<&'static str>,
    pub message: &'static str,
    pub up: fn(&mut diesel::SqliteConnection) -> diesel::QueryResult<()>,
    pub down: fn(&mut diesel::SqliteConnection) -> diesel::QueryResult<()>,
}

mod m;

pub static MIGRATIONS: &[Migration] = &[
"""

RUNTIME_DEP = 'migrate-runtime = {{ path = "{}" }}'
DIESEL_DEP = 'diesel = { version = "2.2", default-features = false, features = ["sqlite"] }'
EMBED_DEP = 'diesel_migrations = { version = "2.3.2", default-features = false, features = ["sqlite"] }'


def here_crate(root, name, count, rt, dep=RUNTIME_DEP):
    write(f"{root}/{name}/Cargo.toml", manifest(name, dep.format(rt)))
    write(f"{root}/{name}/src/lib.rs", "migrate_runtime::migrations!();\nmod m;\n")
    write(f"{root}/{name}/src/m/mod.rs", "".join(f"mod m{i:04d};\n" for i in range(count)))
    for i in range(count):
        write(f"{root}/{name}/src/m/m{i:04d}.rs", here(i))


def embed_crate(root, name, count):
    write(f"{root}/{name}/Cargo.toml", manifest(name, f"{DIESEL_DEP}\n{EMBED_DEP}"))
    write(
        f"{root}/{name}/src/lib.rs",
        "use diesel_migrations::{embed_migrations, EmbeddedMigrations};\n\n"
        'pub const MIGRATIONS: EmbeddedMigrations = embed_migrations!("migrations");\n',
    )
    for i in range(count):
        d = f"{root}/{name}/migrations/{i:05d}_m{i:04d}"
        write(f"{d}/up.sql", "".join(s + ";\n" for s in up_sql(i)))
        write(f"{d}/down.sql", "".join(s + ";\n" for s in down_sql(i)))


def plain_crate(root, name, count):
    write(f"{root}/{name}/Cargo.toml", manifest(name, DIESEL_DEP))
    def down(i):
        return "None" if i == 0 else f'Some("r{i - 1:04d}")'

    rows = "".join(
        f'    Migration {{ revision: "r{i:04d}", down_revision: {down(i)}, '
        f'message: "migration {i}", up: m::m{i:04d}::up, down: m::m{i:04d}::down }},\n'
        for i in range(count)
    )
    write(f"{root}/{name}/src/lib.rs", PLAIN_LIB + rows + "];\n")
    write(f"{root}/{name}/src/m/mod.rs", "".join(f"pub mod m{i:04d};\n" for i in range(count)))
    for i in range(count):
        write(f"{root}/{name}/src/m/m{i:04d}.rs", plain(i))


def main():
    out, n, runtime = sys.argv[1], int(sys.argv[2]), os.path.abspath(sys.argv[3])
    before = os.path.abspath(sys.argv[4]) if len(sys.argv) > 4 and sys.argv[4] else None
    crates = ["here", "here1", "embed", "embed1", "plain", "plain1"]
    members = ", ".join(f'"{c}"' for c in crates)
    write(f"{out}/Cargo.toml", f'[workspace]\nresolver = "2"\nmembers = [{members}]\n')
    here_crate(out, "here", n, runtime)
    here_crate(out, "here1", 1, runtime)
    embed_crate(out, "embed", n)
    embed_crate(out, "embed1", 1)
    plain_crate(out, "plain", n)
    plain_crate(out, "plain1", 1)
    if before:
        write(f"{out}/before/Cargo.toml", '[workspace]\nresolver = "2"\nmembers = ["before", "before1"]\n')
        here_crate(f"{out}/before", "before", n, before)
        here_crate(f"{out}/before", "before1", 1, before)


if __name__ == "__main__":
    main()
