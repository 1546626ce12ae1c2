#!/usr/bin/env python3
"""Generates two crates of N migrations with 3 ops each, for the compile-time
benchmark (see run.sh and BENCHMARKS.md):

- `checked`: each migration a `#[migration]` module with `op!`s, so every
  compile-time check runs (graph keys, derived downgrade, net-effect analysis);
- `plain`: the same revisions as plain `inventory::submit!` records holding the
  same op data (upgrade and downgrade), written out as Rust statics.

Usage: generate.py OUT_DIR N RUNTIME_PATH
"""
import os
import re
import sys

out, n, runtime = sys.argv[1], int(sys.argv[2]), os.path.abspath(sys.argv[3])


def write(path, text):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w") as f:
        f.write(text)


def manifest(name):
    return f"""[package]
name = "{name}"
version = "0.0.0"
edition = "2021"
publish = false

[dependencies]
migrate-runtime = {{ path = "{runtime}" }}
"""


def parent(i):
    return "None" if i == 0 else f'"r{i - 1:04d}"'


def checked(i):
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


P = "::migrate_runtime::__private::model_names::"


def s(x):
    return f' {P}Cow::Borrowed("{x}")'


def table_ref(t):
    return f"TableRef::new(None, {s(t)})"


def column(name, ty, nullable, pk):
    return (
        f"Column::new({s(name)}, {ty}, {str(nullable).lower()}, "
        f"{str(pk).lower()}, None, None, None, None, None, None, true)"
    )


NAMES = re.compile(r"(?<![:\w])(Op|TableRef|Table|ColumnType|Column|ConstraintKind|Constraint|IndexColumn|Index|MigrationParts|Migration|None|Some|Cow)\b")


def qualify(text):
    """Every model name written in full (no glob import), as the macro does."""
    return NAMES.sub(lambda m: " " + P + m.group(1), text)


def plain(i):
    t = f"t{i:04d}"
    cols = [
        column("id", "ColumnType::Integer", False, True),
        column("name", "ColumnType::String(Some(50))", False, False),
    ]
    # As the macro writes them: constructors, a `Table` literal.
    table = (
        f"Table {{ table: {table_ref(t)}, "
        f"columns: Cow::Borrowed(&[{', '.join(cols)}]), "
        f"constraints: Cow::Borrowed(&[Constraint::new({s('pk_' + t)}, "
        f"ConstraintKind::PrimaryKey {{ columns: Cow::Borrowed(&[{s('id')}]) }})]), "
        f"comment: None }}"
    )
    note = column("note", "ColumnType::Text", True, False)
    index = (
        f"Index::new({s('ix_' + t + '_note')}, {table_ref(t)}, "
        f"Cow::Borrowed(&[IndexColumn::Column({s('note')})]), "
        f"false, None, None, false)"
    )
    up = [
        f"Op::CreateTable({table})",
        f"Op::AddColumn {{ table: {table_ref(t)}, column: {note} }}",
        f"Op::CreateIndex({index})",
    ]
    down = [
        f"Op::DropIndex {{ table: {table_ref(t)}, name: {s('ix_' + t + '_note')}, definition: Some({index}) }}",
        f"Op::DropColumn {{ table: {table_ref(t)}, column: {s('note')}, definition: Some({note}) }}",
        f"Op::DropTable {{ table: {table_ref(t)}, definition: Some({table}) }}",
    ]
    parents = "&[]" if i == 0 else f'&["r{i - 1:04d}"]'
    return qualify(f"""
migrate_runtime::__private::inventory::submit! {{
    Migration::__new(MigrationParts {{
        revision: "r{i:04d}",
        down_revisions: {parents},
        branch: None,
        message: "migration {i}",
        upgrade: const {{ &[{', '.join(up)}] }},
        downgrade: Some(const {{ &[{', '.join(down)}] }}),
        downgrade_is_derived: true,
        checksum: "0000000000000000000000000000000000000000000000000000000000000000",
        transactional: true,
        module_path: module_path!(),
        file: file!(),
        line: line!(),
        functions: &[],
        anchor: crate::anchor,
    }})
}}
"""
)

write(f"{out}/Cargo.toml", '[workspace]\nresolver = "2"\nmembers = ["checked", "plain"]\n')
write(f"{out}/checked/Cargo.toml", manifest("checked"))
write(f"{out}/plain/Cargo.toml", manifest("plain"))
write(f"{out}/checked/src/lib.rs", "migrate_runtime::migrations!();\nmod m;\n")
write(
    f"{out}/plain/src/lib.rs",
    "pub struct Anchor;\n\npub fn anchor() -> ::core::any::TypeId {\n    ::core::any::TypeId::of::<Anchor>()\n}\n\npub fn migrations() -> usize {\n"
    "    migrate_runtime::__private::inventory::iter::<migrate_runtime::Migration>.into_iter().count()\n}\nmod m;\n",
)
mods = "".join(f"mod m{i:04d};\n" for i in range(n))
write(f"{out}/checked/src/m/mod.rs", mods)
write(f"{out}/plain/src/m/mod.rs", mods)
for i in range(n):
    write(f"{out}/checked/src/m/m{i:04d}.rs", checked(i))
    write(f"{out}/plain/src/m/m{i:04d}.rs", plain(i))
