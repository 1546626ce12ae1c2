//! The rules a migration must follow that one module can check on its own.
//! Rules across migrations (missing parent, duplicate id, second child, cycle,
//! second root, the replay of the chain) are checked once by `migrations!()`;
//! see `chain.rs`.

use crate::ast::{Migration, OpNode};
use crate::ctxt::Ctxt;
use crate::sources::{ModuleTree, SourceFile};
use migrate_core::effect::{self, Finding, FindingKind, Lint, Side};
use migrate_core::ids::{self, Kind, Problem};
use migrate_core::inverse;
use migrate_core::model::Op;
use proc_macro2::Span;
use syn::LitStr;

/// The result of validation: the downgrade to register.
pub enum Downgrade {
    Written(Vec<Op>),
    Derived(Vec<Op>),
    Irreversible,
}

pub fn check(cx: &Ctxt, m: &Migration) -> Option<Downgrade> {
    if let Some(rev) = &m.meta.revision {
        check_revision_id(cx, rev, "revision");
    }
    check_parents(cx, m);
    if let Some(label) = &m.meta.branch {
        check_branch_label(cx, label);
    }
    check_transactional(cx, m);
    let up: Option<Vec<Op>> = m.upgrade.iter().map(|n| n.op.clone()).collect();
    let down: Option<Option<Vec<Op>>> = match &m.downgrade {
        Some(d) => d
            .iter()
            .map(|n| n.op.clone())
            .collect::<Option<Vec<_>>>()
            .map(Some),
        None => Some(None),
    };
    // Ops that did not lower are already reported; analysing the rest would
    // only add noise.
    let (up, down) = (up?, down?);
    let downgrade = match (down, m.meta.irreversible) {
        (Some(_), Some(span)) => {
            cx.error(
                span,
                "an `irreversible` migration cannot have a `downgrade()`",
                Some("remove one of them"),
            );
            return None;
        }
        (Some(down), None) => Downgrade::Written(down),
        (None, Some(_)) => Downgrade::Irreversible,
        (None, None) => match inverse::invert(&up) {
            Ok(derived) => Downgrade::Derived(derived),
            Err(problems) => {
                // Rule: an op that cannot be inverted from its own text needs
                // an explicit downgrade, or the migration marked irreversible.
                for p in problems {
                    let node = &m.upgrade[p.op];
                    cx.error(
                        node.name.span(),
                        format!(
                            "{}, and this migration has no `downgrade()` to undo it",
                            p.reason
                        ),
                        Some(&p.help),
                    );
                }
                return None;
            }
        },
    };
    let down_ops: &[Op] = match &downgrade {
        Downgrade::Written(d) | Downgrade::Derived(d) => d,
        Downgrade::Irreversible => &[],
    };
    let findings = effect::analyze(&up, down_ops);
    check_findings(cx, m, &downgrade, findings);
    Some(downgrade)
}

/// Rule: ids become file names and CLI targets; the rules are
/// `migrate_core::ids`, which the revision graph applies at run time too.
pub fn check_revision_id(cx: &Ctxt, lit: &LitStr, what: &str) -> bool {
    check_name(cx, lit, Kind::Revision, &format!("{what} id"))
}

/// Reports what `ids::problem` finds, on the literal.
fn check_name(cx: &Ctxt, lit: &LitStr, kind: Kind, what: &str) -> bool {
    let text = lit.value();
    let Some(problem) = ids::problem(&text, kind) else {
        return true;
    };
    let message = match problem {
        Problem::Empty => format!("the {what} is empty"),
        p => format!("`{text}` is not a valid {what}: {p}"),
    };
    cx.error(lit.span(), message, Some(kind.help()));
    false
}

/// Rule: a migration cannot follow itself, nor list a parent twice.
fn check_parents(cx: &Ctxt, m: &Migration) {
    let mut seen: Vec<String> = Vec::new();
    for parent in &m.meta.down_revisions {
        if check_base_parent(cx, parent, m.meta.down_revisions.len() > 1)
            || !check_revision_id(cx, parent, "down_revision")
        {
            continue;
        }
        let p = parent.value();
        if m.meta.revision.as_ref().is_some_and(|r| r.value() == p) {
            cx.error(
                parent.span(),
                format!("migration `{p}` names itself as its parent"),
                Some("`down_revision` is the revision this one follows"),
            );
        }
        if seen.contains(&p) {
            cx.error(
                parent.span(),
                format!("`{p}` is listed twice in `down_revision`"),
                None,
            );
        }
        seen.push(p);
    }
}

