//! diesel's SQL type names for the DSL's column types, both ways: the name
//! `print-schema` writes for a column (as `diesel print-schema` does), and
//! the column type a `table!` line of an edited `schema.rs` means
//! (`revision --autogenerate --from-schema`). One table serves both, so
//! reading back what `print-schema` wrote gives the types it was written
//! from. Enum columns name their `sql_types` struct on PostgreSQL instead.

use crate::Dialect;
use migrate_core::model::ColumnType;

#[cfg(feature = "cli")]
/// The DSL's types, the one read back first where several print alike on a
/// dialect (SQLite's `Text` is read as `Text`, not `String` or `Uuid`).
const DSL_TYPES: [ColumnType; 17] = [
    ColumnType::Text,
    ColumnType::String(None),
    ColumnType::SmallInteger,
    ColumnType::Integer,
    ColumnType::BigInteger,
    ColumnType::Boolean,
    ColumnType::Double,
    ColumnType::Numeric {
        precision: None,
        scale: None,
    },
    ColumnType::Float,
    ColumnType::Date,
    ColumnType::Time,
    ColumnType::DateTime { timezone: false },
    ColumnType::DateTime { timezone: true },
    ColumnType::Uuid,
    ColumnType::Json,
    ColumnType::Jsonb,
    ColumnType::Binary,
];

/// The diesel type `diesel print-schema` writes for a column of type `ty`,
/// without `Nullable`; `None` for an enum (its `sql_types` struct on
/// PostgreSQL) and for a type diesel cannot read on `dialect` (JSON on
/// SQLite stops diesel_cli 2.3 with "Unsupported type").
pub(crate) fn diesel_name(ty: &ColumnType, dialect: Dialect) -> Option<&'static str> {
    use ColumnType as T;
    Some(match dialect {
        Dialect::Postgres => match ty {
            T::SmallInteger => "Int2",
            T::Integer => "Int4",
            T::BigInteger => "Int8",
            T::String(_) => "Varchar",
            T::Text => "Text",
            T::Boolean => "Bool",
            T::Numeric { .. } => "Numeric",
            T::Float => "Float4",
            T::Double => "Float8",
            T::Date => "Date",
            T::Time => "Time",
            T::DateTime { timezone: false } => "Timestamp",
            T::DateTime { timezone: true } => "Timestamptz",
            T::Uuid => "Uuid",
            T::Json => "Json",
            T::Jsonb => "Jsonb",
            T::Binary => "Bytea",
            T::Enum(_) => return None,
        },
        // diesel reads SQLite's declared type names (see `types::type_sql`).
        Dialect::Sqlite => match ty {
            T::SmallInteger => "SmallInt",
            T::Integer => "Integer",
            T::BigInteger => "BigInt",
            T::String(_) | T::Text | T::Uuid | T::Enum(_) => "Text",
            T::Boolean => "Bool",
            T::Numeric { .. } | T::Double => "Double",
            T::Float => "Float",
            T::Date => "Date",
            T::Time => "Time",
            T::DateTime { .. } => "Timestamp",
            T::Json | T::Jsonb => return None,
            T::Binary => "Binary",
        },
        // `print-schema` and `--from-schema` refuse MySQL before asking.
        Dialect::Mysql => return None,
    })
}

/// The `#[max_length = N]` diesel writes above a column of type `ty`.
pub(crate) fn max_length(ty: &ColumnType, dialect: Dialect) -> Option<u32> {
    match (dialect, ty) {
        (Dialect::Postgres, ColumnType::String(n)) => *n,
        _ => None,
    }
}

#[cfg(feature = "cli")]
/// diesel's own aliases (`diesel::sql_types::Integer` is `Int4`), as the
/// name `print-schema` writes on PostgreSQL.
fn canonical(name: &str) -> &str {
    match name {
        "SmallInt" => "Int2",
        "Integer" => "Int4",
        "BigInt" => "Int8",
        "Float" => "Float4",
        "Double" => "Float8",
        "Decimal" => "Numeric",
        "Binary" | "Blob" => "Bytea",
        "VarChar" => "Varchar",
        other => other,
    }
}

