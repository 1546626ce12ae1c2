//! Checksums of a migration's upgrade, from a versioned canonical encoding.
//!
//! The checksum is computed from the op *data*, never from source text or
//! `Debug` output: reformatting a file, reordering keyword arguments, CRLF line
//! endings, re-indenting an SQL string, or editing `downgrade()` leave it as it
//! was; changing what the upgrade does changes it. The encoding is versioned so
//! that a future change to it can be told apart from an edited migration: the
//! version is stored with the checksum (`v1:<hex>`), and a row is verified
//! with the encoding it names. The golden values in the tests below pin
//! version 1 and must never change.
//!
//! Encoding v1: the bytes `migrate-checksum-v1\0`, then each op as a tag string
//! followed by its fields in declaration order. Strings are a little-endian u32
//! byte length and UTF-8 bytes; `Option` a 0/1 byte then the value; lists a u32
//! count then the items; booleans one byte. SQL text (execute, checks,
//! predicates, `text(...)`, USING) has runs of whitespace outside quotes
//! collapsed to one space and is trimmed first.

use crate::model::*;
use sha2::{Digest, Sha256};

/// The version of the canonical encoding, stored with each checksum as a
/// `v1:` prefix ([`Checksum::stored`], [`StoredChecksum`]).
pub const ENCODING_VERSION: u32 = 1;

/// [`Checksum::stored`]'s prefix: `v`, [`ENCODING_VERSION`], `:`.
const STORED_PREFIX: &str = "v1:";

/// The digits [`hex`] writes.
const DIGITS: &[u8; 16] = b"0123456789abcdef";

/// Bytes as lower-case hex, two digits each (how checksums are written,
/// ours and the ones other tools record).
pub fn hex(bytes: &[u8]) -> String {
    let mut out = String::with_capacity(2 * bytes.len());
    for &b in bytes {
        out.push(DIGITS[usize::from(b >> 4)] as char);
        out.push(DIGITS[usize::from(b & 0xf)] as char);
    }
    out
}

/// A SHA-256 over the canonical encoding of an op list.
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct Checksum(pub [u8; 32]);

impl Checksum {
    /// Lower-case hex, 64 characters.
    pub fn to_hex(&self) -> String {
        hex(&self.0)
    }

    /// Parses 64 hex characters.
    pub fn from_hex(s: &str) -> Option<Checksum> {
        if s.len() != 64 || !s.is_ascii() {
            return None;
        }
        let mut out = [0u8; 32];
        for (i, byte) in out.iter_mut().enumerate() {
            *byte = u8::from_str_radix(&s[2 * i..2 * i + 2], 16).ok()?;
        }
        Some(Checksum(out))
    }
}

impl Checksum {
    /// The form a version table stores: `v<encoding version>:<hex>`.
    pub fn stored(&self) -> String {
        format!("v{ENCODING_VERSION}:{}", self.to_hex())
    }

    /// Whether `text` is exactly [`Checksum::stored`]'s text of this
    /// checksum, compared in place without parsing or allocating (a no-op
    /// run compares every applied row). False for anything else, an equal
    /// checksum in another form (upper-case, no prefix) included: the full
    /// comparison ([`StoredChecksum`]) says what that is.
    pub fn is_stored(&self, text: &str) -> bool {
        stored_digits(text).is_some_and(|digits| {
            digits.len() == 2 * self.0.len()
                && digits
                    .as_bytes()
                    .chunks_exact(2)
                    .zip(self.0)
                    .all(|(pair, b)| {
                        pair == [DIGITS[usize::from(b >> 4)], DIGITS[usize::from(b & 0xf)]]
                    })
        })
    }
}

/// [`Checksum::is_stored`] of the checksum whose hex digits are `hex` (as a
/// migration's record holds it), compared digit by digit without parsing
/// them: what [`Checksum::from_hex`] then `is_stored` says, for 64 hex
/// digits in either case; false when `hex` is not 64 characters.
pub fn hex_is_stored(hex: &str, text: &str) -> bool {
    let Some(digits) = stored_digits(text) else {
        return false;
    };
    // As arrays of a known length, without an early exit: the comparison
    // vectorises.
    let (Ok(digits), Ok(hex)) = (
        <&[u8; 64]>::try_from(digits.as_bytes()),
        <&[u8; 64]>::try_from(hex.as_bytes()),
    ) else {
        return false;
    };
    digits
        .iter()
        .zip(hex)
        .fold(true, |same, (d, h)| same & (*d == h.to_ascii_lowercase()))
}

