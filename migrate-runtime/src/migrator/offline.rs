//! Offline SQL: `upgrade_sql`, `downgrade_sql` and `stamp_sql` write the
//! script a database would run, version-table statements included: the
//! same rows an online run writes, progress rows too where a migration runs
//! outside a transaction (see `progress.rs`).

use super::render::Stmt;
use super::{show, Migrator};
use crate::dialect::Dialect;
use crate::error::Error;
use crate::graph::{Direction, Step};
use crate::version::Progress;
use std::collections::BTreeSet;

impl Migrator {
    /// The SQL of an upgrade from `from` (default: base) to `to`, version table
    /// statements included, without a connection.
    pub fn upgrade_sql(
        &self,
        dialect: Dialect,
        from: Option<&str>,
        to: &str,
    ) -> Result<String, Error> {
        let applied = self.closure(from)?;
        let plan = self.graph.upgrade_plan(&applied, to)?;
        self.offline(dialect, &plan, &applied, applied.is_empty())
    }

    /// The SQL of a downgrade from `from` to `to`, without a connection.
    pub fn downgrade_sql(&self, dialect: Dialect, from: &str, to: &str) -> Result<String, Error> {
        let applied = self.closure(Some(from))?;
        let plan = self.graph.downgrade_plan(&applied, to)?;
        self.offline(dialect, &plan, &applied, false)
    }

    /// The SQL of `stamp` from `from` (default: base) to `to`, without a
    /// connection: the version table is created if missing, rows the target
    /// does not include are deleted (with `purge`, every row), the target's
    /// revisions inserted. No migration runs.
    pub fn stamp_sql(
        &self,
        dialect: Dialect,
        from: Option<&str>,
        to: &str,
        purge: bool,
    ) -> Result<String, Error> {
        let have = self.closure(from)?;
        let recorded: Vec<&str> = self
            .graph
            .topological_order()
            .into_iter()
            .filter(|r| have.contains(*r))
            .collect();
        let (sql, _) = self.stamp_statements(dialect, &recorded, to, purge)?;
        let create = self
            .version_table
            .create_sql(dialect)
            .map_err(|u| self.unsupported("version table", 0, u))?;
        let mut out = script_start(dialect);
        out.push('\n');
        out.push_str(&comment(&format!("Stamping {to}")));
        out.push_str(&format!("BEGIN;\n{create};\n"));
        for s in sql {
            out.push_str(&s);
            out.push_str(";\n");
        }
        out.push_str("COMMIT;\n");
        Ok(out)
    }

    fn offline(
        &self,
        dialect: Dialect,
        plan: &[Step],
        applied: &BTreeSet<String>,
        create_table: bool,
    ) -> Result<String, Error> {
        let vt = &self.version_table;
        let mut out = String::new();
        let backend = dialect.backend();
        let (before_migrations, after_migrations) = backend.script_migrations_around();
        out.push_str(&script_start(dialect));
        out.push_str(before_migrations);
        let rendered = self.render_plan(dialect, plan, applied)?;
        let rebuilds = rendered
            .iter()
            .flatten()
            .any(|(_, s)| matches!(s, Stmt::ExpectColumns { .. }));
        if let Some(r) = backend.rebuilds().filter(|_| rebuilds) {
            out.push_str(&comment(r.script_note()));
        }
        if create_table {
            out.push_str(&format!(
                "\n{};\n",
                vt.create_sql(dialect)
                    .map_err(|u| self.unsupported("version table", 0, u))?
            ));
        }
        for (step, statements) in plan.iter().zip(rendered) {
            let m = self.migration(&step.revision);
            let (what, arrow) = match step.direction {
                Direction::Up => (
                    "upgrade",
                    format!("{} -> {}", show(&step.parents), m.revision()),
                ),
                Direction::Down => (
                    "downgrade",
                    format!("{} -> {}", m.revision(), show(&step.parents)),
                ),
            };
            out.push('\n');
            out.push_str(&comment(&format!(
                "Running {what} {arrow}, {}",
                m.message()
            )));
            // Where DDL commits on its own (MySQL), BEGIN would only promise
            // what COMMIT cannot keep.
            let transactional = m.transactional() && dialect.transactional_ddl();
            if transactional {
                out.push_str("BEGIN;\n");
            }
            // Outside a transaction each statement stays once it ran: as
            // online, the version row records how far the step got after
            // each statement but the last, so a script that stops part-way
            // (the client stops at the first error) leaves the partial row
            // an online run resumes or undoes from.
            let total = statements.len();
            let stored = m.checksum().stored();
            let mut row_exists = step.direction == Direction::Down;
            for (pos, (i, statement)) in statements.into_iter().enumerate() {
                match statement {
                    // psql and sqlite3 end a line at a NUL and run what
                    // follows it as SQL; no database keeps one in text.
                    Stmt::Sql(sql) if sql.contains('\0') => {
                        return Err(Error::Offline {
                            revision: m.revision().to_string(),
                            message: m.message().to_string(),
                            reason: format!("op {} writes a NUL character (`\\0`) into the script, where psql and sqlite3 would end the line and run the rest as SQL (and PostgreSQL text cannot hold it)\nhelp: remove the NUL from the op's values", i + 1),
                        })
                    }
                    Stmt::Sql(sql) => push_statement(&mut out, &sql),
                    Stmt::ExpectColumns { table, columns } => {
                        out.push_str(&comment(&format!("rebuilding \"{table}\", which must have the columns {}", columns.join(", "))));
                        let context = format!("{} ({})", m.revision(), m.message().replace('\0', "\\0"));
                        let guard = backend.rebuilds().map(|r| r.guard(&table, &columns, &context));
                        for sql in guard.into_iter().flatten() {
                            push_statement(&mut out, &sql);
                        }
                    }
                    Stmt::Run(function) => {
                        return Err(Error::Offline {
                            revision: m.revision().to_string(),
                            message: m.message().to_string(),
                            reason: format!("`run({function})` is Rust code, which SQL cannot contain; apply this migration online"),
                        })
                    }
                }
                if !transactional && pos + 1 < total {
                    let progress = Progress {
                        direction: step.direction,
                        done: pos + 1,
                        total,
                        undone: 0,
                    };
                    let row = vt
                        .progress_sql(dialect, m.revision(), &progress.encode(&stored), row_exists)
                        .map_err(|u| self.unsupported(m.revision(), 0, u))?;
                    push_statement(&mut out, &row);
                    row_exists = true;
                }
            }
            let version = match step.direction {
                Direction::Up if row_exists => vt.complete_sql(dialect, m.revision(), &stored, "0"),
                Direction::Up => vt.insert_sql(dialect, m.revision(), &stored, 0),
                Direction::Down => vt.delete_sql(dialect, m.revision()),
            }
            .map_err(|u| self.unsupported(m.revision(), 0, u))?;
            out.push_str(&version);
            out.push_str(";\n");
            if transactional {
                out.push_str("COMMIT;\n");
            }
        }
        out.push_str(after_migrations);
        Ok(out)
    }
}

