//! SQLite's introspection: `sqlite_master` and the table pragmas, with the
//! names and expressions only the `CREATE` text keeps read from it
//! ([`sql_text`]).

use super::sql_text;
use crate::backend::capture::{col, insert_unique, rows, text, Captured};
use crate::error::Error;
use crate::introspect::*;
use crate::migration::Connection;

/// A map key: the name, or a description for an unnamed object.
fn key(name: &Option<String>, unnamed: impl FnOnce() -> String) -> String {
    match name {
        Some(n) => n.clone(),
        None => format!("(unnamed) {}", unnamed()),
    }
}

/// A string literal.
fn lit(s: &str) -> String {
    super::types::quote_literal(s)
}

/// A list as keys of unnamed objects show it: `[a, b]`.
fn list(items: &[String]) -> String {
    format!("[{}]", items.join(", "))
}

fn same(a: &[String], b: &[String]) -> bool {
    a.len() == b.len() && a.iter().zip(b).all(|(x, y)| x.eq_ignore_ascii_case(y))
}

pub(super) fn capture(conn: &mut Connection<'_>) -> Result<Snapshot, Error> {
    let mut snap = Captured::new(super::Sqlite::DIALECT);
    let tables = rows(
        conn,
        "the tables",
        "SELECT name, sql FROM sqlite_master \
         WHERE type = 'table' AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\' ORDER BY name",
    )?;
    for row in tables {
        let name = text(&row, 0);
        let table = table(conn, &name, &text(&row, 1))?;
        snap.tables.insert(name, table);
    }
    let others = rows(
        conn,
        "the views and triggers",
        "SELECT type, name, tbl_name, sql FROM sqlite_master \
         WHERE type IN ('view', 'trigger') ORDER BY name",
    )?;
    for row in others {
        let definition = sql_text::render(&sql_text::parse(&text(&row, 3)));
        if text(&row, 0) == "view" {
            snap.views.insert(text(&row, 1), definition);
        } else {
            snap.triggers.insert(
                text(&row, 1),
                TriggerSnapshot {
                    table: text(&row, 2),
                    definition,
                },
            );
        }
    }
    Ok(snap.into())
}