/// The digits of [`Checksum::stored`]'s form, `v<this encoding version>:`
/// then the digits; `None` for any other form.
fn stored_digits(text: &str) -> Option<&str> {
    // This version's prefix first, without searching: every row a run of
    // this version wrote has it.
    if let Some(digits) = text.strip_prefix(STORED_PREFIX) {
        return Some(digits);
    }
    let (version, digits) = text.split_once(':')?;
    let version = version.strip_prefix('v')?;
    (!version.starts_with('0') && version.parse() == Ok(ENCODING_VERSION)).then_some(digits)
}

/// A checksum as a version table holds it, with the version of the
/// encoding it was computed from.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct StoredChecksum {
    /// The encoding version (1 for a value without prefix: those were
    /// written before the prefix was).
    pub version: u32,
    /// The checksum.
    pub checksum: Checksum,
}

impl StoredChecksum {
    /// Parses `v<N>:<64 hex digits>` (N a decimal number from 1, without
    /// leading zeros), or 64 hex digits alone, which are version 1.
    pub fn parse(s: &str) -> Option<StoredChecksum> {
        let (version, hex) = match s.split_once(':') {
            None => (1, s),
            Some((v, hex)) => {
                let digits = v.strip_prefix('v')?;
                if digits.is_empty()
                    || digits.starts_with('0')
                    || !digits.bytes().all(|b| b.is_ascii_digit())
                {
                    return None;
                }
                (digits.parse().ok()?, hex)
            }
        };
        Some(StoredChecksum {
            version,
            checksum: Checksum::from_hex(hex)?,
        })
    }

    /// Whether `ops` have this checksum under its encoding version; `None`
    /// when this build does not know that version.
    pub fn matches(&self, ops: &[Op]) -> Option<bool> {
        checksum_with(self.version, ops).map(|c| c == self.checksum)
    }
}

/// The checksum of an upgrade under a given encoding version, for rows
/// recorded by an older encoding; `None` for a version this build does not
/// know. Each version stays here for good once released.
pub fn checksum_with(version: u32, ops: &[Op]) -> Option<Checksum> {
    match version {
        1 => Some(checksum(ops)),
        _ => None,
    }
}

impl std::fmt::Debug for Checksum {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Checksum({})", self.to_hex())
    }
}

impl std::fmt::Display for Checksum {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.to_hex())
    }
}

/// The checksum of an upgrade.
pub fn checksum(ops: &[Op]) -> Checksum {
    let bytes = encode(ops);
    Checksum(Sha256::digest(&bytes).into())
}

/// The canonical encoding (version 1) of an op list.
pub fn encode(ops: &[Op]) -> Vec<u8> {
    let mut e = Encoder(Vec::with_capacity(256));
    e.0.extend_from_slice(b"migrate-checksum-v1\0");
    e.list(ops, Encoder::op);
    e.0
}

struct Encoder(Vec<u8>);

impl Encoder {
    fn len(&mut self, n: usize) {
        self.0.extend_from_slice(&(n as u32).to_le_bytes());
    }
    fn str(&mut self, s: &str) {
        self.len(s.len());
        self.0.extend_from_slice(s.as_bytes());
    }
    fn sql(&mut self, s: &str) {
        self.str(&normalize_sql(s));
    }
    fn tag(&mut self, t: &str) {
        self.str(t);
    }
    fn bool(&mut self, b: bool) {
        self.0.push(b as u8);
    }
    fn u32(&mut self, n: u32) {
        self.0.extend_from_slice(&n.to_le_bytes());
    }
    fn opt<T: ?Sized>(&mut self, v: Option<&T>, f: impl FnOnce(&mut Self, &T)) {
        match v {
            None => self.0.push(0),
            Some(v) => {
                self.0.push(1);
                f(self, v)
            }
        }
    }
    fn list<T>(&mut self, items: &[T], mut f: impl FnMut(&mut Self, &T)) {
        self.len(items.len());
        for item in items {
            f(self, item);
        }
    }
    fn strs(&mut self, items: &[Str]) {
        self.list(items, |e, s| e.str(s));
    }
    fn table_ref(&mut self, t: &TableRef) {
        self.opt(t.schema.as_deref(), Self::str);
        self.str(&t.name);
    }

