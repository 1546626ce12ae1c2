//! `execute(file = "...")` is tracked by the build: a program built, its SQL
//! file edited, built again (nothing else changed) carries the new SQL.
//! Without the tracking cargo would call the second build fresh and keep
//! the old text, which the program compares with the file on disk.

use std::path::Path;

fn program(sql: &Path) -> String {
    format!(
        r#"#![deny(warnings)]
use migrate_runtime::{{migration, op}};

migrate_runtime::migrations!();

/// tracked
#[migration(revision = "t1", down_revision = None, irreversible)]
mod tracked {{
    fn upgrade() {{
        op!(execute(file = "tracked.sql"));
    }}
}}

fn main() {{
    let all = migrations();
    let [migrate_runtime::ops::Op::Execute(sql)] = all.get("t1").unwrap().upgrade() else {{
        panic!("one execute")
    }};
    let on_disk = std::fs::read_to_string({sql:?}).unwrap().replace("\r\n", "\n");
    assert_eq!(sql.any.as_deref(), Some(on_disk.as_str()), "the build did not see the edit");
}}
"#
    )
}

#[test]
fn an_edited_sql_file_rebuilds_the_crate() {
    let dir = tempfile::tempdir().unwrap();
    let sql = dir.path().join("tracked.sql");
    let main = dir.path().join("tracked.rs");
    std::fs::write(&main, program(&sql)).unwrap();
    for text in ["SELECT 1;\n", "SELECT 2;\r\nSELECT 3;\r\n"] {
        std::fs::write(&sql, text).unwrap();
        let t = trybuild::TestCases::new();
        t.pass(&main);
        drop(t);
    }
}
