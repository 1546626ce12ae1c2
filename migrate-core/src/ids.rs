//! The rules for revision ids and branch labels, in one place: the
//! `#[migration]` macro, the revision graph and `revision --rev-id` all ask
//! [`problem`], so what compiles also loads.
//!
//! Ids become file names, module names and CLI targets; labels are the `label`
//! of `label@head`. So both are short plain ASCII words that cannot be read as
//! a target word. Both may hold `-` (UUID-form ids, which Alembic accepts); an
//! id may not start with it, or `-1` would be both an id and a relative target.

use std::fmt;

/// Longest id or label (the version table's column is wider; longer ids only
/// make messages unreadable).
pub const MAX_LEN: usize = 64;

/// Target words of the CLI, refused in any case so `HEAD` is not a revision
/// that `head` silently fails to name.
pub const TARGET_WORDS: &[&str] = &["head", "heads", "base", "current"];

/// What the text names.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    /// A revision id (`revision`, `down_revision`, `--rev-id`).
    Revision,
    /// A branch label (`branch`, `--branch-label`).
    BranchLabel,
}

impl Kind {
    /// Whether `c` may appear in this kind of name.
    pub fn allows(self, c: char) -> bool {
        c.is_ascii_alphanumeric() || c == '_' || c == '-'
    }

    /// What a valid name looks like, for a `help:` line.
    pub fn help(self) -> &'static str {
        match self {
            Kind::Revision => "use 1 to 64 ASCII letters, digits, `_` and `-` (not first), not a target word, e.g. the 12 hex digits `revision -m` generates",
            Kind::BranchLabel => "use 1 to 64 ASCII letters, digits, `_` and `-`, not a target word",
        }
    }
}

/// Why a text cannot be an id or label.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Problem {
    /// Nothing.
    Empty,
    /// A character the kind does not allow (the first one).
    Char(char),
    /// More than [`MAX_LEN`] characters.
    TooLong(usize),
    /// A target word, in any case.
    TargetWord,
    /// A revision id starting with `-`, which reads as a relative target.
    LeadingDash,
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Problem::Empty => f.write_str("it is empty"),
            Problem::Char(c) => write!(f, "`{}` is not allowed", c.escape_default()),
            Problem::TooLong(n) => write!(f, "it is {n} characters long; the limit is {MAX_LEN}"),
            Problem::TargetWord => {
                f.write_str("it is a target word (`head`, `heads`, `base`, `current`, in any case)")
            }
            Problem::LeadingDash => {
                f.write_str("it starts with `-`, which reads as a relative target (`-1`)")
            }
        }
    }
}

/// Why `text` cannot be a name of this kind, if it cannot.
pub fn problem(text: &str, kind: Kind) -> Option<Problem> {
    if text.is_empty() {
        Some(Problem::Empty)
    } else if let Some(c) = text.chars().find(|&c| !kind.allows(c)) {
        Some(Problem::Char(c))
    } else if kind == Kind::Revision && text.starts_with('-') {
        Some(Problem::LeadingDash)
    } else if text.len() > MAX_LEN {
        // Only ASCII is left, so bytes are characters.
        Some(Problem::TooLong(text.len()))
    } else if TARGET_WORDS.iter().any(|w| w.eq_ignore_ascii_case(text)) {
        Some(Problem::TargetWord)
    } else {
        None
    }
}

/// Whether `text` is a valid name of this kind.
pub fn is_valid(text: &str, kind: Kind) -> bool {
    problem(text, kind).is_none()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn revision_ids() {
        for ok in [
            "a",
            "1a2b3c4d5e6f",
            "A_b_9",
            "heads_up",
            "basement",
            "a-b",
            "3f2b8c1e-5d4a-4e6f-9a7b-1c2d3e4f5a6b",
            &"a".repeat(64),
        ] {
            assert_eq!(problem(ok, Kind::Revision), None, "{ok}");
        }
        let long = "a".repeat(65);
        for (bad, expected) in [
            ("", Problem::Empty),
            ("-1", Problem::LeadingDash),
            ("-abc", Problem::LeadingDash),
            ("a b", Problem::Char(' ')),
            ("x@y", Problem::Char('@')),
            ("é", Problem::Char('é')),
            ("a+1", Problem::Char('+')),
            ("a:b", Problem::Char(':')),
            (long.as_str(), Problem::TooLong(65)),
            ("head", Problem::TargetWord),
            ("HEAD", Problem::TargetWord),
            ("Heads", Problem::TargetWord),
            ("bAsE", Problem::TargetWord),
            ("CURRENT", Problem::TargetWord),
        ] {
            assert_eq!(problem(bad, Kind::Revision), Some(expected), "{bad:?}");
        }
    }

    #[test]
    fn branch_labels() {
        for ok in [
            "search",
            "my-branch",
            "-",
            "head-fix",
            "a_1",
            &"b".repeat(64),
        ] {
            assert!(is_valid(ok, Kind::BranchLabel), "{ok}");
        }
        for (bad, expected) in [
            ("", Problem::Empty),
            ("a@b", Problem::Char('@')),
            ("a.b", Problem::Char('.')),
            ("HEAD", Problem::TargetWord),
            ("Base", Problem::TargetWord),
            ("current", Problem::TargetWord),
        ] {
            assert_eq!(problem(bad, Kind::BranchLabel), Some(expected), "{bad:?}");
        }
        assert_eq!(
            problem(&"b".repeat(65), Kind::BranchLabel),
            Some(Problem::TooLong(65))
        );
    }

    /// The table the macro's and the graph's tests also read.
    #[test]
    fn shared_table() {
        let mut n = 0;
        for line in include_str!("../tests/id-cases.tsv").lines() {
            if line.starts_with('#') {
                continue;
            }
            let [kind, text, expected] = line.split('\t').collect::<Vec<_>>()[..] else {
                panic!("bad line {line:?}");
            };
            let kind = match kind {
                "revision" => Kind::Revision,
                _ => Kind::BranchLabel,
            };
            assert_eq!(is_valid(text, kind), expected == "ok", "{line:?}");
            n += 1;
        }
        assert!(n > 30);
    }

    #[test]
    fn messages_name_the_fault() {
        assert_eq!(Problem::Char('\n').to_string(), "`\\n` is not allowed");
        assert!(Problem::TargetWord.to_string().contains("in any case"));
        assert!(Problem::TooLong(70).to_string().contains("70 characters"));
    }
}