    fn op(&mut self, op: &Op) {
        self.tag(op.name());
        match op {
            Op::CreateTable(t) => self.table(t),
            Op::DropTable { table, definition } => {
                self.table_ref(table);
                self.opt(definition.as_ref(), Self::table);
            }
            Op::RenameTable { schema, old, new } => {
                self.opt(schema.as_deref(), Self::str);
                self.str(old);
                self.str(new);
            }
            Op::AddColumn { table, column } => {
                self.table_ref(table);
                self.column(column);
            }
            Op::DropColumn {
                table,
                column,
                definition,
            } => {
                self.table_ref(table);
                self.str(column);
                self.opt(definition.as_ref(), Self::column);
            }
            Op::AlterColumn(a) => {
                self.table_ref(&a.table);
                self.str(&a.column);
                self.opt(a.new_name.as_deref(), Self::str);
                self.opt(a.ty.as_ref(), Self::ty);
                self.opt(a.nullable.as_ref(), |e, b| e.bool(*b));
                self.opt(a.server_default.as_ref(), |e, d| {
                    e.opt(d.as_ref(), Self::default)
                });
                self.opt(a.comment.as_ref(), |e, c| e.opt(c.as_deref(), Self::str));
                self.opt(a.existing_type.as_ref(), Self::ty);
                self.opt(a.existing_nullable.as_ref(), |e, b| e.bool(*b));
                self.opt(a.existing_server_default.as_ref(), |e, d| {
                    e.opt(d.as_ref(), Self::default)
                });
                self.opt(a.existing_comment.as_ref(), |e, c| {
                    e.opt(c.as_deref(), Self::str)
                });
                self.opt(a.using.as_deref(), Self::sql);
            }
            Op::CreateIndex(i) => self.index(i),
            Op::DropIndex {
                table,
                name,
                definition,
            } => {
                self.table_ref(table);
                self.str(name);
                self.opt(definition.as_ref(), Self::index);
            }
            Op::AddConstraint { table, constraint } => {
                self.table_ref(table);
                self.constraint(constraint);
            }
            Op::DropConstraint {
                table,
                name,
                kind,
                definition,
            } => {
                self.table_ref(table);
                self.str(name);
                self.tag(kind.alembic_name());
                self.opt(definition.as_ref(), Self::constraint);
            }
            Op::CreateEnum(e) => self.enum_type(e),
            Op::DropEnum {
                schema,
                name,
                definition,
            } => {
                self.opt(schema.as_deref(), Self::str);
                self.str(name);
                self.opt(definition.as_ref(), Self::enum_type);
            }
            Op::AddEnumValue {
                schema,
                name,
                value,
                placement,
            } => {
                self.opt(schema.as_deref(), Self::str);
                self.str(name);
                self.str(value);
                self.opt(placement.as_ref(), |e, p| match p {
                    EnumPlacement::Before(v) => {
                        e.tag("before");
                        e.str(v)
                    }
                    EnumPlacement::After(v) => {
                        e.tag("after");
                        e.str(v)
                    }
                });
            }
            Op::SetTableComment {
                table,
                comment,
                existing,
            } => {
                self.table_ref(table);
                self.opt(comment.as_deref(), Self::str);
                self.opt(existing.as_ref(), |e, c| e.opt(c.as_deref(), Self::str));
            }
            Op::BulkInsert { table, rows } => {
                self.table_ref(table);
                self.list(rows, |e, row| {
                    e.list(&row.values, |e, (column, value)| {
                        e.str(column);
                        e.value(value);
                    })
                });
            }
            Op::Execute(sql) => {
                self.opt(sql.any.as_deref(), Self::sql);
                self.opt(sql.postgresql.as_deref(), Self::sql);
                self.opt(sql.sqlite.as_deref(), Self::sql);
                self.opt(sql.mysql.as_deref(), Self::sql);
            }
            Op::Run { function } => self.str(function),
        }
    }

