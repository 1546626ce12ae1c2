//! The rules a migration must follow that one module can check on its own.
//! Rules across migrations (missing parent, duplicate id, second child, cycle,
//! second root) are type-level items checked by rustc; see `expand.rs`.

use crate::ast::{Migration, OpNode};
use crate::ctxt::Ctxt;
use migrate_core::effect::{self, Finding, FindingKind, Lint, Side};
use migrate_core::inverse;
use migrate_core::model::Op;
use syn::LitStr;

/// Longest revision id: the version table's column is wider, ids beyond this
/// only make error messages unreadable.
pub const MAX_REVISION_LEN: usize = 64;

/// Target words of the CLI, which an id must not shadow.
const RESERVED: &[&str] = &["head", "heads", "base", "current"];

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

/// Rule: ids become type keys, file names and CLI targets, so they are plain
/// ASCII words that cannot be read as a target (`head`, `-1`, `a:b`, `x@y`).
pub fn check_revision_id(cx: &Ctxt, lit: &LitStr, what: &str) -> bool {
    let id = lit.value();
    let problem = if id.is_empty() {
        Some(format!("the {what} id is empty"))
    } else if id.len() > MAX_REVISION_LEN {
        Some(format!(
            "the {what} id is {} characters long; the limit is {MAX_REVISION_LEN}",
            id.len()
        ))
    } else if let Some(c) = id
        .chars()
        .find(|c| !(c.is_ascii_alphanumeric() || *c == '_'))
    {
        Some(format!(
            "`{id}` is not a valid {what} id: `{}` is not allowed",
            c.escape_default()
        ))
    } else if RESERVED.contains(&id.to_ascii_lowercase().as_str()) {
        Some(format!(
            "`{id}` is not a valid {what} id: it is a target name of the CLI"
        ))
    } else {
        None
    };
    match problem {
        Some(p) => {
            cx.error(
                lit.span(),
                p,
                Some("use letters, digits and `_`, e.g. the 12 hex digits `revision -m` generates"),
            );
            false
        }
        None => true,
    }
}

/// Rule: a migration cannot follow itself, nor list a parent twice.
fn check_parents(cx: &Ctxt, m: &Migration) {
    let mut seen: Vec<String> = Vec::new();
    for parent in &m.meta.down_revisions {
        if !check_revision_id(cx, parent, "down_revision") {
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

/// Rule: labels are target names (`label@head`).
fn check_branch_label(cx: &Ctxt, label: &LitStr) {
    let l = label.value();
    if l.is_empty()
        || !l
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
        || l.len() > MAX_REVISION_LEN
    {
        cx.error(
            label.span(),
            format!("`{l}` is not a valid branch label"),
            Some("use letters, digits, `_` and `-`"),
        );
    }
    if RESERVED.contains(&l.as_str()) {
        cx.error(
            label.span(),
            format!("`{l}` is a target name of the CLI and cannot be a branch label"),
            None,
        );
    }
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

fn allowed(m: &Migration, node: &OpNode, lint: Lint) -> bool {
    m.meta
        .allow
        .iter()
        .chain(&node.allow)
        .any(|(l, _)| *l == lint)
}
