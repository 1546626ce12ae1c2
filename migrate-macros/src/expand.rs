//! Code generation only: the validated migration becomes
//! - the module's own items, untouched;
//! - a use of each op's documentation item through the user's `op!` path (so
//!   the import is used and hover shows the op's rustdoc);
//! - the registration: an `inventory` record whose data (header and ops) is
//!   one string literal.
//!
//! Rules across migrations (the revision graph, the replay of the chain) are
//! checked once, by `migrations!()` (`chain.rs`), not by items per migration.

extern crate proc_macro;

use crate::ast::{Meta, Migration, OpNode};
use crate::cache::Key;
use crate::chain;
use crate::ctxt::Ctxt;
use crate::parse::{AnchorArgs, MigrationArgs};
use crate::sources;
use crate::valid::{self, Downgrade};
use migrate_core::encode::{encode_record_head, EncodedRecord, RecordHead};
use migrate_core::model::Op;
use migrate_core::naming::Naming;
use proc_macro2::TokenStream;
use quote::{quote, quote_spanned, ToTokens};
use syn::spanned::Spanned;
use syn::LitStr;

#[cfg(test)]
pub fn migration(args: TokenStream, input: TokenStream) -> TokenStream {
    migration_with(args, input, None)
}

/// The key of this `#[migration]`'s expansion in the cache (`cache.rs`);
/// `None` where the cache is not used.
pub fn cache_key(args: &proc_macro::TokenStream, input: &proc_macro::TokenStream) -> Option<Key> {
    if in_language_server() {
        return None;
    }
    let file = migration_file()?;
    let naming = sources::crate_naming(&file);
    Key::new(
        &args.to_string(),
        &input.to_string(),
        &file,
        &format!("{naming:?}"),
    )
}

/// The stored expansion of an unchanged module, when there is one: what the
/// analysis emitted last time, with the `use`s of the user's `op` paths made
/// again from this input's tokens (they carry the user's spans, so an
/// unresolved `op` is reported where it is written).
pub fn cached(key: &Key, input: &proc_macro::TokenStream) -> Option<proc_macro::TokenStream> {
    use proc_macro::{Delimiter, Group, TokenStream as Ts, TokenTree};
    let body = key.get()?;
    let mut lines = body.splitn(5, '\n');
    let stored_paths = lines.next()?;
    let revision = lines.next()?;
    let always_len: usize = lines.next()?.parse().ok()?;
    let submit_len: usize = lines.next()?.parse().ok()?;
    let rest = lines.next()?;
    let always = rest.get(..always_len)?;
    let submit = rest.get(always_len..)?;
    if submit.len() != submit_len {
        return None;
    }
    let paths = op_paths(input.clone())?;
    let texts: Vec<String> = paths.iter().map(|(t, _)| t.clone()).collect();
    if texts.join(" ") != stored_paths {
        return None;
    }
    let mut inner = Ts::new();
    for (_, path) in paths {
        inner.extend("#[allow(unused_imports)] use".parse::<Ts>().ok()?);
        inner.extend(path);
        inner.extend("as _;".parse::<Ts>().ok()?);
    }
    inner.extend(always.parse::<Ts>().ok()?);
    if crate::registry::attribute_registers(registry_file().as_deref(), revision) {
        inner.extend(submit.parse::<Ts>().ok()?);
    } else if always.is_empty() {
        // The `use`s alone: no item around them.
        return Some(inner);
    }
    let mut out: Ts = "#[allow(non_local_definitions)] const _: () ="
        .parse()
        .ok()?;
    out.extend([
        TokenTree::Group(Group::new(Delimiter::Brace, inner)),
        TokenTree::Punct(proc_macro::Punct::new(';', proc_macro::Spacing::Alone)),
    ]);
    Some(out)
}