    fn table(&mut self, t: &Table) {
        self.table_ref(&t.table);
        self.list(&t.columns, Self::column);
        self.list(&t.constraints, Self::constraint);
        self.opt(t.comment.as_deref(), Self::str);
    }

    fn column(&mut self, c: &Column) {
        self.str(&c.name);
        self.ty(&c.ty);
        self.bool(c.nullable);
        self.bool(c.primary_key);
        // Not a marker `opt` writes (0, 1): encodings from before the field
        // stay as they were.
        if !c.identity {
            self.0.push(2);
        }
        self.opt(c.autoincrement.as_ref(), |e, b| e.bool(*b));
        self.opt(c.server_default.as_ref(), Self::default);
        self.opt(c.unique.as_deref(), Self::str);
        self.opt(c.index.as_deref(), Self::str);
        self.opt(c.foreign_key.as_ref(), |e, fk| {
            e.str(&fk.name);
            e.table_ref(&fk.referent);
            e.str(&fk.referent_column);
            e.opt(fk.on_delete.as_ref(), |e, a| e.tag(a.sql()));
            e.opt(fk.on_update.as_ref(), |e, a| e.tag(a.sql()));
        });
        self.opt(c.comment.as_deref(), Self::str);
    }

    fn ty(&mut self, t: &ColumnType) {
        match t {
            ColumnType::SmallInteger => self.tag("SmallInteger"),
            ColumnType::Integer => self.tag("Integer"),
            ColumnType::BigInteger => self.tag("BigInteger"),
            ColumnType::String(n) => {
                self.tag("String");
                self.opt(n.as_ref(), |e, n| e.u32(*n));
            }
            ColumnType::Text => self.tag("Text"),
            ColumnType::Boolean => self.tag("Boolean"),
            ColumnType::Numeric { precision, scale } => {
                self.tag("Numeric");
                self.opt(precision.as_ref(), |e, n| e.u32(*n));
                self.opt(scale.as_ref(), |e, n| e.u32(*n));
            }
            ColumnType::Float => self.tag("Float"),
            ColumnType::Double => self.tag("Double"),
            ColumnType::Date => self.tag("Date"),
            ColumnType::Time => self.tag("Time"),
            ColumnType::DateTime { timezone } => {
                self.tag("DateTime");
                self.bool(*timezone);
            }
            ColumnType::Uuid => self.tag("Uuid"),
            ColumnType::Json => self.tag("Json"),
            ColumnType::Jsonb => self.tag("Jsonb"),
            ColumnType::Binary => self.tag("Binary"),
            ColumnType::Enum(e) => {
                self.tag("Enum");
                self.enum_type(e);
            }
        }
    }

    fn enum_type(&mut self, e: &EnumType) {
        self.opt(e.schema.as_deref(), Self::str);
        self.str(&e.name);
        self.strs(&e.values);
        self.bool(e.create_type);
    }

    fn default(&mut self, d: &ServerDefault) {
        match d {
            ServerDefault::Literal(s) => {
                self.tag("literal");
                self.str(s)
            }
            ServerDefault::Number(n) => {
                self.tag("number");
                self.str(n)
            }
            ServerDefault::Boolean(b) => {
                self.tag("boolean");
                self.bool(*b)
            }
            ServerDefault::Sql(s) => {
                self.tag("sql");
                self.sql(s)
            }
            ServerDefault::Now => self.tag("now"),
            ServerDefault::Uuid => self.tag("uuid"),
        }
    }

    fn index(&mut self, i: &Index) {
        self.str(&i.name);
        self.table_ref(&i.table);
        self.list(&i.columns, |e, c| match c {
            IndexColumn::Column(c) => {
                e.tag("column");
                e.str(c)
            }
            IndexColumn::Expression(x) => {
                e.tag("expression");
                e.sql(x)
            }
        });
        self.bool(i.unique);
        self.predicates(i);
        self.opt(i.method.as_deref(), Self::str);
        self.bool(i.concurrently);
    }

