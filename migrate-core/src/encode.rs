//! The compact text a migration's record is stored as in the binary: its
//! header and its ops, written by `#[migration]` at compile time and read by
//! the runtime, lazily, for the migrations a run touches.
//!
//! Why not Rust values: op data written as nested `static` struct literals
//! cost the compiler seconds per few hundred migrations, and the dynamic
//! loader one relocation per string at every start. One string literal per
//! migration is a single constant for the compiler and holds no pointer.
//!
//! Why text and not bytes: the record ends with what only the compiler knows
//! (`module_path!()`, `file!()`, `line!()`), joined to it by `concat!`, which
//! makes a `&str`. Every structural character is ASCII and every string is
//! copied as is, so the whole record is UTF-8 by construction, and decoded
//! strings borrow from it (`Cow::Borrowed`) without a copy or a check.
//!
//! This is not the checksum's encoding (`checksum.rs`): that one is canonical
//! (SQL text normalised, frozen by the checksums databases hold); this one is
//! lossless and may change with [`VERSION`], since the macro and the runtime
//! are always the same version.
//!
//! Grammar (version 2):
//! - a number is decimal digits ended by `:`; a string is its length in bytes
//!   as a number, then the bytes; a list is its length as a number, then the
//!   items; a bool is `t` or `f`; an option is `-` or `+` and the value;
//! - an enum is one ASCII letter naming the variant, then its fields; a struct
//!   is its fields in declaration order;
//! - a record is two strings. Its *lineage* is what every start reads of every
//!   migration: [`VERSION`], the parents (a list of strings), the branch (an
//!   option of a string) and the checksum (64 hex digits). The rest is the
//!   message (a string), whether the downgrade is derived, whether the
//!   migration is transactional (bools), the upgrade (a string holding an op
//!   list), the downgrade (an option of the same), then the module path,
//!   `\0`, the file, `\0`, the line. Kept apart, the lineages of a crate's
//!   migrations sit together in its table (the runtime's `MigrationTable`),
//!   and a run that builds the graph and checks checksums reads only them.

use crate::model::*;
use std::borrow::Cow;
use std::fmt::{self, Write};

/// The first characters of every record: the encoding's version.
pub const VERSION: &str = "m2";

/// Bytes that are not a record or op list of this version: where, and what was
/// expected there.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DecodeError {
    /// The byte offset at which decoding stopped.
    pub offset: usize,
    /// What was expected there.
    pub expected: &'static str,
}

impl fmt::Display for DecodeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "malformed migration data at byte {}: expected {}",
            self.offset, self.expected
        )
    }
}

impl std::error::Error for DecodeError {}

// -- records ----------------------------------------------------------------------------

/// What `#[migration]` writes of one migration, before the compiler's part
/// (module path, file, line) is joined to it.
#[derive(Clone, Debug)]
pub struct RecordHead<'a> {
    /// The parents' revision ids.
    pub parents: &'a [&'a str],
    /// The branch label.
    pub branch: Option<&'a str>,
    /// The message.
    pub message: &'a str,
    /// The upgrade's checksum, 64 hex digits.
    pub checksum: &'a str,
    /// Whether the downgrade was derived from the upgrade.
    pub downgrade_is_derived: bool,
    /// Whether the migration runs in one transaction.
    pub transactional: bool,
    /// The upgrade's ops.
    pub upgrade: &'a [Op],
    /// The downgrade's ops; `None` when irreversible.
    pub downgrade: Option<&'a [Op]>,
}

/// A record's two strings as `#[migration]` writes them (see the grammar
/// above).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct EncodedRecord {
    /// The version, parents, branch and checksum: complete.
    pub lineage: String,
    /// The rest up to the module path: the macro emits it as a string
    /// literal followed, in `concat!`, by `module_path!()`, `"\0"`,
    /// `file!()`, `"\0"`, `line!()`.
    pub head: String,
}

/// The two strings of a record, but for the compiler's part.
pub fn encode_record_head(r: &RecordHead<'_>) -> EncodedRecord {
    let mut w = Writer(String::with_capacity(64 + 32 * (1 + r.parents.len())));
    w.0.push_str(VERSION);
    w.list(r.parents, |w, p| w.str(p));
    w.opt(r.branch, |w, b| w.str(b));
    w.0.push_str(r.checksum);
    let lineage = std::mem::replace(&mut w.0, String::with_capacity(256));
    w.str(r.message);
    w.bool(r.downgrade_is_derived);
    w.bool(r.transactional);
    w.str(&encode_ops(r.upgrade));
    w.opt(r.downgrade, |w, d| w.str(&encode_ops(d)));
    EncodedRecord { lineage, head: w.0 }
}

/// A record read back: everything but the ops, which stay encoded until
/// [`decode_ops`] is asked for them.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Record {
    /// The parents' revision ids.
    pub parents: Vec<&'static str>,
    /// The branch label.
    pub branch: Option<&'static str>,
    /// The message.
    pub message: &'static str,
    /// The upgrade's checksum, 64 hex digits.
    pub checksum: &'static str,
    /// Whether the downgrade was derived from the upgrade.
    pub downgrade_is_derived: bool,
    /// Whether the migration runs in one transaction.
    pub transactional: bool,
    /// The upgrade's ops, encoded.
    pub upgrade: &'static str,
    /// The downgrade's ops, encoded; `None` when irreversible.
    pub downgrade: Option<&'static str>,
    /// The module that declares the migration.
    pub module_path: &'static str,
    /// The file that declares it.
    pub file: &'static str,
    /// The line of its `#[migration]`.
    pub line: u32,
}

/// Reads a record's header from its two strings; the ops are only located,
/// not decoded.
pub fn decode_record(lineage: &'static str, rest: &'static str) -> Result<Record, DecodeError> {
    let mut parents = Vec::new();
    let (branch, checksum) = read_lineage(lineage, |p| parents.push(p))?;
    let mut r = Reader::new(rest);
    let message = r.raw_str()?;
    let downgrade_is_derived = r.bool()?;
    let transactional = r.bool()?;
    let upgrade = r.raw_str()?;
    let downgrade = r.opt(|r| r.raw_str())?;
    let tail = r.rest();
    let mut tail = tail.splitn(3, '\0');
    let (Some(module_path), Some(file), Some(line)) = (tail.next(), tail.next(), tail.next())
    else {
        return Err(r.error("the module path, the file and the line, separated by NUL"));
    };
    let Ok(line) = line.parse() else {
        return Err(r.error_at(rest.len() - line.len(), "a line number"));
    };
    Ok(Record {
        parents,
        branch,
        message,
        checksum,
        downgrade_is_derived,
        transactional,
        upgrade,
        downgrade,
        module_path,
        file,
        line,
    })
}