fn table(conn: &mut Connection<'_>, name: &str, sql: &str) -> Result<TableSnapshot, Error> {
    let mut parsed = sql_text::parse_create_table(sql);
    let mut t = TableSnapshot::new(name.to_string());
    let quoted = lit(name);

    let columns = rows(
        conn,
        &format!("the columns of `{name}`"),
        &format!(
            "SELECT name, type, \"notnull\", dflt_value, hidden \
             FROM pragma_table_xinfo({quoted}) ORDER BY cid"
        ),
    )?;
    for row in columns {
        let column = text(&row, 0);
        let default = match text(&row, 4).as_str() {
            "1" => continue,
            hidden @ ("2" | "3") => parsed
                .generated
                .iter()
                .find(|(c, _)| c.eq_ignore_ascii_case(&column))
                .map(|(_, expr)| {
                    let kind = if hidden == "3" { "STORED" } else { "VIRTUAL" };
                    format!("GENERATED ALWAYS AS ({expr}) {kind}")
                }),
            _ => col(&row, 3),
        };
        t.columns.push(ColumnSnapshot {
            name: column,
            data_type: sql_text::normalise_type(&text(&row, 1)),
            nullable: text(&row, 2) == "0",
            default,
            comment: None,
        });
    }

    let pk = pk_columns(conn, name)?;
    if !pk.is_empty() {
        t.primary_key = Some(PrimaryKeySnapshot {
            name: parsed.primary_key.and_then(|k| k.name),
            columns: pk,
        });
    }

    for (name, expression) in parsed.checks {
        let k = key(&name, || expression.clone());
        insert_unique(
            &mut t.check_constraints,
            k,
            CheckSnapshot { name, expression },
        );
    }

    let fks = rows(
        conn,
        &format!("the foreign keys of `{name}`"),
        &format!(
            "SELECT id, \"table\", \"from\", \"to\", on_update, on_delete \
             FROM pragma_foreign_key_list({quoted}) ORDER BY id, seq"
        ),
    )?;
    let mut groups: Vec<(String, Vec<Vec<Option<String>>>)> = Vec::new();
    for row in fks {
        let id = text(&row, 0);
        match groups.last_mut() {
            Some((last, rows)) if *last == id => rows.push(row),
            _ => groups.push((id, vec![row])),
        }
    }
    for (_, group) in groups {
        let first = &group[0];
        let referenced_table = text(first, 1);
        let columns: Vec<String> = group.iter().map(|r| text(r, 2)).collect();
        let declared: Vec<String> = group.iter().filter_map(|r| col(r, 3)).collect();
        let referenced_columns = if declared.len() == group.len() {
            declared.clone()
        } else {
            pk_columns(conn, &referenced_table)?
        };
        let found = parsed.foreign_keys.iter().position(|f| {
            same(&f.columns, &columns)
                && f.table.eq_ignore_ascii_case(&referenced_table)
                && same(&f.referenced, &declared)
        });
        let name = found.and_then(|i| parsed.foreign_keys.remove(i).name);
        let fk = ForeignKeySnapshot {
            name,
            columns,
            referenced_table,
            referenced_columns,
            on_delete: text(first, 5),
            on_update: text(first, 4),
        };
        let k = key(&fk.name, || {
            format!(
                "{} -> {}{}",
                list(&fk.columns),
                fk.referenced_table,
                list(&fk.referenced_columns)
            )
        });
        insert_unique(&mut t.foreign_keys, k, fk);
    }

    let indexes = rows(
        conn,
        &format!("the indexes of `{name}`"),
        &format!("SELECT name, \"unique\", origin FROM pragma_index_list({quoted})"),
    )?;
    for row in indexes {
        let index = text(&row, 0);
        match text(&row, 2).as_str() {
            "c" => {
                let i = created_index(conn, &index, text(&row, 1) == "1")?;
                t.indexes.insert(index, i);
            }
            "u" => {
                let columns: Vec<String> = rows(
                    conn,
                    &format!("the columns of index `{index}`"),
                    &format!(
                        "SELECT name FROM pragma_index_info({}) ORDER BY seqno",
                        lit(&index)
                    ),
                )?
                .iter()
                .map(|r| text(r, 0))
                .collect();
                let found = parsed
                    .uniques
                    .iter()
                    .position(|u| same(&u.columns, &columns));
                let name = found.and_then(|i| parsed.uniques.remove(i).name);
                let k = key(&name, || list(&columns));
                insert_unique(
                    &mut t.unique_constraints,
                    k,
                    UniqueSnapshot { name, columns },
                );
            }
            // "pk": the primary key, captured above.
            _ => {}
        }
    }
    Ok(t)
}

/// The primary key columns of a table, in key order.
fn pk_columns(conn: &mut Connection<'_>, table: &str) -> Result<Vec<String>, Error> {
    Ok(rows(
        conn,
        &format!("the primary key of `{table}`"),
        &format!(
            "SELECT name FROM pragma_table_info({}) WHERE pk > 0 ORDER BY pk",
            lit(table)
        ),
    )?
    .iter()
    .map(|r| text(r, 0))
    .collect())
}

fn created_index(
    conn: &mut Connection<'_>,
    name: &str,
    unique: bool,
) -> Result<IndexSnapshot, Error> {
    let sql = rows(
        conn,
        &format!("the SQL of index `{name}`"),
        &format!(
            "SELECT sql FROM sqlite_master WHERE type = 'index' AND name = {}",
            lit(name)
        ),
    )?
    .first()
    .map(|r| text(r, 0))
    .unwrap_or_default();
    let parsed = sql_text::parse_create_index(&sql);
    let keys = rows(
        conn,
        &format!("the columns of index `{name}`"),
        &format!(
            "SELECT cid, name, \"desc\" FROM pragma_index_xinfo({}) \
             WHERE key = 1 ORDER BY seqno",
            lit(name)
        ),
    )?;
    let columns = keys
        .iter()
        .enumerate()
        .map(|(i, r)| {
            let mut c = match col(r, 1) {
                Some(column) if text(r, 0) != "-2" => column,
                _ => parsed
                    .columns
                    .get(i)
                    .cloned()
                    .unwrap_or_else(|| "<expression>".into()),
            };
            if text(r, 2) == "1" {
                c.push_str(" DESC");
            }
            c
        })
        .collect();
    Ok(IndexSnapshot {
        name: name.to_string(),
        columns,
        unique,
        predicate: parsed.predicate,
    })
}