    /// One predicate, as v1 always encoded it: the same bytes whichever
    /// of `postgresql_where` and `sqlite_where` carries it, so that giving
    /// the other database the same predicate, as the
    /// `one_database_predicate` lint asks, leaves an applied migration's
    /// checksum as it was. Two different predicates: the tag byte 2, then both.
    fn predicates(&mut self, i: &Index) {
        match (i.postgresql_where.as_deref(), i.sqlite_where.as_deref()) {
            (Some(p), Some(l)) if normalize_sql(p) != normalize_sql(l) => {
                self.0.push(2);
                self.sql(p);
                self.sql(l);
            }
            (p, l) => self.opt(p.or(l), Self::sql),
        }
    }

    fn constraint(&mut self, c: &Constraint) {
        self.str(&c.name);
        match &c.kind {
            ConstraintKind::PrimaryKey { columns } => {
                self.tag("primary");
                self.strs(columns);
            }
            ConstraintKind::Unique { columns } => {
                self.tag("unique");
                self.strs(columns);
            }
            ConstraintKind::Check { condition } => {
                self.tag("check");
                self.sql(condition);
            }
            ConstraintKind::ForeignKey(fk) => {
                self.tag("foreignkey");
                self.strs(&fk.columns);
                self.table_ref(&fk.referent);
                self.strs(&fk.referent_columns);
                self.opt(fk.on_delete.as_ref(), |e, a| e.tag(a.sql()));
                self.opt(fk.on_update.as_ref(), |e, a| e.tag(a.sql()));
                self.opt(fk.deferrable.as_ref(), |e, b| e.bool(*b));
                self.opt(fk.initially_deferred.as_ref(), |e, b| e.bool(*b));
            }
        }
    }

    fn value(&mut self, v: &Value) {
        match v {
            Value::Null => self.tag("null"),
            Value::Bool(b) => {
                self.tag("bool");
                self.bool(*b)
            }
            Value::Number(n) => {
                self.tag("number");
                self.str(n)
            }
            Value::Text(s) => {
                self.tag("text");
                self.str(s)
            }
        }
    }
}