/// A script's comment: every line of `text` behind `--`. A line break inside
/// a message or a name would otherwise end the comment and leave the rest to
/// run as SQL; PostgreSQL ends a `--` comment at `\r` too.
fn comment(text: &str) -> String {
    text.replace("\r\n", "\n")
        .split(['\n', '\r', '\u{85}', '\u{2028}', '\u{2029}'])
        .map(|line| format!("-- {}\n", line.replace('\0', "\\0")))
        .collect()
}

/// The top of every script: where it comes from, and, on PostgreSQL, the
/// settings its literals and any `execute` text are written for (psql sends
/// the statements one by one, so what follows reads them; the tool's own
/// literals do not depend on them).
fn script_start(dialect: Dialect) -> String {
    let mut out = comment(&format!("generated by migrate-runtime for {dialect}"));
    out.push_str(dialect.backend().script_settings());
    out
}

/// Appends one statement and its `;` to a script (or to a message of
/// several statements). `execute` text often ends in its own `;`, or a
/// comment after it (a `.sql` file's last lines): what follows its last
/// token goes, since MariaDB refuses the empty statement that would make
/// (`sqltext::without_trailing`). The `;` goes on a line of its own when the
/// statement's last line holds `--` or `#` (MySQL's other comment), in
/// case that is a comment it does not know of.
pub(super) fn push_statement(script: &mut String, sql: &str) {
    let sql = migrate_core::sqltext::without_trailing(sql);
    if sql.is_empty() {
        return;
    }
    script.push_str(sql);
    if sql
        .lines()
        .last()
        .is_some_and(|l| l.contains("--") || l.contains('#'))
    {
        script.push('\n');
    }
    script.push_str(";\n");
}

#[cfg(test)]
mod tests {
    use super::{comment, push_statement};

    #[test]
    fn every_line_of_a_comment_is_commented() {
        assert_eq!(
            comment("a\nDROP TABLE t;\r\nb\rc\0d"),
            "-- a\n-- DROP TABLE t;\n-- b\n-- c\\0d\n"
        );
    }

    #[test]
    fn a_trailing_comment_does_not_swallow_the_separator() {
        let mut script = String::new();
        push_statement(&mut script, "SELECT 1 -- the first");
        push_statement(&mut script, "SELECT '--' || 'x'");
        push_statement(&mut script, "SELECT 2");
        // A statement's own `;`s and what follows them: one `;`.
        push_statement(&mut script, "SELECT 3;\n");
        push_statement(&mut script, "SELECT 4; ;\n-- done\n");
        push_statement(&mut script, " ;\n");
        assert_eq!(
            script,
            "SELECT 1;\nSELECT '--' || 'x'\n;\nSELECT 2;\nSELECT 3;\nSELECT 4;\n"
        );
        // Ending inside a string: kept whole, its `;` on a line of its own.
        let mut script = String::new();
        push_statement(&mut script, "SELECT 'a -- b");
        assert_eq!(script, "SELECT 'a -- b\n;\n");
    }
}