/// The `op!` paths of a module holding only `fn upgrade()` / `fn
/// downgrade()` of `op!` statements (and doc comments), each once, in
/// order, with its text without spaces; `None` for any other shape (the
/// analysis then runs).
fn op_paths(input: proc_macro::TokenStream) -> Option<Vec<(String, proc_macro::TokenStream)>> {
    use proc_macro::{Delimiter, TokenTree};
    let is_ident = |t: &TokenTree, s: &str| matches!(t, TokenTree::Ident(i) if i.to_string() == s);
    let mut it = input.into_iter().peekable();
    while matches!(it.peek(), Some(TokenTree::Punct(p)) if p.as_char() == '#') {
        it.next();
        let TokenTree::Group(g) = it.next()? else {
            return None;
        };
        let first = g.stream().into_iter().next()?;
        if g.delimiter() != Delimiter::Bracket || !is_ident(&first, "doc") {
            return None;
        }
    }
    if it.peek().is_some_and(|t| is_ident(t, "pub")) {
        it.next();
        if matches!(it.peek(), Some(TokenTree::Group(g)) if g.delimiter() == Delimiter::Parenthesis)
        {
            it.next();
        }
    }
    if !is_ident(&it.next()?, "mod") || !matches!(it.next()?, TokenTree::Ident(_)) {
        return None;
    }
    let TokenTree::Group(module) = it.next()? else {
        return None;
    };
    if module.delimiter() != Delimiter::Brace || it.next().is_some() {
        return None;
    }
    let mut out: Vec<(String, proc_macro::TokenStream)> = Vec::new();
    let mut items = module.stream().into_iter();
    while let Some(t) = items.next() {
        let name = items.next()?;
        let params = items.next()?;
        let body = items.next()?;
        let fn_ok =
            is_ident(&t, "fn") && (is_ident(&name, "upgrade") || is_ident(&name, "downgrade"));
        let params_ok = matches!(&params, TokenTree::Group(g) if g.delimiter() == Delimiter::Parenthesis && g.stream().is_empty());
        let TokenTree::Group(body) = body else {
            return None;
        };
        if !fn_ok || !params_ok || body.delimiter() != Delimiter::Brace {
            return None;
        }
        let mut stmts = body.stream().into_iter().peekable();
        while stmts.peek().is_some() {
            let mut path = Vec::new();
            let mut text = String::new();
            loop {
                match stmts.next()? {
                    TokenTree::Punct(p) if p.as_char() == '!' => break,
                    t @ TokenTree::Ident(_) => {
                        text.push_str(&t.to_string());
                        path.push(t);
                    }
                    t @ TokenTree::Punct(_) if t.to_string() == ":" => {
                        text.push(':');
                        path.push(t);
                    }
                    _ => return None,
                }
            }
            if !matches!(stmts.next()?, TokenTree::Group(_)) {
                return None;
            }
            if matches!(stmts.peek(), Some(TokenTree::Punct(p)) if p.as_char() == ';') {
                stmts.next();
            }
            if !text.ends_with("op") || path.is_empty() {
                return None;
            }
            if !out.iter().any(|(t, _)| *t == text) {
                out.push((text, path.into_iter().collect()));
            }
        }
    }
    Some(out)
}