/// Collapses whitespace runs outside quoted text to one space and trims, so
/// re-indenting or re-wrapping an SQL string keeps its checksum. Text inside
/// '...', "..." and $tag$...$tag$ is kept byte for byte.
pub fn normalize_sql(sql: &str) -> String {
    let mut out = String::with_capacity(sql.len());
    let mut chars = sql.char_indices().peekable();
    let mut pending_space = false;
    while let Some((i, c)) = chars.next() {
        if c.is_whitespace() {
            pending_space = true;
            continue;
        }
        if pending_space && !out.is_empty() {
            out.push(' ');
        }
        pending_space = false;
        match c {
            '\'' | '"' => {
                out.push(c);
                for (_, d) in chars.by_ref() {
                    out.push(d);
                    if d == c {
                        break;
                    }
                }
            }
            '$' => {
                // A dollar-quote tag: $$ or $name$.
                let rest = &sql[i + 1..];
                let tag_len = rest.find('$').filter(|&n| {
                    rest[..n]
                        .chars()
                        .all(|ch| ch.is_alphanumeric() || ch == '_')
                });
                match tag_len {
                    Some(n) => {
                        let tag = &sql[i..i + n + 2];
                        let body_start = i + n + 2;
                        let end = sql[body_start..]
                            .find(tag)
                            .map(|p| body_start + p + tag.len())
                            .unwrap_or(sql.len());
                        out.push_str(&sql[i..end]);
                        while chars.peek().is_some_and(|(j, _)| *j < end) {
                            chars.next();
                        }
                    }
                    None => out.push(c),
                }
            }
            _ => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::borrow::Cow;

    fn s(x: &'static str) -> Str {
        Cow::Borrowed(x)
    }

    fn users() -> TableRef {
        TableRef {
            schema: None,
            name: s("users"),
        }
    }

    fn sample() -> Vec<Op> {
        vec![
            Op::AddColumn {
                table: users(),
                column: Column {
                    name: s("role"),
                    ty: ColumnType::String(Some(50)),
                    nullable: true,
                    primary_key: false,
                    autoincrement: None,
                    server_default: Some(ServerDefault::Literal(s("member"))),
                    unique: None,
                    index: None,
                    foreign_key: None,
                    comment: None,
                    identity: true,
                },
            },
            Op::CreateIndex(Index {
                name: s("ix_users_role"),
                table: users(),
                columns: Cow::Owned(vec![IndexColumn::Column(s("role"))]),
                unique: false,
                postgresql_where: Some(s("role <> 'x'")),
                sqlite_where: None,
                method: None,
                concurrently: false,
            }),
            Op::Execute(Sql {
                any: Some(s("UPDATE users\n   SET role = 'a  b'\n WHERE id > 0")),
                postgresql: None,
                sqlite: None,
                mysql: None,
            }),
        ]
    }

    #[test]
    fn golden_value_v1() {
        // Pinned: if this changes, every applied database reports a mismatch.
        assert_eq!(
            checksum(&sample()).to_hex(),
            "882f7d3a1b2e3d4b6e9db6202219aee8fbd70ea421dfdcc289e45ad467f1ca4c"
        );
        assert_eq!(
            checksum(&[]).to_hex(),
            "5e84c9e8e64bff0366880234b3d995a9ea9702b94076b912381db603214b5ff9"
        );
    }

    #[test]
    fn sql_formatting_does_not_change_it() {
        let mut other = sample();
        other[2] = Op::Execute(Sql {
            any: Some(s("  UPDATE users SET role = 'a  b' WHERE id > 0\r\n")),
            postgresql: None,
            sqlite: None,
            mysql: None,
        });
        assert_eq!(checksum(&sample()), checksum(&other));
    }

    #[test]
    fn any_change_of_meaning_changes_it() {
        let base = checksum(&sample());
        let mut quoted = sample();
        quoted[2] = Op::Execute(Sql {
            any: Some(s("UPDATE users SET role = 'a b' WHERE id > 0")),
            postgresql: None,
            sqlite: None,
            mysql: None,
        });
        assert_ne!(base, checksum(&quoted), "whitespace inside quotes is data");
        let mut length = sample();
        if let Op::AddColumn { column, .. } = &mut length[0] {
            column.ty = ColumnType::String(Some(51));
        }
        assert_ne!(base, checksum(&length));
        let mut order = sample();
        order.swap(0, 1);
        assert_ne!(base, checksum(&order));
        let mut unique = sample();
        if let Op::CreateIndex(i) = &mut unique[1] {
            i.unique = true;
        }
        assert_ne!(base, checksum(&unique));
    }

    #[test]
    fn one_predicate_encodes_as_v1_whichever_database_carries_it() {
        let with = |pg: Option<&'static str>, lite: Option<&'static str>| {
            let mut ops = sample();
            if let Op::CreateIndex(i) = &mut ops[1] {
                i.postgresql_where = pg.map(s);
                i.sqlite_where = lite.map(s);
            }
            checksum(&ops)
        };
        let base = checksum(&sample());
        assert_eq!(with(None, Some("role <> 'x'")), base);
        assert_eq!(with(Some("role <> 'x'"), Some("role  <>  'x'")), base);
        let two = with(Some("role <> 'x'"), Some("role <> 'y'"));
        assert_ne!(two, base);
        assert_ne!(two, with(Some("role <> 'y'"), Some("role <> 'x'")));
        assert_ne!(with(None, None), base);
    }

    #[test]
    fn normalize_keeps_quoted_text() {
        assert_eq!(normalize_sql("a   b\n\tc"), "a b c");
        assert_eq!(normalize_sql("x = '  y  '"), "x = '  y  '");
        assert_eq!(normalize_sql("$f$ a  \n b $f$   c"), "$f$ a  \n b $f$ c");
        assert_eq!(normalize_sql("\"Odd  Name\"  =  1"), "\"Odd  Name\" = 1");
    }

    #[test]
    fn stored_checksums_name_their_encoding() {
        let c = checksum(&sample());
        assert_eq!(c.stored(), format!("v1:{}", c.to_hex()));
        let v1 = StoredChecksum {
            version: 1,
            checksum: c,
        };
        assert_eq!(StoredChecksum::parse(&c.stored()), Some(v1));
        // Written before the prefix existed: version 1.
        assert_eq!(StoredChecksum::parse(&c.to_hex()), Some(v1));
        assert_eq!(v1.matches(&sample()), Some(true));
        assert_eq!(v1.matches(&[]), Some(false));
        // A future encoding is parsed, and said to be unknown, not edited.
        let v9 = StoredChecksum::parse(&format!("v9:{}", c.to_hex())).unwrap();
        assert_eq!(v9.version, 9);
        assert_eq!(v9.matches(&sample()), None);
        for bad in ["v1:zz", "v:", "1:ab", "V1:x", "v01:x", "v1x:y", ""] {
            let bad = bad.replace('x', &c.to_hex());
            assert_eq!(StoredChecksum::parse(&bad), None, "{bad}");
        }
    }

    #[test]
    fn the_stored_prefix_names_this_encoding_version() {
        assert_eq!(STORED_PREFIX, format!("v{ENCODING_VERSION}:"));
        assert!(checksum(&[]).stored().starts_with(STORED_PREFIX));
    }

    #[test]
    fn hex_is_stored_is_is_stored_of_the_parsed_digits() {
        let c = checksum(&sample());
        let hex = c.to_hex();
        let mut texts = vec![c.stored(), checksum(&[]).stored()];
        for at in [3, 4, 40, 66] {
            let mut edited = c.stored().into_bytes();
            edited[at] = if edited[at] == b'0' { b'1' } else { b'0' };
            texts.push(String::from_utf8(edited).unwrap());
        }
        texts.extend([
            hex.clone(),
            c.stored().to_uppercase(),
            format!("V1:{hex}"),
            format!("v01:{hex}"),
            format!("v2:{hex}"),
            format!("v1:{hex}0"),
            format!("v1:{}", &hex[1..]),
            format!("+2/5:{}", c.stored()),
            String::new(),
        ]);
        // The record's digits in either case are the same checksum.
        for digits in [hex.clone(), hex.to_uppercase()] {
            for text in &texts {
                let parsed = Checksum::from_hex(&digits).unwrap();
                assert_eq!(
                    hex_is_stored(&digits, text),
                    parsed.is_stored(text),
                    "{digits} {text}"
                );
            }
        }
        assert!(hex_is_stored(&hex, &c.stored()));
        assert!(!hex_is_stored(&hex[1..], &c.stored()));
    }

    #[test]
    fn is_stored_accepts_the_stored_text_only() {
        let c = checksum(&sample());
        assert!(c.is_stored(&c.stored()));
        let other = checksum(&[]);
        assert!(!other.is_stored(&c.stored()));
        // One digit changed, anywhere.
        let stored = c.stored();
        for at in [3, 4, 40, stored.len() - 1] {
            let mut edited = stored.clone().into_bytes();
            edited[at] = if edited[at] == b'0' { b'1' } else { b'0' };
            let edited = String::from_utf8(edited).unwrap();
            assert!(!c.is_stored(&edited), "{edited}");
        }
        // Equal checksums in other forms are left to the full comparison.
        for other_form in [
            c.to_hex(),
            c.stored().to_uppercase(),
            format!("V1:{}", c.to_hex()),
            format!("v01:{}", c.to_hex()),
            format!("v2:{}", c.to_hex()),
            format!("v1:{}0", c.to_hex()),
            format!("v1:{}", &c.to_hex()[1..]),
            format!("+2/5:{}", c.stored()),
            String::new(),
        ] {
            assert!(!c.is_stored(&other_form), "{other_form}");
        }
    }

    #[test]
    fn hex_round_trip() {
        let c = checksum(&sample());
        assert_eq!(Checksum::from_hex(&c.to_hex()), Some(c));
        assert_eq!(Checksum::from_hex("zz"), None);
    }
}