/// Rule: Alembic shows a first migration's parent as `<base>` and targets it
/// as `base`; here a first migration says `None`, which is what to write
/// rather than the id rules. True when reported.
fn check_base_parent(cx: &Ctxt, parent: &LitStr, merge: bool) -> bool {
    let text = parent.value();
    let word = text.trim_start_matches('<').trim_end_matches('>');
    if !word.eq_ignore_ascii_case("base") {
        return false;
    }
    let help = if merge {
        "remove it from the list; a migration with no parent has `down_revision = None`"
    } else {
        "write `down_revision = None` for the first migration"
    };
    cx.error(
        parent.span(),
        format!("`{text}` is not a revision: it means no parent, which is written `None`"),
        Some(help),
    );
    true
}

/// Rule: labels are target names (`label@head`), under the same rules as the
/// graph's.
fn check_branch_label(cx: &Ctxt, label: &LitStr) {
    check_name(cx, label, Kind::BranchLabel, "branch label");
}

/// Rule: an op PostgreSQL refuses in a transaction (`CREATE INDEX
/// CONCURRENTLY`) runs alone, so a failure leaves nothing half done.
fn check_transactional(cx: &Ctxt, m: &Migration) {
    for (list, fn_name) in [
        (Some(&m.upgrade), "upgrade()"),
        (m.downgrade.as_ref(), "downgrade()"),
    ] {
        let Some(list) = list else { continue };
        let concurrent: Vec<&OpNode> = list
            .iter()
            .filter(|n| n.op.as_ref().is_some_and(Op::needs_no_transaction))
            .collect();
        if concurrent.is_empty() {
            continue;
        }
        if list.len() > 1 {
            for n in &concurrent {
                cx.error(
                    n.span_of(None, Some("concurrently")),
                    format!("`postgresql_concurrently` cannot run inside a transaction, so it must be the only op of {fn_name}"),
                    Some("move the other ops into a migration of their own: a failure then leaves nothing half applied"),
                );
            }
        }
        if let Some((true, span)) = m.meta.transactional {
            cx.error(span, "`transactional = true`, but `postgresql_concurrently` cannot run inside a transaction", None);
        }
    }
}

/// Rules 6 and 9: the downgrade undoes the upgrade object by object, ops can
/// apply in the order given, and the safety lints.
fn check_findings(cx: &Ctxt, m: &Migration, downgrade: &Downgrade, findings: Vec<Finding>) {
    // A derived downgrade inherits the upgrade's mistakes; report those only.
    let upgrade_is_wrong = findings
        .iter()
        .any(|f| f.side == Side::Upgrade && !matches!(f.kind, FindingKind::Lint(_)));
    for f in findings {
        if matches!(downgrade, Downgrade::Irreversible)
            && matches!(f.kind, FindingKind::Existence | FindingKind::Definition)
        {
            // Nothing undoes an irreversible migration; only what cannot apply
            // and the lints are left to say.
            continue;
        }
        if f.kind == FindingKind::NewEnumValueUsed
            && matches!(m.meta.transactional, Some((false, _)))
        {
            // Without a transaction each statement commits on its own.
            continue;
        }
        if let FindingKind::Lint(lint) = f.kind {
            if f.side == Side::Downgrade || allowed(m, &m.upgrade[f.op], lint) {
                continue;
            }
        }
        let (node, derived) = match (f.side, downgrade) {
            (Side::Upgrade, _) => (Some(&m.upgrade[f.op]), false),
            (Side::Downgrade, Downgrade::Written(_)) => {
                (m.downgrade.as_ref().and_then(|d| d.get(f.op)), false)
            }
            (Side::Downgrade, _) => (None, true),
        };
        let span = match node {
            Some(n) => n.span_of(f.object.as_deref(), f.field),
            None => m.downgrade_span.unwrap_or(m.meta.attr_span),
        };
        if derived && upgrade_is_wrong {
            continue;
        }
        if derived {
            // Derived downgrades are correct by construction; reaching this is a
            // bug here, said so rather than blamed on the user.
            cx.error(span, format!("the derived downgrade fails a check ({}); please report this, and write `downgrade()` meanwhile", f.message), None);
            continue;
        }
        cx.error(span, f.message, f.help.as_deref());
    }
}

/// Rule: a module with `fn upgrade()` among migration files is a migration
/// whose `#[migration]` was lost. It would compile (with a dead-code warning),
/// never be registered, and leave its child a second head at deploy.
pub fn check_unmarked(cx: &Ctxt, tree: &ModuleTree) {
    let among_migrations = |f: &SourceFile| {
        f.migrations > 0
            || tree
                .files
                .iter()
                .any(|g| !g.root && g.migrations > 0 && g.path.parent() == f.path.parent())
    };
    for f in tree.files.iter().filter(|f| among_migrations(f)) {
        for (module, line) in &f.unmarked {
            let at = format!("{}:{line}", f.path.display());
            match module {
                Some(name) => cx.error(
                    Span::call_site(),
                    format!("`mod {name}` in {at} has `fn upgrade()` but no `#[migration(...)]`, so it is not a migration: it is never registered and never runs"),
                    Some(&format!("put `#[migration(revision = \"...\", down_revision = \"...\")]` back above `mod {name}`; if it is not a migration, rename its `upgrade`")),
                ),
                None => cx.error(
                    Span::call_site(),
                    format!("{at} has `fn upgrade()` outside a `#[migration]` module, beside migration files: it is never registered and never runs"),
                    Some("wrap it in `#[migration(revision = \"...\", down_revision = \"...\")] mod name { ... }`, as in the other migration files"),
                ),
            }
        }
    }
}