/// The analysis; with a cache key, an expansion that qualifies is stored
/// (see `cache.rs`).
pub fn migration_with(args: TokenStream, input: TokenStream, key: Option<&Key>) -> TokenStream {
    let attr_span = args.span();
    let naming = migration_file()
        .map(|f| sources::crate_naming(&f))
        .unwrap_or_default();
    let cx = Ctxt::with_naming(naming);
    let args = match syn::parse2::<MigrationArgs>(args) {
        Ok(a) => a,
        Err(e) => {
            cx.push(e);
            MigrationArgs { items: Vec::new() }
        }
    };
    let item = match syn::parse2::<syn::Item>(input.clone()) {
        Ok(i) => i,
        Err(e) => {
            cx.push(e);
            let errors = cx.check().err().map(|e| e.to_compile_error());
            return quote!(#errors);
        }
    };
    let meta = Meta::from_args(&cx, args, attr_span);
    match migration_file() {
        Some(file) => {
            cx.set_source_file(&file);
            let parents: Vec<String> = meta.down_revisions.iter().map(LitStr::value).collect();
            cx.set_prior_source(file, parents);
        }
        None if in_language_server() => cx.sql_files_unknown(),
        None => {}
    }
    let Some(m) = Migration::from_syn(&cx, meta, item.clone()) else {
        let tracked = tracked_files(&cx);
        let errors = cx.check().err().map(|e| e.to_compile_error());
        return quote!(#item #tracked #errors);
    };
    let downgrade = valid::check(&cx, &m);
    let ok = !cx.has_errors();
    let tracked = tracked_files(&cx);
    // Only what depends on this module's tokens alone, and carries no
    // user span past the expansion, is stored.
    let cacheable = ok && tracked.is_empty() && !cx.read_other_migrations();
    let errors = cx.check().err().map(|e| e.to_compile_error());

    let attrs = &m.module.attrs;
    let vis = &m.module.vis;
    let ident = &m.module.ident;
    let unsafety = &m.module.unsafety;
    let items = &m.items;
    // A migration module holding nothing but `upgrade`/`downgrade` (the usual
    // case) is not emitted at all: its checks and registration stand in a
    // `const _` item where it was, one module fewer per migration for the
    // compiler. With other items (helper functions, imports) it stays.
    let keep_module = !items.is_empty();
    let (uses, docs) = doc_uses(&m, imports_op(&m.items), keep_module);
    let name = ident.to_string();
    let module_path = if keep_module {
        quote!(::core::module_path!())
    } else {
        quote!(::core::module_path!(), "::", #name)
    };
    let registration = match (ok, downgrade) {
        (true, Some(d)) => registration(&m, &d, module_path, naming),
        _ => None,
    };
    let revision = m.meta.revision.as_ref().map(LitStr::value);
    // Registered here unless `migrations!()`'s table has it (`registry.rs`).
    let registers = match (&registration, &revision) {
        (Some(_), Some(rev)) => {
            crate::registry::attribute_registers(registry_file().as_deref(), rev)
        }
        _ => false,
    };
    let (always, submit) = registration.unwrap_or_default();
    let registration = if registers {
        quote!(#always #submit)
    } else {
        always.clone()
    };
    // The graph impls are crate-wide on purpose (they are how rustc checks the
    // chain), also for a migration declared inside a function body.
    let allow_non_local = quote!(#[allow(non_local_definitions)]);
    if !keep_module {
        let outer: Vec<&syn::Attribute> =
            attrs.iter().filter(|a| !a.path().is_ident("doc")).collect();
        let has_functions = m
            .upgrade
            .iter()
            .chain(m.downgrade.iter().flatten())
            .any(|n| n.function.is_some());
        if let (Some(key), Some(rev)) = (key, &revision) {
            if cacheable && outer.is_empty() && !has_functions && !submit.is_empty() {
                let paths: Vec<String> = op_path_texts(&m);
                let always = quote!(#docs #always).to_string();
                let submit = submit.to_string();
                key.put(&format!(
                    "{}\n{rev}\n{}\n{}\n{always}{submit}",
                    paths.join(" "),
                    always.len(),
                    submit.len(),
                ));
            }
        }
        return quote! {
            #(#outer)*
            #allow_non_local
            const _: () = {
                #uses
                #docs
                #registration
                #tracked
                #errors
            };
        };
    }
    quote! {
        #(#attrs)*
        #vis #unsafety mod #ident {
            #(#items)*
            #allow_non_local
            const _: () = {
                #uses
                #docs
                #registration
                #tracked
            };
            #errors
        }
    }
}

pub fn anchor(args: TokenStream) -> TokenStream {
    let (krate, naming_span) = match syn::parse2::<AnchorArgs>(args) {
        Ok(a) => (
            a.krate
                .unwrap_or_else(|| syn::parse_quote!(::migrate_runtime)),
            a.naming,
        ),
        Err(e) => return e.to_compile_error(),
    };
    let naming = naming_span.map_or(Naming::Convention, |(n, _)| n);
    let naming_is_database = naming == Naming::Database;
    let cx = Ctxt::new();
    let mut table = TokenStream::new();
    if let Some(root) = crate_root_file() {
        let tree = sources::read(&root);
        // Migrations look for the choice in their own file or a `lib.rs` or
        // `main.rs` above them: each must find this one.
        if let Some((Naming::Database, span)) = naming_span {
            let lost = tree
                .files
                .iter()
                .find(|f| f.migrations > 0 && sources::crate_naming(&f.path) != Naming::Database);
            if let Some(f) = lost {
                cx.error(span, format!("the migrations of `{}` cannot find this `naming = \"database\"`: they read it from the crate's `lib.rs` or `main.rs`", f.path.display()), Some("call `migrations!(naming = \"database\")` in `src/lib.rs` or `src/main.rs`"));
            }
        }
        valid::check_unmarked(&cx, &tree);
        valid::check_undeclared(&cx, &tree);
        chain::check(&cx, &tree);
        if !cx.has_errors() && !in_language_server() {
            table = registration_table(&krate, &tree);
        }
    }
    let errors = cx.check().err().map(|e| e.to_compile_error());
    quote! {
        #[doc(hidden)]
        #[allow(dead_code, non_camel_case_types)]
        pub struct __MigrationAnchor;
        #[doc(hidden)]
        #[allow(dead_code)]
        pub fn __migration_anchor() -> ::core::any::TypeId {
            ::core::any::TypeId::of::<__MigrationAnchor>()
        }

        /// `naming = "database"`: each migration checks that it named its
        /// constraints by the same choice.
        #[doc(hidden)]
        #[allow(dead_code)]
        pub const __NAMING_IS_DATABASE: bool = #naming_is_database;

        #errors
        #table

        /// The migrations declared in this crate with `#[migration]`.
        #[allow(dead_code)]
        pub fn migrations() -> #krate::Migrations {
            #krate::__private::collect(::core::any::TypeId::of::<__MigrationAnchor>(), ::core::module_path!())
        }
    }
}

/// The crate's registration table (`registry.rs`): one `inventory`
/// record holding each migration of the module tree whose record this
/// macro writes (the others register themselves).
fn registration_table(krate: &syn::Path, tree: &sources::ModuleTree) -> TokenStream {
    let mut candidates = Vec::new();
    for f in tree.files.iter().filter(|f| !f.cfg_above) {
        for d in f.declared.iter().filter(|d| d.record.is_some()) {
            candidates.push((f.path.clone(), d.revision.clone()));
        }
    }
    let Some(taken) = crate::registry::table_takes(candidates) else {
        return TokenStream::new();
    };
    if taken.is_empty() {
        return TokenStream::new();
    }
    // Generated as text and parsed once: no user span in it, and one call
    // into the compiler rather than one per token. The table is one string
    // (`MigrationTable`): one constant for the compiler, not a `static` of a
    // struct per migration to type-check and evaluate on every rebuild.
    let p = private(krate).to_string();
    // The crate's module path, its name (`migrations!()` stands at the
    // crate root): as the compiler was told it, or joined by the compiler.
    let krate_name = crate_name();
    // The index, then the records (see `MigrationTable`).
    let mut index = String::new();
    let mut records = String::new();
    let mut pieces: Vec<String> = Vec::new();
    for f in tree.files.iter().filter(|f| !f.cfg_above) {
        for d in &f.declared {
            let Some(record) = &d.record else { continue };
            if !taken.contains(&(f.path.clone(), d.revision.clone())) {
                continue;
            }
            let mut module = String::new();
            for m in f.module.iter().chain(std::iter::once(&d.module)) {
                module.push_str("::");
                module.push_str(m);
            }
            index.push_str(&format!(
                "{}:{}{}:{}",
                d.revision.len(),
                d.revision,
                record.lineage.len(),
                record.lineage
            ));
            let tail = format!("{module}\0{}\0{}", f.path.display(), d.line);
            match &krate_name {
                Some(krate) => {
                    let before = records.len();
                    records.push_str(&record.head);
                    records.push_str(krate);
                    records.push_str(&tail);
                    index.push_str(&format!("{}:", records.len() - before));
                }
                None => {
                    index.push_str(&format!("{};", record.head.len()));
                    records.push_str(&record.head);
                    pieces.push(std::mem::take(&mut records));
                    records.push_str(&tail);
                    records.push('\n');
                }
            }
        }
    }
    index.push('\n');
    if let Some(first) = pieces.first_mut() {
        first.insert_str(0, &index);
    } else {
        records.insert_str(0, &index);
    }
    let records = match krate_name {
        Some(_) => proc_macro2::Literal::string(&records).to_string(),
        None => {
            pieces.push(records);
            let pieces: Vec<String> = pieces
                .iter()
                .map(|r| proc_macro2::Literal::string(r).to_string())
                .collect();
            format!(
                "::core::concat!({})",
                pieces.join(", ::core::module_path!(), ")
            )
        }
    };
    let text = format!(
        "{p}::inventory::submit! {{ {p}::MigrationTable {{ records: {records}, anchor: __migration_anchor }} }}"
    );
    parse_generated(&text).unwrap_or_else(|e| internal_error(&e))
}

/// One documented item per op of the op table, for `migrate_runtime::dsl`:
/// the op's summary, then its arguments and the model value it lowers to, all
/// read from the table so the docs cannot fall behind it.
pub fn dsl_docs(input: TokenStream) -> TokenStream {
    if !input.is_empty() {
        return syn::Error::new(input.span(), "`__dsl_docs!` takes no arguments")
            .to_compile_error();
    }
    let items = crate::ast::ops::OPS.iter().map(|spec| {
        let name = syn::Ident::new(spec.name, proc_macro2::Span::call_site());
        let doc = spec.doc_text();
        quote! {
            #[doc = #doc]
            pub fn #name() {}
        }
    });
    quote!(#(#items)*)
}

/// The `--crate-name` the compiler running this macro was given.
fn crate_name() -> Option<String> {
    if !proc_macro::is_available() {
        return None;
    }
    let mut args = std::env::args();
    while let Some(a) = args.next() {
        if a == "--crate-name" {
            return args.next();
        }
    }
    None
}

/// The file `migrations!()` is called in: the crate root. Only the compiler
/// knows it (not rust-analyzer, nor a unit test).
fn crate_root_file() -> Option<std::path::PathBuf> {
    if !proc_macro::is_available() {
        return None;
    }
    proc_macro::Span::call_site().local_file()
}

/// The file of a `#[migration]` as the registry knows it (`registry.rs`):
/// `None` in a language server, where each registers itself.
fn registry_file() -> Option<std::path::PathBuf> {
    if in_language_server() {
        return None;
    }
    migration_file()
}

/// The file a `#[migration]` is in (only the compiler knows it).
fn migration_file() -> Option<std::path::PathBuf> {
    if !proc_macro::is_available() {
        return None;
    }
    proc_macro::Span::call_site().local_file()
}

/// Whether the macro runs in rust-analyzer's proc-macro server, which
/// gives no file paths: SQL files are then not read (the compiler reads them).
fn in_language_server() -> bool {
    // Once per process: every expansion asks, and each answer read a link.
    static IN: std::sync::OnceLock<bool> = std::sync::OnceLock::new();
    *IN.get_or_init(|| {
        std::env::current_exe().is_ok_and(|exe| {
            exe.file_name()
                .and_then(|n| n.to_str())
                .is_some_and(|n| n.contains("rust-analyzer") || n.contains("proc-macro-srv"))
        })
    })
}

/// `include_bytes!` of every SQL file `execute(file = ...)` read, so cargo
/// rebuilds the crate when one changes (the one stable way to tell it).
fn tracked_files(cx: &Ctxt) -> TokenStream {
    let files = cx.files_read();
    let paths = files.iter().filter_map(|p| p.to_str());
    quote!(#(const _: &[u8] = ::core::include_bytes!(#paths);)*)
}

/// Parses generated source text. Inside the compiler, with its own lexer: the
/// `proc_macro2` route would first lex it again with a slower, unoptimised one.
fn parse_generated(src: &str) -> Result<TokenStream, String> {
    if proc_macro::is_available() {
        src.parse::<proc_macro::TokenStream>()
            .map(TokenStream::from)
            .map_err(|e| e.to_string())
    } else {
        src.parse::<TokenStream>().map_err(|e| e.to_string())
    }
}

/// Generated text that does not parse is our bug, reported as such.
fn internal_error(e: &str) -> TokenStream {
    let msg = format!(
        "internal error in #[migration]: generated code does not parse ({e}); please report this"
    );
    quote!(::core::compile_error!(#msg);)
}

/// Whether the module itself imports `op` (by name or glob).
fn imports_op(items: &[syn::Item]) -> bool {
    fn tree(t: &syn::UseTree) -> bool {
        match t {
            syn::UseTree::Path(p) => tree(&p.tree),
            syn::UseTree::Name(n) => n.ident == "op",
            syn::UseTree::Rename(r) => r.rename == "op",
            syn::UseTree::Glob(_) => true,
            syn::UseTree::Group(g) => g.items.iter().any(tree),
        }
    }
    items
        .iter()
        .any(|i| matches!(i, syn::Item::Use(u) if tree(&u.tree)))
}

/// A use of the user's `op` import (so it is not reported unused) and of each
/// op's documentation item, its name spanned on the user's op name (so hovering
/// it shows the op's rustdoc). `use migrate_runtime::{migration, op};` usually
/// sits beside the module, whose items do not see it: a bare `op` is then
/// reached as `super::op`. No macro is expanded for this.
fn doc_uses(m: &Migration, imported_inside: bool, in_module: bool) -> (TokenStream, TokenStream) {
    let reach = |path: &syn::Path| -> TokenStream {
        if in_module && !imported_inside && path.leading_colon.is_none() && path.segments.len() == 1
        {
            let span = path.span();
            quote_spanned!(span=> super::#path)
        } else {
            path.to_token_stream()
        }
    };
    let nodes: Vec<&OpNode> = m
        .upgrade
        .iter()
        .chain(m.downgrade.iter().flatten())
        .collect();
    let mut paths: Vec<String> = Vec::new();
    let mut uses = Vec::new();
    for n in &nodes {
        let text = n.path.to_token_stream().to_string();
        if !paths.contains(&text) {
            let p = reach(&n.path);
            uses.push(quote_spanned!(n.span=> #[allow(unused_imports)] use #p as _;));
            paths.push(text);
        }
    }
    // The documentation items carry no user span: one string, one parse.
    // Only a language server shows them (hover): the compiler is spared
    // them, one statement per op.
    let krate = m.meta.krate.to_token_stream().to_string();
    let mut docs = String::new();
    for n in nodes.iter().filter(|_| in_language_server()) {
        let name = n.name.to_string();
        if crate::ast::ops::spec(&name).is_some() {
            docs.push_str(&format!("let _ = {krate}::dsl::{name};"));
        }
    }
    let docs = parse_generated(&docs).unwrap_or_else(|e| internal_error(&e));
    (quote!(#(#uses)*), docs)
}

/// The `op!` paths of the migration as [`doc_uses`] uses them, each once,
/// without spaces: what a cached expansion's input must show again.
fn op_path_texts(m: &Migration) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for n in m.upgrade.iter().chain(m.downgrade.iter().flatten()) {
        let text: String = n
            .path
            .to_token_stream()
            .to_string()
            .chars()
            .filter(|c| !c.is_whitespace())
            .collect();
        if !out.contains(&text) {
            out.push(text);
        }
    }
    out
}

fn private(krate: &syn::Path) -> TokenStream {
    quote!(#krate::__private)
}

/// The record of a migration as `migrate_core::encode` writes it, its
/// lineage and the rest up to what only the compiler knows (module path,
/// file, line): the same for the attribute's own registration and for
/// `migrations!()`'s table.
pub fn record_head(m: &Migration, downgrade: &Downgrade) -> EncodedRecord {
    let up: Vec<Op> = m.upgrade.iter().filter_map(|n| n.op.clone()).collect();
    let checksum = migrate_core::checksum::checksum(&up).to_hex();
    let (down, derived) = match downgrade {
        Downgrade::Irreversible => (None, false),
        Downgrade::Written(d) => (Some(&d[..]), false),
        Downgrade::Derived(d) => (Some(&d[..]), true),
    };
    let message = m.message();
    let needs_no_tx = up.iter().any(Op::needs_no_transaction)
        || matches!(downgrade, Downgrade::Written(d) | Downgrade::Derived(d) if d.iter().any(Op::needs_no_transaction));
    let transactional = match m.meta.transactional {
        Some((t, _)) => t && !needs_no_tx,
        None => !needs_no_tx,
    };
    let parents: Vec<String> = m.meta.down_revisions.iter().map(LitStr::value).collect();
    let parents: Vec<&str> = parents.iter().map(String::as_str).collect();
    let branch = m.meta.branch.as_ref().map(LitStr::value);
    // Everything without a pointer in two string literals (see
    // `migrate_core::encode`): constants for the compiler, nothing for the
    // loader to relocate. The compiler's part is joined by `concat!`.
    encode_record_head(&RecordHead {
        parents: &parents,
        branch: branch.as_deref(),
        message: &message,
        checksum: &checksum,
        downgrade_is_derived: derived,
        transactional,
        upgrade: &up,
        downgrade: down,
    })
}

fn registration(
    m: &Migration,
    downgrade: &Downgrade,
    module_path: TokenStream,
    naming: Naming,
) -> Option<(TokenStream, TokenStream)> {
    let p = private(&m.meta.krate);
    let rev = m.meta.revision.as_ref()?;
    let mut names: Vec<String> = Vec::new();
    let mut functions = Vec::new();
    for n in m.upgrade.iter().chain(m.downgrade.iter().flatten()) {
        if let Some(f) = &n.function {
            let name = f.to_token_stream().to_string();
            if !names.contains(&name) {
                functions.push(quote_spanned!(f.span()=> #p::RunFunction::new(#name, {
                    const __F: #p::RunFn = #f;
                    __F
                })));
                names.push(name);
            }
        }
    }
    let functions = if functions.is_empty() {
        quote!(&[])
    } else {
        let n = functions.len();
        quote!({
            static __FUNCTIONS: [#p::RunFunction; #n] = [#(#functions),*];
            &__FUNCTIONS
        })
    };
    let record = record_head(m, downgrade);
    let lineage = proc_macro2::Literal::string(&record.lineage);
    let head = proc_macro2::Literal::string(&record.head);
    let revision = proc_macro2::Literal::string(&rev.value());
    // The anchor states the choice the migration found; the default needs
    // no check (the anchor refuses `naming` where migrations cannot find it).
    let naming_check = (naming == Naming::Database).then(|| {
        quote! {
            const _: () = ::core::assert!(
                crate::__NAMING_IS_DATABASE,
                "this migration names unnamed constraints by `naming = \"database\"`, but `migrations!()` does not say so"
            );
        }
    });
    let submit = quote! {
            #p::inventory::submit! {
                #p::Migration::__new(#p::MigrationParts {
                    revision: #revision,
                    lineage: #lineage,
                    record: ::core::concat!(#head, #module_path, "\0", ::core::file!(), "\0", ::core::line!()),
                    functions: #functions,
                    anchor: crate::__migration_anchor,
                })
            }
    };
    Some((quote!(#naming_check), submit))
}

#[cfg(test)]
mod tests {
    use migrate_core::encode::{decode_ops, decode_record};
    use migrate_core::model::Op;
    use quote::ToTokens;
    use std::str::FromStr;

    /// The lineage and record literals of an expansion, with what `concat!`
    /// would join to the record.
    fn record(out: &proc_macro2::TokenStream) -> (&'static str, &'static str) {
        let text = out.to_string();
        let lineage = text.find("lineage :").expect("the lineage is a field");
        let lineage = text[lineage + 9..].split_once(", record").unwrap().0;
        let lineage = syn::parse_str::<syn::LitStr>(lineage).unwrap().value();
        let at = text.find("concat !").expect("the record is a concat!");
        let lit = text[at..].split_once('(').unwrap().1;
        let end = lit.find(", :: core :: module_path").unwrap();
        let value = syn::parse_str::<syn::LitStr>(&lit[..end]).unwrap().value();
        (
            leak(lineage),
            leak(format!("{value}crate::m\0src/m.rs\x007")),
        )
    }

    fn leak(s: String) -> &'static str {
        Box::leak(s.into_boxed_str())
    }

    /// Every op the DSL lowers to, and its derived inverse where it has one,
    /// reads back as written.
    #[test]
    fn every_lowered_op_round_trips() {
        for (dsl, op) in crate::ast::tests::cases() {
            let mut lists = vec![vec![op.clone()]];
            if let Ok(inverse) = migrate_core::inverse::invert(std::slice::from_ref(&op)) {
                lists.push(inverse);
            }
            for ops in lists {
                let text = leak(migrate_core::encode::encode_ops(&ops));
                assert_eq!(decode_ops(text).unwrap(), ops, "{dsl}");
            }
        }
    }

    /// `migrations!()`'s table, one string joined by `concat!` where the
    /// crate's name is not known (as here, outside a compiler), holds each
    /// migration as the runtime cuts it: the revision, lineage and head
    /// measured in the index, then the records with their module path, file
    /// and line; each record reads back.
    #[test]
    fn the_table_holds_each_record_as_the_runtime_cuts_it() {
        let tmp = tempfile::tempdir().unwrap();
        let src = tmp.path().join("src");
        std::fs::create_dir_all(src.join("m")).unwrap();
        std::fs::write(
            src.join("lib.rs"),
            "migrate_runtime::migrations!();\nmod m;\n",
        )
        .unwrap();
        std::fs::write(src.join("m/mod.rs"), "mod a;\nmod b;\n").unwrap();
        let migration = |rev: &str, down: &str, message: &str| {
            format!("use migrate_runtime::{{migration, op}};\n\n/// {message}\n#[migration(revision = \"{rev}\", down_revision = {down})]\nmod {rev} {{\n    fn upgrade() {{\n        op!(create_table(\"t_{rev}\", Column(\"id\", Integer, primary_key = true)));\n        op!(execute(\"SELECT '\\0\\n\\\"é'\"));\n    }}\n\n    fn downgrade() {{\n        op!(drop_table(\"t_{rev}\"));\n    }}\n}}\n")
        };
        std::fs::write(
            src.join("m/a.rs"),
            migration("a1", "None", "first: \\ \" ✓"),
        )
        .unwrap();
        std::fs::write(src.join("m/b.rs"), migration("b2", "\"a1\"", "second")).unwrap();
        let tree = crate::sources::read(&src.join("lib.rs"));
        let out = super::registration_table(&syn::parse_quote!(::migrate_runtime), &tree);
        assert!(out.to_string().contains("concat !"), "{out}");
        // Its string literals are the pieces `module_path!()` joins.
        fn literals(ts: proc_macro2::TokenStream, out: &mut Vec<String>) {
            for t in ts {
                match t {
                    proc_macro2::TokenTree::Group(g) => literals(g.stream(), out),
                    proc_macro2::TokenTree::Literal(l) => out.push(
                        syn::parse2::<syn::LitStr>(l.into_token_stream())
                            .unwrap()
                            .value(),
                    ),
                    _ => {}
                }
            }
        }
        let mut pieces = Vec::new();
        literals(out, &mut pieces);
        let table = pieces.join("krate");
        // Cut as `MigrationTable` does: the index (each record's head
        // measured), a line break, then the records, each with the module
        // path, file and line after its head and a line break.
        let mut rest: &'static str = Box::leak(table.into_boxed_str());
        let mut index = Vec::new();
        let field = |r: &mut &'static str, end: char| -> &'static str {
            let (n, tail) = r.split_once(end).unwrap();
            let (field, tail) = tail.split_at(n.parse().unwrap());
            *r = tail;
            field
        };
        while !rest.starts_with('\n') {
            let revision = field(&mut rest, ':');
            let lineage = field(&mut rest, ':');
            let (n, tail) = rest.split_once(';').unwrap();
            rest = tail;
            index.push((revision, lineage, n.parse::<usize>().unwrap()));
        }
        rest = &rest[1..];
        let mut cut = Vec::new();
        for (revision, lineage, n) in index {
            let module_end = n + rest[n..].find('\0').unwrap() + 1;
            let file_end = module_end + rest[module_end..].find('\0').unwrap() + 1;
            let end = file_end + rest[file_end..].find('\n').unwrap();
            let record = decode_record(lineage, &rest[..end]).unwrap();
            rest = &rest[end + 1..];
            cut.push((revision, record.message, record.module_path, record.line));
            assert!(record
                .file
                .ends_with(&format!("src/m/{}.rs", &revision[..1])));
            let up = decode_ops(record.upgrade).unwrap();
            assert!(
                matches!(&up[1], Op::Execute(sql) if sql.any.as_deref() == Some("SELECT '\0\n\"é'"))
            );
        }
        assert_eq!(rest, "");
        cut.sort();
        assert_eq!(
            cut,
            [
                ("a1", "first: \\ \" ✓", "krate::m::a::a1", 4),
                ("b2", "second", "krate::m::b::b2", 4)
            ]
        );
    }

    /// The expansion's literal, escaped by the compiler's rules, reads back
    /// to the migration's header and ops.
    #[test]
    fn the_emitted_record_reads_back() {
        let module: proc_macro2::TokenStream = r#"
            /// Adds "quoted" things: a\b ✓
            mod m {
                fn upgrade() {
                    op!(create_table("t", Column("id", Integer, primary_key = true)));
                    op!(execute("SELECT '\0\n\"é'"));
                }
                fn downgrade() {
                    op!(drop_table("t"));
                }
            }
        "#
        .parse()
        .unwrap();
        let args = r#"revision = "b2", down_revision = ["a1", "a-0"], branch = "side""#;
        let out = super::migration(proc_macro2::TokenStream::from_str(args).unwrap(), module);
        assert!(!out.to_string().contains("compile_error"), "{out}");
        let (lineage, rest) = record(&out);
        let r = decode_record(lineage, rest).unwrap();
        assert_eq!(r.parents, ["a1", "a-0"]);
        assert_eq!(r.branch, Some("side"));
        assert_eq!(r.message, "Adds \"quoted\" things: a\\b ✓");
        assert!(!r.downgrade_is_derived && r.transactional);
        let up = decode_ops(r.upgrade).unwrap();
        assert_eq!(r.checksum, migrate_core::checksum::checksum(&up).to_hex());
        assert!(
            matches!(&up[1], Op::Execute(sql) if sql.any.as_deref() == Some("SELECT '\0\n\"é'"))
        );
        assert_eq!(decode_ops(r.downgrade.unwrap()).unwrap().len(), 1);
        assert_eq!((r.module_path, r.file, r.line), ("crate::m", "src/m.rs", 7));
    }
}
