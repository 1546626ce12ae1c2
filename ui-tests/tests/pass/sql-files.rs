// `execute(file = "...")`: the SQL of `.sql` files next to the migration's
// source file, read when the crate builds; the same text saved with CRLF and
// with LF line endings is the same op, with the same checksum.
#![deny(warnings)]

use migrate_runtime::{migration, op};

migrate_runtime::migrations!();

/// notes, from files saved with LF
#[migration(revision = "0001", down_revision = None)]
mod notes {
    fn upgrade() {
        op!(execute(file = "sql/notes_up.sql"));
    }

    fn downgrade() {
        op!(execute(file = "sql/notes_down.sql"));
    }
}

/// the same SQL, saved with CRLF
#[migration(revision = "0002", down_revision = "0001", transactional = false)]
mod notes_again {
    fn upgrade() {
        op!(execute(file = "sql/notes_up_crlf.sql"));
    }

    fn downgrade() {
        op!(execute(file = "./sql/../sql/notes_down.sql"));
    }
}

/// the same SQL, in the attribute's form
#[migration(
    revision = "0003",
    down_revision = "0002",
    up_sql = "sql/notes_up_crlf.sql",
    down_sql = "sql/notes_down.sql"
)]
mod notes_by_attribute {}

fn main() {
    use migrate_runtime::ops::Op;
    use migrate_runtime::{Database, Migrator};
    let all = migrations();
    let (lf, crlf) = (all.get("0001").unwrap(), all.get("0002").unwrap());
    assert_eq!(lf.checksum(), crlf.checksum());
    assert_eq!(lf.upgrade(), crlf.upgrade());
    let attribute = all.get("0003").unwrap();
    assert_eq!(attribute.checksum(), lf.checksum());
    assert_eq!(attribute.downgrade(), lf.downgrade());
    let [Op::Execute(sql)] = lf.upgrade() else {
        panic!("{:?}", lf.upgrade())
    };
    let text = sql.any.as_deref().unwrap();
    assert!(text.starts_with("CREATE TABLE IF NOT EXISTS notes (\n") && !text.contains('\r'), "{text:?}");
    assert!(!crlf.transactional());

    let m = Migrator::new(all).unwrap();
    let mut conn = Database::connect(":memory:").unwrap();
    m.upgrade(&mut conn, "head").unwrap();
    m.downgrade(&mut conn, "base").unwrap();
}
