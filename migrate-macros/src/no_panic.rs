//! The macro never panics on user input: every valid example below is mutated
//! token by token (a token removed, or replaced by a value of another kind) and
//! every mutant is expanded. Errors are expected; panics are bugs.

use proc_macro2::{Delimiter, Group, Literal, TokenStream, TokenTree};
use std::str::FromStr;

const EXAMPLES: &[(&str, &str)] = &[
    (
        r#"revision = "9f8e7d6c5b4a", down_revision = "1a2b3c4d5e6f""#,
        r#"mod add_role {
            fn upgrade() {
                op!(add_column("users", Column("role", String(50), nullable = true, server_default = "member")));
                op!(create_index("ix_users_role", "users", ["role"], unique = true, postgresql_where = "role IS NOT NULL"));
            }
        }"#,
    ),
    (
        r#"revision = "a1", down_revision = ["b2", "c3"], branch = "x", allow(destructive)"#,
        r#"mod m {
            fn upgrade() {
                op!(create_table("t", Column("id", Integer, primary_key = true), Column("e", Enum("a", "b", name = "k")),
                    ForeignKeyConstraint(["id"], ["u.id"], ondelete = "CASCADE"), UniqueConstraint("id", name = "uq"),
                    CheckConstraint("id > 0", name = "ck"), comment = "c"));
                op!(bulk_insert("t", [{"id": 1, "e": "a"}, {"id": -2, "e": None}]));
                op!(drop_column("t", Column("old", Numeric(10, 2))), allow(destructive));
            }
            fn downgrade() {
                op!(add_column("t", Column("old", Numeric(10, 2))));
                op!(drop_table("t"));
            }
        }"#,
    ),
    (
        r#"revision = "r1", down_revision = None, irreversible, transactional = false"#,
        r#"mod m {
            fn upgrade() {
                op!(alter_column("t", "c", type_ = Text, existing_type = String(20), nullable = false, server_default = now()));
                op!(create_foreign_key(None, "a", "b", ["x"], ["y"], onupdate = "SET NULL", initially = "DEFERRED"));
                op!(execute(postgresql = "SELECT 1", sqlite = text("SELECT 2")));
                op!(run(f));
                op!(drop_constraint("n", "t", type_ = "unique"));
                op!(add_enum_value("k", "v", before = "a"));
            }
            fn f(_c: &mut migrate_runtime::Connection<'_>) -> migrate_runtime::RunResult { Ok(()) }
        }"#,
    ),
];

/// Every stream obtained by removing one leaf or replacing it with another
/// kind of value, at any depth.
fn mutants(stream: &TokenStream) -> Vec<TokenStream> {
    let trees: Vec<TokenTree> = stream.clone().into_iter().collect();
    let replacements = || -> Vec<TokenTree> {
        vec![
            TokenTree::Literal(Literal::string("")),
            TokenTree::Literal(Literal::string("x y")),
            TokenTree::Literal(Literal::i64_unsuffixed(0)),
            TokenTree::Literal(Literal::f64_unsuffixed(1.5)),
            TokenTree::Ident(proc_macro2::Ident::new(
                "None",
                proc_macro2::Span::call_site(),
            )),
            TokenTree::Ident(proc_macro2::Ident::new(
                "zz",
                proc_macro2::Span::call_site(),
            )),
            TokenTree::Group(Group::new(Delimiter::Bracket, TokenStream::new())),
            TokenTree::Group(Group::new(Delimiter::Brace, TokenStream::new())),
        ]
    };
    let mut out = Vec::new();
    for i in 0..trees.len() {
        let mut removed = trees.clone();
        removed.remove(i);
        out.push(removed.into_iter().collect());
        for r in replacements() {
            let mut replaced = trees.clone();
            replaced[i] = r;
            out.push(replaced.into_iter().collect());
        }
        if let TokenTree::Group(g) = &trees[i] {
            for inner in mutants(&g.stream()) {
                let mut nested = trees.clone();
                nested[i] = TokenTree::Group(Group::new(g.delimiter(), inner));
                out.push(nested.into_iter().collect());
            }
        }
    }
    out
}

#[test]
fn no_input_makes_the_macro_panic() {
    let mut expanded = 0;
    for (args, item) in EXAMPLES {
        let args = TokenStream::from_str(args).unwrap();
        let item = TokenStream::from_str(item).unwrap();
        for a in std::iter::once(args.clone()).chain(mutants(&args)) {
            let out = std::panic::catch_unwind(|| migrate_macros_expand(a.clone(), item.clone()));
            assert!(out.is_ok(), "panic on args `{a}`");
            expanded += 1;
        }
        for i in mutants(&item) {
            let out = std::panic::catch_unwind(|| migrate_macros_expand(args.clone(), i.clone()));
            assert!(out.is_ok(), "panic on item `{i}`");
            expanded += 1;
        }
    }
    assert!(expanded > 2000, "only {expanded} mutants");
}

fn migrate_macros_expand(args: TokenStream, item: TokenStream) -> TokenStream {
    crate::expand::migration(args, item)
}

/// The same mutants, as migration files `migrations!()` reads and checks
/// across the chain (beside a fixed first migration).
#[test]
fn no_file_makes_the_chain_checks_panic() {
    let tmp = tempfile::tempdir().unwrap();
    let src = tmp.path().join("src");
    std::fs::create_dir_all(&src).unwrap();
    std::fs::write(src.join("lib.rs"), "mod a;\nmod b;\n").unwrap();
    std::fs::write(
        src.join("a.rs"),
        "#[migration(revision = \"1a2b3c4d5e6f\", down_revision = None)]\nmod a { fn upgrade() { op!(create_table(\"users\", Column(\"id\", Integer, primary_key = true))); } }\n",
    )
    .unwrap();
    let mut checked = 0;
    for (args, item) in EXAMPLES {
        let args = TokenStream::from_str(args).unwrap();
        let item = TokenStream::from_str(item).unwrap();
        let files = mutants(&args)
            .into_iter()
            .map(|a| format!("#[migration({a})]\n{item}\n"))
            .chain(
                mutants(&item)
                    .into_iter()
                    .map(|i| format!("#[migration({args})]\n{i}\n")),
            );
        for text in files {
            std::fs::write(src.join("b.rs"), &text).unwrap();
            let out = std::panic::catch_unwind(|| {
                let tree = crate::sources::read(&src.join("lib.rs"));
                let cx = crate::ctxt::Ctxt::new();
                crate::chain::check(&cx, &tree);
                let _ = cx.check();
            });
            assert!(out.is_ok(), "panic on file `{text}`");
            checked += 1;
        }
    }
    assert!(checked > 2000, "only {checked} mutants");
}
