//! MySQL's introspection: `information_schema` for the connection's
//! database (`DATABASE()`), each expression as the server reports it, every
//! value cast to text.
//!
//! What MySQL adds on its own is left out, as it is on both sides of any
//! comparison: the index a foreign key makes under its name, and MariaDB's
//! `json_valid` check of a JSON column (the column is reported as `json`).
//! Enums belong to their columns; each distinct one is listed as an enum
//! type named after its column (`table_column` when columns of that name
//! differ).

use crate::backend::capture::{col, insert_unique, rows, text, Captured};
use crate::error::Error;
use crate::introspect::*;
use crate::migration::Connection;
use std::collections::{BTreeMap, BTreeSet};

const HERE: &str = "DATABASE()";

/// Joins several values in one text column.
const SEP: char = '\u{1f}';

fn split(value: Option<String>) -> Vec<String> {
    match value {
        Some(v) if !v.is_empty() => v.split(SEP).map(str::to_owned).collect(),
        _ => Vec::new(),
    }
}

pub(super) fn capture(conn: &mut Connection<'_>) -> Result<Snapshot, Error> {
    let mut snap = Captured::new(super::Mysql::DIALECT);

    let sql = format!(
        "SELECT TABLE_NAME AS t, TABLE_COMMENT AS comment FROM information_schema.TABLES \
         WHERE TABLE_SCHEMA = {HERE} AND TABLE_TYPE = 'BASE TABLE'"
    );
    for row in rows(conn, "the tables", &sql)? {
        let mut t = TableSnapshot::new(text(&row, 0));
        t.comment = col(&row, 1).filter(|c| !c.is_empty());
        snap.tables.insert(t.name.clone(), t);
    }

    // MariaDB's JSON is LONGTEXT with a column-level CHECK (json_valid).
    let sql = format!(
        "SELECT TABLE_NAME AS t, CONSTRAINT_NAME AS name, CHECK_CLAUSE AS clause, \
                CAST(LEVEL AS CHAR) AS level \
         FROM information_schema.CHECK_CONSTRAINTS WHERE CONSTRAINT_SCHEMA = {HERE}"
    );
    let mut json_columns = BTreeSet::new();
    let mut checks = Vec::new();
    for row in rows(conn, "the check constraints", &sql)? {
        let (table, name, clause) = (text(&row, 0), text(&row, 1), text(&row, 2));
        if text(&row, 3) == "Column" && clause == format!("json_valid(`{name}`)") {
            json_columns.insert((table, name));
        } else {
            checks.push((table, name, clause));
        }
    }

    let sql = format!(
        "SELECT TABLE_NAME AS t, COLUMN_NAME AS name, COLUMN_TYPE AS type, IS_NULLABLE AS nullable, \
                COLUMN_DEFAULT AS dflt, EXTRA AS extra, COLUMN_COMMENT AS comment, \
                GENERATION_EXPRESSION AS generated \
         FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = {HERE} \
         ORDER BY TABLE_NAME, ORDINAL_POSITION"
    );
    let mut enum_columns: Vec<(String, String, Vec<String>)> = Vec::new();
    for row in rows(conn, "the columns", &sql)? {
        let (table, name) = (text(&row, 0), text(&row, 1));
        let extra = text(&row, 5).to_ascii_lowercase();
        let default = if extra.contains("auto_increment") {
            Some(super::AUTO_INCREMENT.to_string())
        } else if extra.contains("generated") {
            let stored = if extra.contains("stored") {
                "STORED"
            } else {
                "VIRTUAL"
            };
            Some(format!("GENERATED ALWAYS AS ({}) {stored}", text(&row, 7)))
        } else {
            // MariaDB reports a nullable column's implicit default as `NULL`.
            col(&row, 4).filter(|d| d != "NULL")
        };
        let mut data_type = text(&row, 2);
        if json_columns.contains(&(table.clone(), name.clone())) {
            data_type = "json".into();
        }
        if let Some(values) = super::types::enum_values(&data_type) {
            enum_columns.push((table.clone(), name.clone(), values));
        }
        if let Some(t) = snap.tables.get_mut(&table) {
            t.columns.push(ColumnSnapshot {
                name,
                data_type,
                nullable: text(&row, 3) == "YES",
                default,
                comment: col(&row, 6).filter(|c| !c.is_empty()),
            });
        }
    }
    for (table, name, clause) in checks {
        if let Some(t) = snap.tables.get_mut(&table) {
            let c = CheckSnapshot {
                name: Some(name.clone()),
                expression: clause,
            };
            insert_unique(&mut t.check_constraints, name, c);
        }
    }

    let sep = SEP;
    let sql = format!(
        "SELECT c.TABLE_NAME AS t, c.CONSTRAINT_NAME AS name, c.CONSTRAINT_TYPE AS kind, \
                GROUP_CONCAT(k.COLUMN_NAME ORDER BY k.ORDINAL_POSITION SEPARATOR '{sep}') AS cols, \
                MAX(CASE WHEN k.REFERENCED_TABLE_SCHEMA = {HERE} THEN k.REFERENCED_TABLE_NAME \
                         ELSE CONCAT(k.REFERENCED_TABLE_SCHEMA, '.', k.REFERENCED_TABLE_NAME) END) AS ref_table, \
                GROUP_CONCAT(k.REFERENCED_COLUMN_NAME ORDER BY k.ORDINAL_POSITION SEPARATOR '{sep}') AS ref_cols, \
                MAX(r.DELETE_RULE) AS del, MAX(r.UPDATE_RULE) AS upd \
         FROM information_schema.TABLE_CONSTRAINTS c \
         JOIN information_schema.KEY_COLUMN_USAGE k \
           ON k.CONSTRAINT_SCHEMA = c.CONSTRAINT_SCHEMA AND k.TABLE_NAME = c.TABLE_NAME \
          AND k.CONSTRAINT_NAME = c.CONSTRAINT_NAME \
         LEFT JOIN information_schema.REFERENTIAL_CONSTRAINTS r \
           ON r.CONSTRAINT_SCHEMA = c.CONSTRAINT_SCHEMA AND r.TABLE_NAME = c.TABLE_NAME \
          AND r.CONSTRAINT_NAME = c.CONSTRAINT_NAME \
         WHERE c.CONSTRAINT_SCHEMA = {HERE} \
           AND c.CONSTRAINT_TYPE IN ('PRIMARY KEY', 'UNIQUE', 'FOREIGN KEY') \
         GROUP BY c.TABLE_NAME, c.CONSTRAINT_NAME, c.CONSTRAINT_TYPE"
    );
    let mut foreign_keys: BTreeSet<(String, String)> = BTreeSet::new();
    let mut unique_names: BTreeSet<(String, String)> = BTreeSet::new();
    for row in rows(conn, "the constraints", &sql)? {
        let table = text(&row, 0);
        let Some(t) = snap.tables.get_mut(&table) else {
            continue;
        };
        let name = text(&row, 1);
        let columns = split(col(&row, 3));
        match text(&row, 2).as_str() {
            "PRIMARY KEY" => {
                t.primary_key = Some(PrimaryKeySnapshot {
                    name: Some(name),
                    columns,
                })
            }
            "UNIQUE" => {
                unique_names.insert((table, name.clone()));
                let u = UniqueSnapshot {
                    name: Some(name.clone()),
                    columns,
                };
                insert_unique(&mut t.unique_constraints, name, u);
            }
            _ => {
                foreign_keys.insert((table, name.clone()));
                let f = ForeignKeySnapshot {
                    name: Some(name.clone()),
                    columns,
                    referenced_table: text(&row, 4),
                    referenced_columns: split(col(&row, 5)),
                    on_delete: text(&row, 6),
                    on_update: text(&row, 7),
                };
                insert_unique(&mut t.foreign_keys, name, f);
            }
        }
    }

    let sql = format!(
        "SELECT TABLE_NAME AS t, INDEX_NAME AS name, CAST(NON_UNIQUE AS CHAR) AS non_unique, \
                GROUP_CONCAT(CONCAT(COLUMN_NAME, \
                    CASE WHEN SUB_PART IS NULL THEN '' ELSE CONCAT('(', CAST(SUB_PART AS CHAR), ')') END, \
                    CASE WHEN COLLATION = 'D' THEN ' DESC' ELSE '' END) \
                    ORDER BY SEQ_IN_INDEX SEPARATOR '{sep}') AS cols \
         FROM information_schema.STATISTICS \
         WHERE TABLE_SCHEMA = {HERE} AND INDEX_NAME <> 'PRIMARY' \
         GROUP BY TABLE_NAME, INDEX_NAME, NON_UNIQUE"
    );
    for row in rows(conn, "the indexes", &sql)? {
        let (table, name) = (text(&row, 0), text(&row, 1));
        // A unique constraint's index is the constraint; a foreign key's,
        // MySQL's own.
        let key = (table.clone(), name.clone());
        if unique_names.contains(&key) || foreign_keys.contains(&key) {
            continue;
        }
        let Some(t) = snap.tables.get_mut(&table) else {
            continue;
        };
        t.indexes.insert(
            name.clone(),
            IndexSnapshot {
                name,
                columns: split(col(&row, 3)),
                unique: text(&row, 2) == "0",
                predicate: None,
            },
        );
    }

    // One enum type per distinct column enum, named after the column.
    let mut by_name: BTreeMap<&str, BTreeSet<&Vec<String>>> = BTreeMap::new();
    for (_, column, values) in &enum_columns {
        by_name.entry(column).or_default().insert(values);
    }
    for (table, column, values) in &enum_columns {
        let name = if by_name[column.as_str()].len() == 1 {
            column.clone()
        } else {
            format!("{table}_{column}")
        };
        snap.enums.insert(
            name.clone(),
            EnumSnapshot {
                name,
                values: values.clone(),
            },
        );
    }

    let sql = format!(
        "SELECT TABLE_NAME AS t, VIEW_DEFINITION AS definition FROM information_schema.VIEWS \
         WHERE TABLE_SCHEMA = {HERE}"
    );
    for row in rows(conn, "the views", &sql)? {
        snap.views
            .insert(text(&row, 0), text(&row, 1).trim().to_string());
    }

    let sql = format!(
        "SELECT TRIGGER_NAME AS name, EVENT_OBJECT_TABLE AS t, \
                CONCAT(ACTION_TIMING, ' ', EVENT_MANIPULATION, ' ', ACTION_STATEMENT) AS definition \
         FROM information_schema.TRIGGERS WHERE TRIGGER_SCHEMA = {HERE}"
    );
    for row in rows(conn, "the triggers", &sql)? {
        snap.triggers.insert(
            text(&row, 0),
            TriggerSnapshot {
                table: text(&row, 1),
                definition: text(&row, 2),
            },
        );
    }
    Ok(snap.into())
}