/// Rule: a migration file that no `mod` declares is not compiled in; found
/// here rather than by `verify` or at deploy. Rustc does not watch files no
/// `mod` declares, so adding one alone does not trigger a rebuild.
pub fn check_undeclared(cx: &Ctxt, tree: &ModuleTree) {
    for u in &tree.undeclared {
        let Some(stem) = u.path.file_stem().and_then(|s| s.to_str()) else {
            continue;
        };
        let declaration = if syn::parse_str::<syn::Ident>(stem).is_ok() {
            format!("mod {stem};")
        } else {
            format!(
                "#[path = \"{stem}.rs\"] mod m_{};",
                stem.replace(|c: char| !c.is_ascii_alphanumeric(), "_")
            )
        };
        cx.error(
            Span::call_site(),
            format!(
                "{}:{} holds a `#[migration]`, but no `mod` declares the file, so it is not compiled in",
                u.path.display(),
                u.line
            ),
            Some(&format!(
                "add `{declaration}` to {}, beside the other migrations",
                tree.files[u.sibling_of].path.display()
            )),
        );
    }
}

fn allowed(m: &Migration, node: &OpNode, lint: Lint) -> bool {
    m.meta
        .allow
        .iter()
        .chain(&node.allow)
        .any(|(l, _)| *l == lint)
}

#[cfg(test)]
mod tests {
    use std::str::FromStr;

    /// Only modules among migration files count: an `upgrade` elsewhere in
    /// the crate (a root, a server module) is not a lost migration.
    #[test]
    fn unmarked_upgrade_only_among_migrations() {
        let tmp = tempfile::tempdir().unwrap();
        let write = |rel: &str, text: &str| {
            let path = tmp.path().join(rel);
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            std::fs::write(path, text).unwrap();
        };
        write(
            "src/lib.rs",
            "mod net;\nmod migrations;\nmod http { fn upgrade() {} }\n",
        );
        write("src/net.rs", "pub fn upgrade() {}\n");
        write("src/migrations/mod.rs", "mod r1;\nmod r2;\n");
        write(
            "src/migrations/r1.rs",
            "#[migration(revision = \"a1\", down_revision = None)]\nmod a { fn upgrade() {} }\n",
        );
        write("src/migrations/r2.rs", "/// b\nmod b { fn upgrade() {} }\n");
        let tree = crate::sources::read(&tmp.path().join("src/lib.rs"));
        let cx = super::Ctxt::new();
        super::check_unmarked(&cx, &tree);
        super::check_undeclared(&cx, &tree);
        let messages: Vec<String> = cx
            .check()
            .unwrap_err()
            .into_iter()
            .map(|e| e.to_string())
            .collect();
        assert_eq!(messages.len(), 1, "{messages:?}");
        assert!(messages[0].starts_with("`mod b` in "), "{}", messages[0]);
        assert!(
            messages[0].contains("r2.rs:2 has `fn upgrade()` but no `#[migration(...)]`"),
            "{}",
            messages[0]
        );
    }

    /// The macro accepts exactly the ids and labels of the shared table that
    /// the revision graph accepts (migrate-runtime's graph tests read it too).
    #[test]
    fn ids_and_labels_as_the_graph() {
        let module = proc_macro2::TokenStream::from_str(
            r#"mod m { fn upgrade() { op!(create_table("t", Column("id", Integer, primary_key = true))); } }"#,
        )
        .unwrap();
        for line in include_str!("../../migrate-core/tests/id-cases.tsv").lines() {
            if line.starts_with('#') {
                continue;
            }
            let [kind, text, expected] = line.split('\t').collect::<Vec<_>>()[..] else {
                panic!("bad line {line:?}");
            };
            let args = match kind {
                "revision" => format!("revision = {text:?}, down_revision = None"),
                _ => format!("revision = \"r1\", down_revision = None, branch = {text:?}"),
            };
            let out = crate::expand::migration(
                proc_macro2::TokenStream::from_str(&args).unwrap(),
                module.clone(),
            )
            .to_string();
            assert_eq!(
                !out.contains("compile_error"),
                expected == "ok",
                "{line:?}: {out}"
            );
        }
    }
}