#[cfg(feature = "cli")]
/// Whether a column of type `ty` is what `schema.rs` says with `name` and
/// `max_length`: `print-schema` would write them for it. Then the file says
/// nothing against the model's type (SQLite's `Text` is any text, uuid or
/// enum column; `Numeric` any precision).
pub(crate) fn prints_as(
    ty: &ColumnType,
    name: &str,
    max_length: Option<u32>,
    dialect: Dialect,
) -> bool {
    diesel_name(ty, dialect).is_some_and(|n| canonical(n) == canonical(name))
        && self::max_length(ty, dialect) == max_length
}

#[cfg(feature = "cli")]
/// The DSL type `schema.rs` means by `name` (diesel's, or one of its
/// aliases) with `max_length`, as the inverse of [`diesel_name`]: `None`
/// when `print-schema` writes no column that way on `dialect`.
pub(crate) fn dsl_type(
    name: &str,
    max_length: Option<u32>,
    dialect: Dialect,
) -> Option<ColumnType> {
    let ty = DSL_TYPES
        .iter()
        .find(|t| diesel_name(t, dialect).is_some_and(|n| canonical(n) == canonical(name)))?;
    let ty = match (ty, max_length) {
        (ColumnType::String(None), n) => ColumnType::String(n),
        (t, None) => t.clone(),
        _ => return None,
    };
    prints_as(&ty, name, max_length, dialect).then_some(ty)
}

#[cfg(feature = "cli")]
/// The diesel types `print-schema` writes on `dialect`, for a help line.
pub(crate) fn names(dialect: Dialect) -> Vec<&'static str> {
    let mut out: Vec<&'static str> = Vec::new();
    for t in &DSL_TYPES {
        if let Some(n) = diesel_name(t, dialect) {
            if !out.contains(&n) {
                out.push(n);
            }
        }
    }
    out
}

#[cfg(all(test, feature = "cli"))] // the reading half is cli's
mod tests {
    use super::*;

    /// Every type `print-schema` writes reads back as a type written the
    /// same way; on PostgreSQL, as the very type.
    #[test]
    fn the_mapping_reads_back_what_print_schema_writes() {
        let mut all = DSL_TYPES.to_vec();
        all.push(ColumnType::String(Some(40)));
        all.push(ColumnType::Numeric {
            precision: Some(10),
            scale: Some(2),
        });
        for dialect in [Dialect::Postgres, Dialect::Sqlite] {
            for ty in &all {
                let Some(name) = diesel_name(ty, dialect) else {
                    continue;
                };
                let n = max_length(ty, dialect);
                let back = dsl_type(name, n, dialect)
                    .unwrap_or_else(|| panic!("{ty} as {name} on {dialect:?}"));
                assert_eq!(diesel_name(&back, dialect), Some(name), "{ty}");
                assert!(prints_as(ty, name, n, dialect), "{ty}");
                if dialect == Dialect::Postgres && !matches!(ty, ColumnType::Numeric { .. }) {
                    assert_eq!(&back, ty);
                }
            }
        }
        assert_eq!(
            dsl_type("Text", None, Dialect::Sqlite),
            Some(ColumnType::Text)
        );
        assert_eq!(
            dsl_type("Varchar", Some(30), Dialect::Postgres),
            Some(ColumnType::String(Some(30)))
        );
    }

    #[test]
    fn aliases_name_the_same_type_and_the_rest_none() {
        assert_eq!(
            dsl_type("Integer", None, Dialect::Postgres),
            Some(ColumnType::Integer)
        );
        assert_eq!(
            dsl_type("Int8", None, Dialect::Sqlite),
            Some(ColumnType::BigInteger)
        );
        assert_eq!(
            dsl_type("Binary", None, Dialect::Postgres),
            Some(ColumnType::Binary)
        );
        assert!(prints_as(&ColumnType::Uuid, "Text", None, Dialect::Sqlite));
        assert!(!prints_as(
            &ColumnType::String(Some(5)),
            "Varchar",
            None,
            Dialect::Postgres
        ));
        for (name, n, dialect) in [
            ("Interval", None, Dialect::Postgres),
            ("Jsonb", None, Dialect::Sqlite),
            ("Varchar", None, Dialect::Sqlite),
            ("Int4", Some(3), Dialect::Postgres),
        ] {
            assert_eq!(dsl_type(name, n, dialect), None, "{name}");
        }
    }
}