/// Reads a lineage whole, which must end with its checksum, handing each
/// parent to `parent` (collected or stepped over): the branch label and the
/// checksum.
fn read_lineage(
    s: &'static str,
    mut parent: impl FnMut(&'static str),
) -> Result<(Option<&'static str>, &'static str), DecodeError> {
    let mut r = Reader::record(s)?;
    for _ in 0..r.num()? {
        parent(r.raw_str()?);
    }
    let branch = r.opt(|r| r.raw_str())?;
    let checksum = r.checksum()?;
    if !r.rest().is_empty() {
        return Err(r.error("the end of the lineage after the checksum"));
    }
    Ok((branch, checksum))
}

/// A record's parents and branch label, from its lineage: what the
/// revision graph needs of every migration at every start.
pub fn decode_lineage(
    s: &'static str,
) -> Result<(Vec<&'static str>, Option<&'static str>), DecodeError> {
    let mut parents = Vec::new();
    let (branch, _) = read_lineage(s, |p| parents.push(p))?;
    Ok((parents, branch))
}

/// A record's checksum (64 hex digits) alone, from its lineage: the
/// parents before it are stepped over, not collected. A run at head
/// compares every applied migration's.
pub fn decode_checksum(s: &'static str) -> Result<&'static str, DecodeError> {
    Ok(read_lineage(s, |_| {})?.1)
}

// -- ops --------------------------------------------------------------------------------

/// An op list as text.
pub fn encode_ops(ops: &[Op]) -> String {
    let mut w = Writer(String::with_capacity(128 * ops.len()));
    w.list(ops, Writer::op);
    w.0
}

/// An op list back from [`encode_ops`]' text; its strings borrow from `s`.
pub fn decode_ops(s: &'static str) -> Result<Vec<Op>, DecodeError> {
    let mut r = Reader::new(s);
    let ops = r.vec(Reader::op)?;
    if r.pos != s.len() {
        return Err(r.error("the end of the op list"));
    }
    Ok(ops)
}

struct Writer(String);

impl Writer {
    fn num(&mut self, n: usize) {
        write!(self.0, "{n}:").ok();
    }

    fn tag(&mut self, t: u8) {
        self.0.push(t as char);
    }

    fn str(&mut self, s: &str) {
        self.num(s.len());
        self.0.push_str(s);
    }

    fn bool(&mut self, b: bool) {
        self.tag(if b { b't' } else { b'f' });
    }

    fn opt<T>(&mut self, v: Option<T>, f: impl FnOnce(&mut Self, T)) {
        match v {
            Some(v) => {
                self.tag(b'+');
                f(self, v);
            }
            None => self.tag(b'-'),
        }
    }

    fn opt_str(&mut self, v: &Option<Str>) {
        self.opt(v.as_deref(), Self::str);
    }

    fn opt_bool(&mut self, v: Option<bool>) {
        self.opt(v, Self::bool);
    }

    fn opt_u32(&mut self, v: Option<u32>) {
        self.opt(v, |w, n| w.num(n as usize));
    }

    fn list<T>(&mut self, items: &[T], mut f: impl FnMut(&mut Self, &T)) {
        self.num(items.len());
        for item in items {
            f(self, item);
        }
    }

    fn strs(&mut self, items: &[Str]) {
        self.list(items, |w, s| w.str(s));
    }

    fn table_ref(&mut self, t: &TableRef) {
        self.opt_str(&t.schema);
        self.str(&t.name);
    }

    fn op(&mut self, op: &Op) {
        match op {
            Op::CreateTable(t) => {
                self.tag(b'T');
                self.table(t);
            }
            Op::DropTable { table, definition } => {
                self.tag(b't');
                self.table_ref(table);
                self.opt(definition.as_ref(), Self::table);
            }
            Op::RenameTable { schema, old, new } => {
                self.tag(b'R');
                self.opt_str(schema);
                self.str(old);
                self.str(new);
            }
            Op::AddColumn { table, column } => {
                self.tag(b'C');
                self.table_ref(table);
                self.column(column);
            }
            Op::DropColumn {
                table,
                column,
                definition,
            } => {
                self.tag(b'c');
                self.table_ref(table);
                self.str(column);
                self.opt(definition.as_ref(), Self::column);
            }
            Op::AlterColumn(a) => {
                self.tag(b'A');
                self.table_ref(&a.table);
                self.str(&a.column);
                self.opt_str(&a.new_name);
                self.opt(a.ty.as_ref(), Self::ty);
                self.opt_bool(a.nullable);
                self.opt(a.server_default.as_ref(), |w, d| {
                    w.opt(d.as_ref(), Self::default)
                });
                self.opt(a.comment.as_ref(), Self::opt_str);
                self.opt(a.existing_type.as_ref(), Self::ty);
                self.opt_bool(a.existing_nullable);
                self.opt(a.existing_server_default.as_ref(), |w, d| {
                    w.opt(d.as_ref(), Self::default)
                });
                self.opt(a.existing_comment.as_ref(), Self::opt_str);
                self.opt_str(&a.using);
            }
            Op::CreateIndex(i) => {
                self.tag(b'I');
                self.index(i);
            }
            Op::DropIndex {
                table,
                name,
                definition,
            } => {
                self.tag(b'i');
                self.table_ref(table);
                self.str(name);
                self.opt(definition.as_ref(), Self::index);
            }
            Op::AddConstraint { table, constraint } => {
                self.tag(b'K');
                self.table_ref(table);
                self.constraint(constraint);
            }
            Op::DropConstraint {
                table,
                name,
                kind,
                definition,
            } => {
                self.tag(b'k');
                self.table_ref(table);
                self.str(name);
                self.tag(constraint_type_tag(*kind));
                self.opt(definition.as_ref(), Self::constraint);
            }
            Op::CreateEnum(e) => {
                self.tag(b'E');
                self.enum_type(e);
            }
            Op::DropEnum {
                schema,
                name,
                definition,
            } => {
                self.tag(b'e');
                self.opt_str(schema);
                self.str(name);
                self.opt(definition.as_ref(), Self::enum_type);
            }
            Op::AddEnumValue {
                schema,
                name,
                value,
                placement,
            } => {
                self.tag(b'V');
                self.opt_str(schema);
                self.str(name);
                self.str(value);
                self.opt(placement.as_ref(), |w, p| match p {
                    EnumPlacement::Before(v) => {
                        w.tag(b'b');
                        w.str(v);
                    }
                    EnumPlacement::After(v) => {
                        w.tag(b'a');
                        w.str(v);
                    }
                });
            }
            Op::SetTableComment {
                table,
                comment,
                existing,
            } => {
                self.tag(b'M');
                self.table_ref(table);
                self.opt_str(comment);
                self.opt(existing.as_ref(), Self::opt_str);
            }
            Op::BulkInsert { table, rows } => {
                self.tag(b'B');
                self.table_ref(table);
                self.list(rows, |w, row| {
                    w.list(&row.values, |w, (column, value)| {
                        w.str(column);
                        w.value(value);
                    })
                });
            }
            Op::Execute(sql) => {
                self.tag(b'X');
                self.opt_str(&sql.any);
                self.opt_str(&sql.postgresql);
                self.opt_str(&sql.sqlite);
                self.opt_str(&sql.mysql);
            }
            Op::Run { function } => {
                self.tag(b'F');
                self.str(function);
            }
        }
    }

    fn table(&mut self, t: &Table) {
        self.table_ref(&t.table);
        self.list(&t.columns, Self::column);
        self.list(&t.constraints, Self::constraint);
        self.opt_str(&t.comment);
    }

    fn column(&mut self, c: &Column) {
        self.str(&c.name);
        self.ty(&c.ty);
        self.bool(c.nullable);
        self.bool(c.primary_key);
        self.opt_bool(c.autoincrement);
        self.opt(c.server_default.as_ref(), Self::default);
        self.opt_str(&c.unique);
        self.opt_str(&c.index);
        self.opt(c.foreign_key.as_ref(), |w, fk| {
            w.str(&fk.name);
            w.table_ref(&fk.referent);
            w.str(&fk.referent_column);
            w.opt(fk.on_delete, Self::action);
            w.opt(fk.on_update, Self::action);
        });
        self.opt_str(&c.comment);
        self.bool(c.identity);
    }

    fn ty(&mut self, t: &ColumnType) {
        match t {
            ColumnType::SmallInteger => self.tag(b's'),
            ColumnType::Integer => self.tag(b'i'),
            ColumnType::BigInteger => self.tag(b'I'),
            ColumnType::String(n) => {
                self.tag(b'S');
                self.opt_u32(*n);
            }
            ColumnType::Text => self.tag(b'T'),
            ColumnType::Boolean => self.tag(b'b'),
            ColumnType::Numeric { precision, scale } => {
                self.tag(b'N');
                self.opt_u32(*precision);
                self.opt_u32(*scale);
            }
            ColumnType::Float => self.tag(b'f'),
            ColumnType::Double => self.tag(b'd'),
            ColumnType::Date => self.tag(b'D'),
            ColumnType::Time => self.tag(b't'),
            ColumnType::DateTime { timezone } => {
                self.tag(b'W');
                self.bool(*timezone);
            }
            ColumnType::Uuid => self.tag(b'u'),
            ColumnType::Json => self.tag(b'j'),
            ColumnType::Jsonb => self.tag(b'J'),
            ColumnType::Binary => self.tag(b'B'),
            ColumnType::Enum(e) => {
                self.tag(b'E');
                self.enum_type(e);
            }
        }
    }

    fn enum_type(&mut self, e: &EnumType) {
        self.opt_str(&e.schema);
        self.str(&e.name);
        self.strs(&e.values);
        self.bool(e.create_type);
    }

    fn default(&mut self, d: &ServerDefault) {
        match d {
            ServerDefault::Literal(s) => {
                self.tag(b'l');
                self.str(s);
            }
            ServerDefault::Number(s) => {
                self.tag(b'n');
                self.str(s);
            }
            ServerDefault::Boolean(b) => {
                self.tag(b'b');
                self.bool(*b);
            }
            ServerDefault::Sql(s) => {
                self.tag(b's');
                self.str(s);
            }
            ServerDefault::Now => self.tag(b'N'),
            ServerDefault::Uuid => self.tag(b'U'),
        }
    }

    fn index(&mut self, i: &Index) {
        self.str(&i.name);
        self.table_ref(&i.table);
        self.list(&i.columns, |w, c| match c {
            IndexColumn::Column(c) => {
                w.tag(b'c');
                w.str(c);
            }
            IndexColumn::Expression(e) => {
                w.tag(b'e');
                w.str(e);
            }
        });
        self.bool(i.unique);
        self.opt_str(&i.postgresql_where);
        self.opt_str(&i.sqlite_where);
        self.opt_str(&i.method);
        self.bool(i.concurrently);
    }

    fn constraint(&mut self, c: &Constraint) {
        self.str(&c.name);
        match &c.kind {
            ConstraintKind::PrimaryKey { columns } => {
                self.tag(b'p');
                self.strs(columns);
            }
            ConstraintKind::Unique { columns } => {
                self.tag(b'u');
                self.strs(columns);
            }
            ConstraintKind::Check { condition } => {
                self.tag(b'c');
                self.str(condition);
            }
            ConstraintKind::ForeignKey(fk) => {
                self.tag(b'f');
                self.strs(&fk.columns);
                self.table_ref(&fk.referent);
                self.strs(&fk.referent_columns);
                self.opt(fk.on_delete, Self::action);
                self.opt(fk.on_update, Self::action);
                self.opt_bool(fk.deferrable);
                self.opt_bool(fk.initially_deferred);
            }
        }
    }

    fn action(&mut self, a: ReferentialAction) {
        self.tag(match a {
            ReferentialAction::Cascade => b'c',
            ReferentialAction::Restrict => b'r',
            ReferentialAction::SetNull => b'n',
            ReferentialAction::SetDefault => b'd',
            ReferentialAction::NoAction => b'a',
        });
    }

    fn value(&mut self, v: &Value) {
        match v {
            Value::Null => self.tag(b'0'),
            Value::Bool(b) => {
                self.tag(b'b');
                self.bool(*b);
            }
            Value::Number(n) => {
                self.tag(b'n');
                self.str(n);
            }
            Value::Text(s) => {
                self.tag(b's');
                self.str(s);
            }
        }
    }
}

fn constraint_type_tag(t: ConstraintType) -> u8 {
    match t {
        ConstraintType::PrimaryKey => b'p',
        ConstraintType::Unique => b'u',
        ConstraintType::Check => b'c',
        ConstraintType::ForeignKey => b'f',
    }
}

type R<T> = Result<T, DecodeError>;

struct Reader {
    s: &'static str,
    pos: usize,
}

impl Reader {
    fn new(s: &'static str) -> Self {
        Reader { s, pos: 0 }
    }

    /// A reader of a record, past its version.
    fn record(s: &'static str) -> R<Self> {
        let mut r = Reader::new(s);
        if !s.starts_with(VERSION) {
            return Err(r.error(
                "a migration record of this version (written by another version of the macro?)",
            ));
        }
        r.pos = VERSION.len();
        Ok(r)
    }

    /// A record's checksum: 64 hex digits.
    fn checksum(&mut self) -> R<&'static str> {
        let checksum = self.take(64, "a checksum of 64 hex digits")?;
        // As an array of a known length, without an early exit: the check
        // vectorises (a run at head reads every applied migration's).
        let digits: &[u8; 64] = checksum.as_bytes().try_into().expect("64 bytes taken");
        if !digits.iter().fold(true, |ok, b| ok & b.is_ascii_hexdigit()) {
            return Err(self.error_at(self.pos - 64, "a checksum of 64 hex digits"));
        }
        Ok(checksum)
    }

    fn error(&self, expected: &'static str) -> DecodeError {
        self.error_at(self.pos, expected)
    }

    fn error_at(&self, offset: usize, expected: &'static str) -> DecodeError {
        DecodeError { offset, expected }
    }

    fn rest(&self) -> &'static str {
        self.s.get(self.pos..).unwrap_or("")
    }

    fn byte(&mut self, expected: &'static str) -> R<u8> {
        let b = *self
            .s
            .as_bytes()
            .get(self.pos)
            .ok_or_else(|| self.error(expected))?;
        self.pos += 1;
        Ok(b)
    }

    fn num(&mut self) -> R<usize> {
        let start = self.pos;
        let mut n: usize = 0;
        loop {
            match self.byte("a number ended by `:`")? {
                b':' if self.pos - start > 1 => return Ok(n),
                d @ b'0'..=b'9' => {
                    n = n
                        .checked_mul(10)
                        .and_then(|n| n.checked_add(usize::from(d - b'0')))
                        .ok_or_else(|| self.error_at(start, "a number that fits"))?;
                }
                _ => return Err(self.error_at(self.pos - 1, "a number ended by `:`")),
            }
        }
    }

    fn take(&mut self, len: usize, expected: &'static str) -> R<&'static str> {
        let end = self
            .pos
            .checked_add(len)
            .ok_or_else(|| self.error(expected))?;
        let s = self
            .s
            .get(self.pos..end)
            .ok_or_else(|| self.error(expected))?;
        self.pos = end;
        Ok(s)
    }

    fn raw_str(&mut self) -> R<&'static str> {
        let len = self.num()?;
        self.take(
            len,
            "as many bytes as the string's length, ending on a character",
        )
    }

    fn str(&mut self) -> R<Str> {
        self.raw_str().map(Cow::Borrowed)
    }

    fn bool(&mut self) -> R<bool> {
        match self.byte("`t` or `f`")? {
            b't' => Ok(true),
            b'f' => Ok(false),
            _ => Err(self.error_at(self.pos - 1, "`t` or `f`")),
        }
    }

    fn opt<T>(&mut self, f: impl FnOnce(&mut Self) -> R<T>) -> R<Option<T>> {
        match self.byte("`+` or `-`")? {
            b'+' => f(self).map(Some),
            b'-' => Ok(None),
            _ => Err(self.error_at(self.pos - 1, "`+` or `-`")),
        }
    }

    fn opt_str(&mut self) -> R<Option<Str>> {
        self.opt(Self::str)
    }

    fn opt_bool(&mut self) -> R<Option<bool>> {
        self.opt(Self::bool)
    }

    fn opt_u32(&mut self) -> R<Option<u32>> {
        self.opt(|r| {
            let at = r.pos;
            u32::try_from(r.num()?).map_err(|_| r.error_at(at, "a number below 2^32"))
        })
    }

    fn vec<T>(&mut self, mut f: impl FnMut(&mut Self) -> R<T>) -> R<Vec<T>> {
        let n = self.num()?;
        // Every item takes at least one byte: a length beyond the rest is
        // malformed, and must not reserve memory for it.
        if n > self.s.len() - self.pos {
            return Err(self.error("a list no longer than the data left"));
        }
        let mut items = Vec::with_capacity(n);
        for _ in 0..n {
            items.push(f(self)?);
        }
        Ok(items)
    }

    fn list<T: Clone>(&mut self, f: impl FnMut(&mut Self) -> R<T>) -> R<Cow<'static, [T]>> {
        self.vec(f).map(Cow::Owned)
    }

    fn strs(&mut self) -> R<List<Str>> {
        self.list(Self::str)
    }

    fn tag(&mut self, expected: &'static str) -> R<u8> {
        self.byte(expected)
    }

    fn bad_tag<T>(&self, expected: &'static str) -> R<T> {
        Err(self.error_at(self.pos - 1, expected))
    }

    fn table_ref(&mut self) -> R<TableRef> {
        Ok(TableRef::new(self.opt_str()?, self.str()?))
    }

    fn op(&mut self) -> R<Op> {
        const OP: &str = "an op tag";
        Ok(match self.tag(OP)? {
            b'T' => Op::CreateTable(self.table()?),
            b't' => Op::DropTable {
                table: self.table_ref()?,
                definition: self.opt(Self::table)?,
            },
            b'R' => Op::RenameTable {
                schema: self.opt_str()?,
                old: self.str()?,
                new: self.str()?,
            },
            b'C' => Op::AddColumn {
                table: self.table_ref()?,
                column: self.column()?,
            },
            b'c' => Op::DropColumn {
                table: self.table_ref()?,
                column: self.str()?,
                definition: self.opt(Self::column)?,
            },
            b'A' => Op::AlterColumn(AlterColumn::new(
                self.table_ref()?,
                self.str()?,
                self.opt_str()?,
                self.opt(Self::ty)?,
                self.opt_bool()?,
                self.opt(|r| r.opt(Self::default))?,
                self.opt(Self::opt_str)?,
                self.opt(Self::ty)?,
                self.opt_bool()?,
                self.opt(|r| r.opt(Self::default))?,
                self.opt(Self::opt_str)?,
                self.opt_str()?,
            )),
            b'I' => Op::CreateIndex(self.index()?),
            b'i' => Op::DropIndex {
                table: self.table_ref()?,
                name: self.str()?,
                definition: self.opt(Self::index)?,
            },
            b'K' => Op::AddConstraint {
                table: self.table_ref()?,
                constraint: self.constraint()?,
            },
            b'k' => Op::DropConstraint {
                table: self.table_ref()?,
                name: self.str()?,
                kind: self.constraint_type()?,
                definition: self.opt(Self::constraint)?,
            },
            b'E' => Op::CreateEnum(self.enum_type()?),
            b'e' => Op::DropEnum {
                schema: self.opt_str()?,
                name: self.str()?,
                definition: self.opt(Self::enum_type)?,
            },
            b'V' => Op::AddEnumValue {
                schema: self.opt_str()?,
                name: self.str()?,
                value: self.str()?,
                placement: self.opt(|r| match r.tag("`b` or `a`")? {
                    b'b' => Ok(EnumPlacement::Before(r.str()?)),
                    b'a' => Ok(EnumPlacement::After(r.str()?)),
                    _ => r.bad_tag("`b` or `a`"),
                })?,
            },
            b'M' => Op::SetTableComment {
                table: self.table_ref()?,
                comment: self.opt_str()?,
                existing: self.opt(Self::opt_str)?,
            },
            b'B' => Op::BulkInsert {
                table: self.table_ref()?,
                rows: self.list(|r| Ok(Row::new(r.list(|r| Ok((r.str()?, r.value()?)))?)))?,
            },
            b'X' => Op::Execute(Sql::new(
                self.opt_str()?,
                self.opt_str()?,
                self.opt_str()?,
                self.opt_str()?,
            )),
            b'F' => Op::Run {
                function: self.str()?,
            },
            _ => return self.bad_tag(OP),
        })
    }

    fn table(&mut self) -> R<Table> {
        Ok(Table::new(
            self.table_ref()?,
            self.list(Self::column)?,
            self.list(Self::constraint)?,
            self.opt_str()?,
        ))
    }

    fn column(&mut self) -> R<Column> {
        Ok(Column::new(
            self.str()?,
            self.ty()?,
            self.bool()?,
            self.bool()?,
            self.opt_bool()?,
            self.opt(Self::default)?,
            self.opt_str()?,
            self.opt_str()?,
            self.opt(|r| {
                Ok(InlineForeignKey::new(
                    r.str()?,
                    r.table_ref()?,
                    r.str()?,
                    r.opt(Self::action)?,
                    r.opt(Self::action)?,
                ))
            })?,
            self.opt_str()?,
            self.bool()?,
        ))
    }

    fn ty(&mut self) -> R<ColumnType> {
        const TY: &str = "a column type tag";
        Ok(match self.tag(TY)? {
            b's' => ColumnType::SmallInteger,
            b'i' => ColumnType::Integer,
            b'I' => ColumnType::BigInteger,
            b'S' => ColumnType::String(self.opt_u32()?),
            b'T' => ColumnType::Text,
            b'b' => ColumnType::Boolean,
            b'N' => ColumnType::Numeric {
                precision: self.opt_u32()?,
                scale: self.opt_u32()?,
            },
            b'f' => ColumnType::Float,
            b'd' => ColumnType::Double,
            b'D' => ColumnType::Date,
            b't' => ColumnType::Time,
            b'W' => ColumnType::DateTime {
                timezone: self.bool()?,
            },
            b'u' => ColumnType::Uuid,
            b'j' => ColumnType::Json,
            b'J' => ColumnType::Jsonb,
            b'B' => ColumnType::Binary,
            b'E' => ColumnType::Enum(self.enum_type()?),
            _ => return self.bad_tag(TY),
        })
    }

    fn enum_type(&mut self) -> R<EnumType> {
        Ok(EnumType::new(
            self.opt_str()?,
            self.str()?,
            self.strs()?,
            self.bool()?,
        ))
    }

    fn default(&mut self) -> R<ServerDefault> {
        const DEFAULT: &str = "a server default tag";
        Ok(match self.tag(DEFAULT)? {
            b'l' => ServerDefault::Literal(self.str()?),
            b'n' => ServerDefault::Number(self.str()?),
            b'b' => ServerDefault::Boolean(self.bool()?),
            b's' => ServerDefault::Sql(self.str()?),
            b'N' => ServerDefault::Now,
            b'U' => ServerDefault::Uuid,
            _ => return self.bad_tag(DEFAULT),
        })
    }

    fn index(&mut self) -> R<Index> {
        Ok(Index::new(
            self.str()?,
            self.table_ref()?,
            self.list(|r| match r.tag("`c` or `e`")? {
                b'c' => Ok(IndexColumn::Column(r.str()?)),
                b'e' => Ok(IndexColumn::Expression(r.str()?)),
                _ => r.bad_tag("`c` or `e`"),
            })?,
            self.bool()?,
            self.opt_str()?,
            self.opt_str()?,
            self.opt_str()?,
            self.bool()?,
        ))
    }

    fn constraint(&mut self) -> R<Constraint> {
        const KIND: &str = "a constraint kind tag";
        let name = self.str()?;
        let kind = match self.tag(KIND)? {
            b'p' => ConstraintKind::PrimaryKey {
                columns: self.strs()?,
            },
            b'u' => ConstraintKind::Unique {
                columns: self.strs()?,
            },
            b'c' => ConstraintKind::Check {
                condition: self.str()?,
            },
            b'f' => ConstraintKind::ForeignKey(ForeignKey::new(
                self.strs()?,
                self.table_ref()?,
                self.strs()?,
                self.opt(Self::action)?,
                self.opt(Self::action)?,
                self.opt_bool()?,
                self.opt_bool()?,
            )),
            _ => return self.bad_tag(KIND),
        };
        Ok(Constraint::new(name, kind))
    }

    fn constraint_type(&mut self) -> R<ConstraintType> {
        const TYPE: &str = "a constraint type tag";
        let t = self.tag(TYPE)?;
        [
            ConstraintType::PrimaryKey,
            ConstraintType::Unique,
            ConstraintType::Check,
            ConstraintType::ForeignKey,
        ]
        .into_iter()
        .find(|c| constraint_type_tag(*c) == t)
        .map_or_else(|| self.bad_tag(TYPE), Ok)
    }

    fn action(&mut self) -> R<ReferentialAction> {
        const ACTION: &str = "a referential action tag";
        Ok(match self.tag(ACTION)? {
            b'c' => ReferentialAction::Cascade,
            b'r' => ReferentialAction::Restrict,
            b'n' => ReferentialAction::SetNull,
            b'd' => ReferentialAction::SetDefault,
            b'a' => ReferentialAction::NoAction,
            _ => return self.bad_tag(ACTION),
        })
    }

    fn value(&mut self) -> R<Value> {
        const VALUE: &str = "a value tag";
        Ok(match self.tag(VALUE)? {
            b'0' => Value::Null,
            b'b' => Value::Bool(self.bool()?),
            b'n' => Value::Number(self.str()?),
            b's' => Value::Text(self.str()?),
            _ => return self.bad_tag(VALUE),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn s(x: &'static str) -> Str {
        Cow::Borrowed(x)
    }

    fn l<T: Clone>(v: Vec<T>) -> List<T> {
        Cow::Owned(v)
    }

    fn t(name: &'static str) -> TableRef {
        TableRef::new(None, s(name))
    }

    fn st(schema: &'static str, name: &'static str) -> TableRef {
        TableRef::new(Some(s(schema)), s(name))
    }

    fn enum_type(create: bool) -> EnumType {
        EnumType::new(
            Some(s("app")),
            s("mood"),
            l(vec![s("sad"), s("ok"), s("happy")]),
            create,
        )
    }

    fn all_types() -> Vec<ColumnType> {
        vec![
            ColumnType::SmallInteger,
            ColumnType::Integer,
            ColumnType::BigInteger,
            ColumnType::String(None),
            ColumnType::String(Some(0)),
            ColumnType::String(Some(u32::MAX)),
            ColumnType::Text,
            ColumnType::Boolean,
            ColumnType::Numeric {
                precision: None,
                scale: None,
            },
            ColumnType::Numeric {
                precision: Some(10),
                scale: None,
            },
            ColumnType::Numeric {
                precision: Some(10),
                scale: Some(2),
            },
            ColumnType::Float,
            ColumnType::Double,
            ColumnType::Date,
            ColumnType::Time,
            ColumnType::DateTime { timezone: false },
            ColumnType::DateTime { timezone: true },
            ColumnType::Uuid,
            ColumnType::Json,
            ColumnType::Jsonb,
            ColumnType::Binary,
            ColumnType::Enum(enum_type(true)),
            ColumnType::Enum(EnumType::new(None, s("e"), l(vec![]), false)),
        ]
    }

    fn all_defaults() -> Vec<ServerDefault> {
        vec![
            ServerDefault::Literal(s("it's: 12:ab")),
            ServerDefault::Number(s("-1.5")),
            ServerDefault::Boolean(true),
            ServerDefault::Boolean(false),
            ServerDefault::Sql(s("now() + interval '1 day'")),
            ServerDefault::Now,
            ServerDefault::Uuid,
        ]
    }

    fn minimal_column(name: &'static str, ty: ColumnType) -> Column {
        Column::new(
            s(name),
            ty,
            true,
            false,
            None,
            None,
            None,
            None,
            None,
            None,
            true,
        )
    }

    fn full_column(action: ReferentialAction, default: ServerDefault) -> Column {
        Column::new(
            s("owner_id"),
            ColumnType::BigInteger,
            false,
            true,
            Some(false),
            Some(default),
            Some(s("uq_owner")),
            Some(s("ix_owner")),
            Some(InlineForeignKey::new(
                s("fk_owner"),
                st("auth", "users"),
                s("id"),
                Some(action),
                None,
            )),
            Some(s("the owner — ünïcode, \"quotes\", \0 and \n")),
            false,
        )
    }

    fn constraints() -> Vec<Constraint> {
        let fk = |a: Option<ReferentialAction>, b: Option<bool>| {
            ForeignKey::new(
                l(vec![s("a"), s("b")]),
                st("s", "other"),
                l(vec![s("x"), s("y")]),
                a,
                a,
                b,
                b,
            )
        };
        let mut out = vec![
            Constraint::new(
                s("pk"),
                ConstraintKind::PrimaryKey {
                    columns: l(vec![s("id")]),
                },
            ),
            Constraint::new(
                s("uq"),
                ConstraintKind::Unique {
                    columns: l(vec![s("a"), s("b")]),
                },
            ),
            Constraint::new(
                s("ck"),
                ConstraintKind::Check {
                    condition: s("a > 0"),
                },
            ),
            Constraint::new(s("fk0"), ConstraintKind::ForeignKey(fk(None, None))),
        ];
        for (a, _) in ReferentialAction::ALL {
            out.push(Constraint::new(
                s("fk"),
                ConstraintKind::ForeignKey(fk(Some(a), Some(true))),
            ));
        }
        out.push(Constraint::new(
            s("fk2"),
            ConstraintKind::ForeignKey(fk(None, Some(false))),
        ));
        out
    }

    fn index(full: bool) -> Index {
        if full {
            Index::new(
                s("ix_full"),
                st("s", "t"),
                l(vec![
                    IndexColumn::Column(s("a")),
                    IndexColumn::Expression(s("lower(email)")),
                ]),
                true,
                Some(s("a > 0")),
                Some(s("a > 0")),
                Some(s("gin")),
                true,
            )
        } else {
            Index::new(s("ix"), t("t"), l(vec![]), false, None, None, None, false)
        }
    }

    fn table(full: bool) -> Table {
        if full {
            let mut columns: Vec<Column> = all_types()
                .into_iter()
                .map(|ty| minimal_column("c", ty))
                .collect();
            for ((a, _), d) in ReferentialAction::ALL.into_iter().zip(all_defaults()) {
                columns.push(full_column(a, d));
            }
            Table::new(
                st("app", "items"),
                l(columns),
                l(constraints()),
                Some(s("")),
            )
        } else {
            Table::new(t("empty"), l(vec![]), l(vec![]), None)
        }
    }

    /// Every op, every variant of what it holds, and each option both ways.
    fn every_op() -> Vec<Op> {
        let mut ops = vec![
            Op::CreateTable(table(true)),
            Op::CreateTable(table(false)),
            Op::DropTable {
                table: t("x"),
                definition: None,
            },
            Op::DropTable {
                table: st("s", "x"),
                definition: Some(table(true)),
            },
            Op::RenameTable {
                schema: None,
                old: s("a"),
                new: s("b"),
            },
            Op::RenameTable {
                schema: Some(s("s")),
                old: s(""),
                new: s("12:34"),
            },
            Op::DropColumn {
                table: t("t"),
                column: s("c"),
                definition: None,
            },
            Op::DropColumn {
                table: t("t"),
                column: s("c"),
                definition: Some(full_column(ReferentialAction::Cascade, ServerDefault::Now)),
            },
            Op::AlterColumn(AlterColumn::new(
                t("t"),
                s("c"),
                None,
                None,
                None,
                None,
                None,
                None,
                None,
                None,
                None,
                None,
            )),
            Op::AlterColumn(AlterColumn::new(
                st("s", "t"),
                s("c"),
                Some(s("d")),
                Some(ColumnType::Numeric {
                    precision: Some(5),
                    scale: None,
                }),
                Some(false),
                Some(None),
                Some(None),
                Some(ColumnType::Enum(enum_type(false))),
                Some(true),
                Some(None),
                Some(None),
                Some(s("c::numeric")),
            )),
            Op::AlterColumn(AlterColumn::new(
                t("t"),
                s("c"),
                None,
                None,
                None,
                Some(Some(ServerDefault::Uuid)),
                Some(Some(s("new"))),
                None,
                None,
                Some(Some(ServerDefault::Literal(s("x")))),
                Some(Some(s("old"))),
                None,
            )),
            Op::CreateIndex(index(true)),
            Op::CreateIndex(index(false)),
            Op::DropIndex {
                table: t("t"),
                name: s("ix"),
                definition: None,
            },
            Op::DropIndex {
                table: t("t"),
                name: s("ix"),
                definition: Some(index(true)),
            },
            Op::DropConstraint {
                table: t("t"),
                name: s("ck"),
                kind: ConstraintType::Check,
                definition: None,
            },
            Op::CreateEnum(enum_type(true)),
            Op::DropEnum {
                schema: None,
                name: s("mood"),
                definition: None,
            },
            Op::DropEnum {
                schema: Some(s("app")),
                name: s("mood"),
                definition: Some(enum_type(true)),
            },
            Op::SetTableComment {
                table: t("t"),
                comment: None,
                existing: None,
            },
            Op::SetTableComment {
                table: t("t"),
                comment: Some(s("c")),
                existing: Some(None),
            },
            Op::SetTableComment {
                table: t("t"),
                comment: Some(s("c")),
                existing: Some(Some(s("was"))),
            },
            Op::BulkInsert {
                table: t("t"),
                rows: l(vec![]),
            },
            Op::BulkInsert {
                table: st("s", "t"),
                rows: l(vec![
                    Row::new(l(vec![
                        (s("a"), Value::Null),
                        (s("b"), Value::Bool(true)),
                        (s("c"), Value::Bool(false)),
                        (s("d"), Value::Number(s("19.99"))),
                        (s("e"), Value::Text(s("o'clock: 3:00 ✓"))),
                    ])),
                    Row::new(l(vec![])),
                ]),
            },
            Op::Execute(Sql::new(Some(s("SELECT 1")), None, None, None)),
            Op::Execute(Sql::new(
                None,
                Some(s("pg")),
                Some(s("lite")),
                Some(s("my")),
            )),
            Op::Run {
                function: s("backfill"),
            },
        ];
        for ty in all_types() {
            ops.push(Op::AddColumn {
                table: t("t"),
                column: minimal_column("c", ty),
            });
        }
        for ((a, _), d) in ReferentialAction::ALL.into_iter().zip(all_defaults()) {
            ops.push(Op::AddColumn {
                table: st("s", "t"),
                column: full_column(a, d),
            });
        }
        for c in constraints() {
            ops.push(Op::AddConstraint {
                table: t("t"),
                constraint: c.clone(),
            });
            ops.push(Op::DropConstraint {
                table: t("t"),
                name: c.name.clone(),
                kind: c.kind.constraint_type(),
                definition: Some(c),
            });
        }
        for placement in [
            None,
            Some(EnumPlacement::Before(s("ok"))),
            Some(EnumPlacement::After(s("sad"))),
        ] {
            ops.push(Op::AddEnumValue {
                schema: None,
                name: s("mood"),
                value: s("meh"),
                placement,
            });
        }
        ops
    }

    fn leak(s: String) -> &'static str {
        Box::leak(s.into_boxed_str())
    }

    #[test]
    fn every_op_round_trips() {
        let ops = every_op();
        let names: std::collections::BTreeSet<&str> = ops.iter().map(Op::name).collect();
        assert_eq!(names.len(), 21, "every op name is covered: {names:?}");
        for op in &ops {
            let one = std::slice::from_ref(op);
            let text = leak(encode_ops(one));
            assert_eq!(decode_ops(text).as_deref(), Ok(one), "{text}");
        }
        let text = leak(encode_ops(&ops));
        assert_eq!(decode_ops(text).unwrap(), ops);
        assert_eq!(decode_ops(leak(encode_ops(&[]))).unwrap(), vec![]);
    }

    #[test]
    fn decoded_strings_borrow_from_the_text() {
        let text = leak(encode_ops(&every_op()));
        let range = text.as_bytes().as_ptr_range();
        let Op::CreateTable(table) = &decode_ops(text).unwrap()[0] else {
            panic!("the first op is a create_table")
        };
        let Cow::Borrowed(name) = &table.table.name else {
            panic!("the name is borrowed")
        };
        assert!(range.contains(&name.as_ptr()));
    }

    #[test]
    fn every_truncation_is_an_error() {
        let text = encode_ops(&every_op());
        for end in (0..text.len()).filter(|&i| text.is_char_boundary(i)) {
            let cut = leak(text[..end].to_string());
            assert!(decode_ops(cut).is_err(), "{end}");
        }
        let longer = leak(format!("{text}x"));
        assert_eq!(
            decode_ops(longer).unwrap_err(),
            DecodeError {
                offset: text.len(),
                expected: "the end of the op list"
            }
        );
    }

    #[test]
    fn altered_bytes_give_an_error_or_other_ops_never_a_panic() {
        let text = encode_ops(&every_op());
        let replacements = [b'0', b'9', b':', b'+', b'-', b't', b'x', b'\0'];
        for i in (0..text.len()).filter(|&i| text.as_bytes()[i].is_ascii()) {
            for r in replacements {
                let mut bytes = text.clone().into_bytes();
                bytes[i] = r;
                if let Ok(changed) = String::from_utf8(bytes) {
                    let _ = decode_ops(leak(changed));
                }
            }
        }
    }

    #[test]
    fn malformed_numbers_and_lengths_are_errors() {
        for (text, offset) in [
            ("", 0),
            (":", 0),
            ("1", 1),
            ("99999999999999999999999999:", 0),
            ("5:F", 2),
            ("1:F3:ab", 5),
            ("1:Q", 2),
            ("2:F0:", 5),
        ] {
            let e = decode_ops(text).unwrap_err();
            assert_eq!(e.offset, offset, "{text:?}: {e}");
        }
        // A string that would end inside a character.
        let e = decode_ops("1:F1:é").unwrap_err();
        assert!(e.to_string().contains("ending on a character"), "{e}");
    }

    fn head<'a>(ops: &'a [Op], down: Option<&'a [Op]>) -> RecordHead<'a> {
        RecordHead {
            parents: &["a1", "b-2"],
            branch: Some("side"),
            message: "add: 3 things\n— ✓",
            checksum: "0123456789abcdef0123456789ABCDEF0123456789abcdef0123456789abcdef",
            downgrade_is_derived: true,
            transactional: false,
            upgrade: ops,
            downgrade: down,
        }
    }

    /// A record's two strings, the compiler's part joined to the second.
    fn record(head: &RecordHead<'_>, tail: &str) -> (&'static str, &'static str) {
        let e = encode_record_head(head);
        (leak(e.lineage), leak(format!("{}{tail}", e.head)))
    }

    #[test]
    fn records_round_trip() {
        let ops = every_op();
        let down = &ops[..3];
        let (lineage, rest) = record(&head(&ops, Some(down)), "crate::m\0src/m/a b.rs\x0042");
        let r = decode_record(lineage, rest).unwrap();
        assert_eq!(r.parents, ["a1", "b-2"]);
        assert_eq!(r.branch, Some("side"));
        // The partial reads every start does agree with the whole one.
        assert_eq!(
            decode_lineage(lineage).unwrap(),
            (r.parents.clone(), r.branch)
        );
        assert_eq!(decode_checksum(lineage).unwrap(), r.checksum);
        assert_eq!(r.message, "add: 3 things\n— ✓");
        assert_eq!(r.checksum.len(), 64);
        assert!(r.downgrade_is_derived && !r.transactional);
        assert_eq!(decode_ops(r.upgrade).unwrap(), ops);
        assert_eq!(decode_ops(r.downgrade.unwrap()).unwrap(), down);
        assert_eq!(
            (r.module_path, r.file, r.line),
            ("crate::m", "src/m/a b.rs", 42)
        );
        // Nothing but the lineage is in the lineage.
        assert!(!lineage.contains("add: 3"), "{lineage}");

        let root = RecordHead {
            parents: &[],
            branch: None,
            downgrade: None,
            upgrade: &[],
            ..head(&ops, None)
        };
        let (lineage, rest) = record(&root, "m\0f.rs\x007");
        let r = decode_record(lineage, rest).unwrap();
        assert!(r.parents.is_empty() && r.branch.is_none() && r.downgrade.is_none());
        assert_eq!(decode_lineage(lineage).unwrap(), (vec![], None));
        assert_eq!(decode_checksum(lineage).unwrap(), r.checksum);
        assert_eq!(decode_ops(r.upgrade).unwrap(), vec![]);
    }

    #[test]
    fn malformed_records_are_errors() {
        let ops = every_op();
        let (lineage, rest) = record(&head(&ops, None), "m\0f.rs\x007");
        // Cut anywhere: an error, never a panic.
        for end in (0..rest.len() - 1).filter(|&i| rest.is_char_boundary(i)) {
            let cut = leak(rest[..end].to_string());
            assert!(decode_record(lineage, cut).is_err(), "{end}");
        }
        for end in (0..lineage.len()).filter(|&i| lineage.is_char_boundary(i)) {
            let cut = leak(lineage[..end].to_string());
            assert!(decode_record(cut, rest).is_err(), "{end}");
            assert!(decode_checksum(cut).is_err(), "{end}");
            assert!(decode_lineage(cut).is_err(), "{end}");
        }
        let e = decode_record("m9rest", rest).unwrap_err();
        assert!(e.to_string().contains("another version"), "{e}");
        let bad_line = leak(rest.replace("\x007", "\0seven"));
        assert_eq!(
            decode_record(lineage, bad_line).unwrap_err().expected,
            "a line number"
        );
        let bad_checksum = leak(lineage.replacen("0123", "xyz0", 1));
        assert!(decode_record(bad_checksum, rest).is_err());
        assert!(decode_checksum(bad_checksum).is_err());
        // A lineage with more after its checksum is not one.
        let long = leak(format!("{lineage}x"));
        assert!(decode_checksum(long).is_err() && decode_lineage(long).is_err());
        assert!(decode_checksum("m9rest").is_err() && decode_lineage("m9rest").is_err());
    }
}
