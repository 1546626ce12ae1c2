//! Code generation only: the validated migration becomes
//! - the module's own items, untouched;
//! - a use of each op's documentation item through the user's `op!` path (so
//!   the import is used and hover shows the op's rustdoc);
//! - type-level items that rustc checks across the crate: a `Revision` impl per
//!   id (duplicate → E0119), a parent lookup (missing → E0277, a cycle → E0391
//!   when the depth is evaluated), a claim on the parent's child slot (a second
//!   child → E0119), on the root slot, and on the branch label;
//! - the registration: static op lists and an `inventory` record.

use crate::ast::{Meta, Migration, OpNode};
use crate::ctxt::Ctxt;
use crate::parse::{AnchorArgs, MigrationArgs};
use crate::valid::{self, Downgrade};
use migrate_core::model::*;
use proc_macro2::TokenStream;
use quote::{quote, quote_spanned, ToTokens};
use syn::spanned::Spanned;
use syn::LitStr;

pub fn migration(args: TokenStream, input: TokenStream) -> TokenStream {
    let attr_span = args.span();
    let cx = Ctxt::new();
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
    let Some(m) = Migration::from_syn(&cx, meta, item.clone()) else {
        let errors = cx.check().err().map(|e| e.to_compile_error());
        return quote!(#item #errors);
    };
    let downgrade = valid::check(&cx, &m);
    let ok = !cx.has_errors();
    let errors = cx.check().err().map(|e| e.to_compile_error());

    let attrs = &m.module.attrs;
    let vis = &m.module.vis;
    let ident = &m.module.ident;
    let unsafety = &m.module.unsafety;
    let items = &m.items;
    let docs = doc_uses(&m);
    let graph = graph_checks(&m.meta);
    let registration = match (ok, downgrade) {
        (true, Some(d)) => registration(&m, &d),
        _ => TokenStream::new(),
    };
    // `use migrate_runtime::{migration, op};` usually sits beside the module,
    // and an inline module does not see its parent's imports: the uses of `op`
    // go where the import is.
    let (docs_inside, docs_outside) = if imports_op(items) {
        (docs, TokenStream::new())
    } else {
        (TokenStream::new(), docs)
    };
    quote! {
        #(#attrs)*
        #vis #unsafety mod #ident {
            #(#items)*
            #docs_inside
            #graph
            #registration
            #errors
        }
        #docs_outside
    }
}

pub fn anchor(args: TokenStream) -> TokenStream {
    let krate = match syn::parse2::<AnchorArgs>(args) {
        Ok(a) => a
            .krate
            .unwrap_or_else(|| syn::parse_quote!(::migrate_runtime)),
        Err(e) => return e.to_compile_error(),
    };
    quote! {
        #[doc(hidden)]
        #[allow(dead_code, non_camel_case_types)]
        pub struct __Revision<K>(::core::marker::PhantomData<K>);
        #[doc(hidden)]
        #[allow(dead_code, non_camel_case_types)]
        pub struct __ChildOf<K, B>(::core::marker::PhantomData<(K, B)>);
        #[doc(hidden)]
        #[allow(dead_code, non_camel_case_types)]
        pub struct __Root<B>(::core::marker::PhantomData<B>);
        #[doc(hidden)]
        #[allow(dead_code, non_camel_case_types)]
        pub struct __BranchLabel<K>(::core::marker::PhantomData<K>);
        #[doc(hidden)]
        #[allow(dead_code, non_camel_case_types)]
        pub struct __Ch<const C: char>;
        #[doc(hidden)]
        #[allow(dead_code, non_camel_case_types)]
        pub struct __MigrationAnchor;

        /// The migrations declared in this crate with `#[migration]`.
        #[allow(dead_code)]
        pub fn migrations() -> #krate::Migrations {
            #krate::__private::collect(::core::any::TypeId::of::<__MigrationAnchor>(), ::core::module_path!())
        }
    }
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

/// `op!{@__doc create_table}` per op, through the path the user wrote.
fn doc_uses(m: &Migration) -> TokenStream {
    let uses = m
        .upgrade
        .iter()
        .chain(m.downgrade.iter().flatten())
        .map(|n: &OpNode| {
            let path = &n.path;
            if crate::ast::OPS.contains(&n.name.to_string().as_str()) {
                let name = &n.name;
                quote_spanned!(n.span=> #path!{@__doc #name})
            } else {
                quote_spanned!(n.span=> #path!{@__used})
            }
        });
    quote! {
        const _: () = { #(#uses)* };
    }
}

/// `(crate::__Ch<'a'>, crate::__Ch<'1'>,)`, spanned on the literal.
fn key(lit: &LitStr) -> TokenStream {
    let chars = lit
        .value()
        .chars()
        .map(|c| quote_spanned!(lit.span()=> crate::__Ch<#c>))
        .collect::<Vec<_>>();
    quote_spanned!(lit.span()=> (#(#chars,)*))
}

fn valid_id(lit: &LitStr) -> bool {
    let v = lit.value();
    !v.is_empty()
        && v.len() <= valid::MAX_REVISION_LEN
        && v.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
}

fn graph_checks(meta: &Meta) -> TokenStream {
    let Some(rev) = meta.revision.as_ref().filter(|r| valid_id(r)) else {
        return TokenStream::new();
    };
    let p = private(&meta.krate);
    let me = key(rev);
    let label = match &meta.branch {
        Some(l) if valid_id_label(l) => key(l),
        _ => quote!(()),
    };
    let parents: Vec<&LitStr> = meta
        .down_revisions
        .iter()
        .filter(|p| valid_id(p) && p.value() != rev.value())
        .collect();
    let depth = if parents.is_empty() {
        quote_spanned!(meta.down_span=> 0)
    } else {
        let mut depth: Option<TokenStream> = None;
        for parent in &parents {
            let pk = key(parent);
            let d = quote_spanned!(parent.span()=> <crate::__Revision<#pk> as #p::RevisionIdsMustBeUnique>::DEPTH);
            depth = Some(match depth {
                None => d,
                Some(prev) => quote_spanned!(parent.span()=> #p::max(#prev, #d)),
            });
        }
        quote!(#depth + 1)
    };
    let unique = quote_spanned! {rev.span()=>
        impl #p::RevisionIdsMustBeUnique for crate::__Revision<#me> {
            const DEPTH: u32 = #depth;
        }
    };
    let evaluate = quote_spanned! {rev.span()=>
        const _: u32 = <crate::__Revision<#me> as #p::RevisionIdsMustBeUnique>::DEPTH;
    };
    let slots = if parents.is_empty() && meta.down_given && meta.down_revisions.is_empty() {
        let span = meta.down_span;
        quote_spanned! {span=>
            impl #p::OnlyOneMigrationMayBeTheRoot for crate::__Root<#label> {}
        }
    } else {
        let claims = parents.iter().map(|parent| {
            let pk = key(parent);
            quote_spanned! {parent.span()=>
                impl #p::OnlyOneMigrationMayFollowEachRevision for crate::__ChildOf<#pk, #label> {}
            }
        });
        quote!(#(#claims)*)
    };
    let branch = match &meta.branch {
        Some(l) if valid_id_label(l) => {
            let lk = key(l);
            quote_spanned! {l.span()=>
                impl #p::BranchLabelsMustBeUnique for crate::__BranchLabel<#lk> {}
            }
        }
        _ => TokenStream::new(),
    };
    quote! {
        const _: () = {
            #unique
            #evaluate
            #slots
            #branch
        };
    }
}

fn valid_id_label(lit: &LitStr) -> bool {
    let v = lit.value();
    !v.is_empty()
        && v.len() <= valid::MAX_REVISION_LEN
        && v.chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
}

fn private(krate: &syn::Path) -> TokenStream {
    quote!(#krate::__private)
}

fn registration(m: &Migration, downgrade: &Downgrade) -> TokenStream {
    let p = private(&m.meta.krate);
    let Some(rev) = &m.meta.revision else {
        return TokenStream::new();
    };
    let up: Vec<Op> = m.upgrade.iter().filter_map(|n| n.op.clone()).collect();
    let checksum = migrate_core::checksum::checksum(&up).to_hex();
    let up_tokens = ops(&up, &p);
    let (down_tokens, derived) = match downgrade {
        Downgrade::Written(d) => (ops(d, &p), false),
        Downgrade::Derived(d) => (ops(d, &p), true),
        Downgrade::Irreversible => (TokenStream::new(), false),
    };
    let downgrade_expr = match downgrade {
        Downgrade::Irreversible => quote!(::core::option::Option::None),
        _ => quote!(::core::option::Option::Some(&__DOWNGRADE)),
    };
    let down_static = match downgrade {
        Downgrade::Irreversible => TokenStream::new(),
        Downgrade::Written(d) | Downgrade::Derived(d) => {
            let n = d.len();
            quote!(static __DOWNGRADE: [#p::Op; #n] = [#down_tokens];)
        }
    };
    let up_len = up.len();
    let parents = m.meta.down_revisions.iter().map(|l| l.value());
    let branch = match &m.meta.branch {
        Some(l) => {
            let v = l.value();
            quote!(::core::option::Option::Some(#v))
        }
        None => quote!(::core::option::Option::None),
    };
    let message = m.message();
    let all_ops = m.upgrade.iter().chain(m.downgrade.iter().flatten());
    let mut functions = Vec::new();
    for n in all_ops {
        if let Some(f) = &n.function {
            let name = f.to_token_stream().to_string();
            if !functions
                .iter()
                .any(|(x, _): &(String, TokenStream)| *x == name)
            {
                functions.push((
                    name.clone(),
                    quote_spanned!(f.span()=> #p::RunFunction::new(#name, {
                        const __F: #p::RunFn = #f;
                        __F
                    })),
                ));
            }
        }
    }
    let function_count = functions.len();
    let function_tokens = functions.into_iter().map(|(_, t)| t);
    let needs_no_tx = up.iter().any(Op::needs_no_transaction)
        || matches!(downgrade, Downgrade::Written(d) | Downgrade::Derived(d) if d.iter().any(Op::needs_no_transaction));
    let transactional = match m.meta.transactional {
        Some((t, _)) => t && !needs_no_tx,
        None => !needs_no_tx,
    };
    let rev_value = rev.value();
    quote! {
        const _: () = {
            static __UPGRADE: [#p::Op; #up_len] = [#up_tokens];
            #down_static
            static __FUNCTIONS: [#p::RunFunction; #function_count] = [#(#function_tokens),*];
            fn __anchor() -> ::core::any::TypeId {
                ::core::any::TypeId::of::<crate::__MigrationAnchor>()
            }
            #p::inventory::submit! {
                #p::Migration::__new(#p::MigrationParts {
                    revision: #rev_value,
                    down_revisions: &[#(#parents),*],
                    branch: #branch,
                    message: #message,
                    upgrade: &__UPGRADE,
                    downgrade: #downgrade_expr,
                    downgrade_is_derived: #derived,
                    checksum: #checksum,
                    transactional: #transactional,
                    module_path: ::core::module_path!(),
                    file: ::core::file!(),
                    line: ::core::line!(),
                    functions: &__FUNCTIONS,
                    anchor: __anchor,
                })
            }
        };
    }
}

// -- op data as tokens -------------------------------------------------------------

fn ops(list: &[Op], p: &TokenStream) -> TokenStream {
    let items = list.iter().map(|o| op(o, p));
    quote!(#(#items),*)
}

fn st(s: &str, p: &TokenStream) -> TokenStream {
    quote!(#p::Cow::Borrowed(#s))
}

fn opt<T: ?Sized>(v: Option<&T>, f: impl FnOnce(&T) -> TokenStream) -> TokenStream {
    match v {
        Some(v) => {
            let t = f(v);
            quote!(::core::option::Option::Some(#t))
        }
        None => quote!(::core::option::Option::None),
    }
}

fn opt_st(v: Option<&str>, p: &TokenStream) -> TokenStream {
    opt(v, |s| st(s, p))
}

/// A `Cow<'static, [T]>` from items: a borrowed `const` slice.
fn list<T>(
    items: &[T],
    ty: TokenStream,
    p: &TokenStream,
    f: impl Fn(&T) -> TokenStream,
) -> TokenStream {
    let items = items.iter().map(f);
    quote!({
        const __L: &[#ty] = &[#(#items),*];
        #p::Cow::Borrowed(__L)
    })
}

fn strs(items: &[Str], p: &TokenStream) -> TokenStream {
    list(items, quote!(#p::Cow<'static, str>), p, |s| st(s, p))
}

fn table_ref(t: &TableRef, p: &TokenStream) -> TokenStream {
    let schema = opt_st(t.schema.as_deref(), p);
    let name = st(&t.name, p);
    quote!(#p::TableRef { schema: #schema, name: #name })
}

fn bool_opt(v: Option<bool>) -> TokenStream {
    opt(v.as_ref(), |b| quote!(#b))
}

fn op(o: &Op, p: &TokenStream) -> TokenStream {
    match o {
        Op::CreateTable(t) => {
            let t = table(t, p);
            quote!(#p::Op::CreateTable(#t))
        }
        Op::DropTable {
            table: t,
            definition,
        } => {
            let tr = table_ref(t, p);
            let d = opt(definition.as_ref(), |d| table(d, p));
            quote!(#p::Op::DropTable { table: #tr, definition: #d })
        }
        Op::RenameTable { schema, old, new } => {
            let schema = opt_st(schema.as_deref(), p);
            let old = st(old, p);
            let new = st(new, p);
            quote!(#p::Op::RenameTable { schema: #schema, old: #old, new: #new })
        }
        Op::AddColumn {
            table: t,
            column: c,
        } => {
            let t = table_ref(t, p);
            let c = column(c, p);
            quote!(#p::Op::AddColumn { table: #t, column: #c })
        }
        Op::DropColumn {
            table: t,
            column: c,
            definition,
        } => {
            let t = table_ref(t, p);
            let c = st(c, p);
            let d = opt(definition.as_ref(), |d| column(d, p));
            quote!(#p::Op::DropColumn { table: #t, column: #c, definition: #d })
        }
        Op::AlterColumn(a) => {
            let t = table_ref(&a.table, p);
            let c = st(&a.column, p);
            let new_name = opt_st(a.new_name.as_deref(), p);
            let ty = opt(a.ty.as_ref(), |t| column_type(t, p));
            let nullable = bool_opt(a.nullable);
            let sd = opt(a.server_default.as_ref(), |d| {
                opt(d.as_ref(), |d| default(d, p))
            });
            let comment = opt(a.comment.as_ref(), |c| opt_st(c.as_deref(), p));
            let ety = opt(a.existing_type.as_ref(), |t| column_type(t, p));
            let en = bool_opt(a.existing_nullable);
            let esd = opt(a.existing_server_default.as_ref(), |d| {
                opt(d.as_ref(), |d| default(d, p))
            });
            let ec = opt(a.existing_comment.as_ref(), |c| opt_st(c.as_deref(), p));
            let using = opt_st(a.using.as_deref(), p);
            quote!(#p::Op::AlterColumn(#p::AlterColumn {
                table: #t, column: #c, new_name: #new_name, ty: #ty, nullable: #nullable,
                server_default: #sd, comment: #comment, existing_type: #ety,
                existing_nullable: #en, existing_server_default: #esd,
                existing_comment: #ec, using: #using,
            }))
        }
        Op::CreateIndex(i) => {
            let i = index(i, p);
            quote!(#p::Op::CreateIndex(#i))
        }
        Op::DropIndex {
            table: t,
            name,
            definition,
        } => {
            let t = table_ref(t, p);
            let name = st(name, p);
            let d = opt(definition.as_ref(), |i| index(i, p));
            quote!(#p::Op::DropIndex { table: #t, name: #name, definition: #d })
        }
        Op::AddConstraint {
            table: t,
            constraint: c,
        } => {
            let t = table_ref(t, p);
            let c = constraint(c, p);
            quote!(#p::Op::AddConstraint { table: #t, constraint: #c })
        }
        Op::DropConstraint {
            table: t,
            name,
            kind,
            definition,
        } => {
            let t = table_ref(t, p);
            let name = st(name, p);
            let kind = constraint_type(*kind, p);
            let d = opt(definition.as_ref(), |c| constraint(c, p));
            quote!(#p::Op::DropConstraint { table: #t, name: #name, kind: #kind, definition: #d })
        }
        Op::CreateEnum(e) => {
            let e = enum_type(e, p);
            quote!(#p::Op::CreateEnum(#e))
        }
        Op::DropEnum {
            schema,
            name,
            definition,
        } => {
            let schema = opt_st(schema.as_deref(), p);
            let name = st(name, p);
            let d = opt(definition.as_ref(), |e| enum_type(e, p));
            quote!(#p::Op::DropEnum { schema: #schema, name: #name, definition: #d })
        }
        Op::AddEnumValue {
            schema,
            name,
            value,
            placement,
        } => {
            let schema = opt_st(schema.as_deref(), p);
            let name = st(name, p);
            let value = st(value, p);
            let placement = opt(placement.as_ref(), |pl| match pl {
                EnumPlacement::Before(v) => {
                    let v = st(v, p);
                    quote!(#p::EnumPlacement::Before(#v))
                }
                EnumPlacement::After(v) => {
                    let v = st(v, p);
                    quote!(#p::EnumPlacement::After(#v))
                }
            });
            quote!(#p::Op::AddEnumValue { schema: #schema, name: #name, value: #value, placement: #placement })
        }
        Op::SetTableComment {
            table: t,
            comment,
            existing,
        } => {
            let t = table_ref(t, p);
            let c = opt_st(comment.as_deref(), p);
            let e = opt(existing.as_ref(), |e| opt_st(e.as_deref(), p));
            quote!(#p::Op::SetTableComment { table: #t, comment: #c, existing: #e })
        }
        Op::BulkInsert { table: t, rows } => {
            let t = table_ref(t, p);
            let rows = list(rows, quote!(#p::Row), p, |r| {
                let values = list(
                    &r.values,
                    quote!((#p::Cow<'static, str>, #p::Value)),
                    p,
                    |(k, v)| {
                        let k = st(k, p);
                        let v = value(v, p);
                        quote!((#k, #v))
                    },
                );
                quote!(#p::Row { values: #values })
            });
            quote!(#p::Op::BulkInsert { table: #t, rows: #rows })
        }
        Op::Execute(sql) => {
            let any = opt_st(sql.any.as_deref(), p);
            let pg = opt_st(sql.postgresql.as_deref(), p);
            let lite = opt_st(sql.sqlite.as_deref(), p);
            let my = opt_st(sql.mysql.as_deref(), p);
            quote!(#p::Op::Execute(#p::Sql { any: #any, postgresql: #pg, sqlite: #lite, mysql: #my }))
        }
        Op::Run { function } => {
            let f = st(function, p);
            quote!(#p::Op::Run { function: #f })
        }
    }
}

fn table(t: &Table, p: &TokenStream) -> TokenStream {
    let tr = table_ref(&t.table, p);
    let columns = list(&t.columns, quote!(#p::Column), p, |c| column(c, p));
    let constraints = list(&t.constraints, quote!(#p::Constraint), p, |c| {
        constraint(c, p)
    });
    let comment = opt_st(t.comment.as_deref(), p);
    quote!(#p::Table { table: #tr, columns: #columns, constraints: #constraints, comment: #comment })
}

fn column(c: &Column, p: &TokenStream) -> TokenStream {
    let name = st(&c.name, p);
    let ty = column_type(&c.ty, p);
    let nullable = c.nullable;
    let pk = c.primary_key;
    let auto = bool_opt(c.autoincrement);
    let sd = opt(c.server_default.as_ref(), |d| default(d, p));
    let unique = opt_st(c.unique.as_deref(), p);
    let index = opt_st(c.index.as_deref(), p);
    let fk = opt(c.foreign_key.as_ref(), |fk| {
        let name = st(&fk.name, p);
        let referent = table_ref(&fk.referent, p);
        let rc = st(&fk.referent_column, p);
        let od = opt(fk.on_delete.as_ref(), |a| action(*a, p));
        let ou = opt(fk.on_update.as_ref(), |a| action(*a, p));
        quote!(#p::InlineForeignKey { name: #name, referent: #referent, referent_column: #rc, on_delete: #od, on_update: #ou })
    });
    let comment = opt_st(c.comment.as_deref(), p);
    quote!(#p::Column {
        name: #name, ty: #ty, nullable: #nullable, primary_key: #pk, autoincrement: #auto,
        server_default: #sd, unique: #unique, index: #index, foreign_key: #fk, comment: #comment,
    })
}

fn column_type(t: &ColumnType, p: &TokenStream) -> TokenStream {
    let u = |n: &Option<u32>| opt(n.as_ref(), |n| quote!(#n));
    match t {
        ColumnType::SmallInteger => quote!(#p::ColumnType::SmallInteger),
        ColumnType::Integer => quote!(#p::ColumnType::Integer),
        ColumnType::BigInteger => quote!(#p::ColumnType::BigInteger),
        ColumnType::String(n) => {
            let n = u(n);
            quote!(#p::ColumnType::String(#n))
        }
        ColumnType::Text => quote!(#p::ColumnType::Text),
        ColumnType::Boolean => quote!(#p::ColumnType::Boolean),
        ColumnType::Numeric { precision, scale } => {
            let pr = u(precision);
            let sc = u(scale);
            quote!(#p::ColumnType::Numeric { precision: #pr, scale: #sc })
        }
        ColumnType::Float => quote!(#p::ColumnType::Float),
        ColumnType::Double => quote!(#p::ColumnType::Double),
        ColumnType::Date => quote!(#p::ColumnType::Date),
        ColumnType::Time => quote!(#p::ColumnType::Time),
        ColumnType::DateTime { timezone } => {
            quote!(#p::ColumnType::DateTime { timezone: #timezone })
        }
        ColumnType::Uuid => quote!(#p::ColumnType::Uuid),
        ColumnType::Json => quote!(#p::ColumnType::Json),
        ColumnType::Jsonb => quote!(#p::ColumnType::Jsonb),
        ColumnType::Binary => quote!(#p::ColumnType::Binary),
        ColumnType::Enum(e) => {
            let e = enum_type(e, p);
            quote!(#p::ColumnType::Enum(#e))
        }
    }
}

fn enum_type(e: &EnumType, p: &TokenStream) -> TokenStream {
    let schema = opt_st(e.schema.as_deref(), p);
    let name = st(&e.name, p);
    let values = strs(&e.values, p);
    let ct = e.create_type;
    quote!(#p::EnumType { schema: #schema, name: #name, values: #values, create_type: #ct })
}

fn default(d: &ServerDefault, p: &TokenStream) -> TokenStream {
    match d {
        ServerDefault::Literal(s) => {
            let s = st(s, p);
            quote!(#p::ServerDefault::Literal(#s))
        }
        ServerDefault::Number(n) => {
            let n = st(n, p);
            quote!(#p::ServerDefault::Number(#n))
        }
        ServerDefault::Boolean(b) => quote!(#p::ServerDefault::Boolean(#b)),
        ServerDefault::Sql(s) => {
            let s = st(s, p);
            quote!(#p::ServerDefault::Sql(#s))
        }
        ServerDefault::Now => quote!(#p::ServerDefault::Now),
        ServerDefault::Uuid => quote!(#p::ServerDefault::Uuid),
    }
}

fn index(i: &Index, p: &TokenStream) -> TokenStream {
    let name = st(&i.name, p);
    let t = table_ref(&i.table, p);
    let columns = list(&i.columns, quote!(#p::IndexColumn), p, |c| match c {
        IndexColumn::Column(c) => {
            let c = st(c, p);
            quote!(#p::IndexColumn::Column(#c))
        }
        IndexColumn::Expression(e) => {
            let e = st(e, p);
            quote!(#p::IndexColumn::Expression(#e))
        }
    });
    let unique = i.unique;
    let predicate = opt_st(i.predicate.as_deref(), p);
    let method = opt_st(i.method.as_deref(), p);
    let concurrently = i.concurrently;
    quote!(#p::Index { name: #name, table: #t, columns: #columns, unique: #unique, predicate: #predicate, method: #method, concurrently: #concurrently })
}

fn constraint(c: &Constraint, p: &TokenStream) -> TokenStream {
    let name = st(&c.name, p);
    let kind = match &c.kind {
        ConstraintKind::PrimaryKey { columns } => {
            let cols = strs(columns, p);
            quote!(#p::ConstraintKind::PrimaryKey { columns: #cols })
        }
        ConstraintKind::Unique { columns } => {
            let cols = strs(columns, p);
            quote!(#p::ConstraintKind::Unique { columns: #cols })
        }
        ConstraintKind::Check { condition } => {
            let c = st(condition, p);
            quote!(#p::ConstraintKind::Check { condition: #c })
        }
        ConstraintKind::ForeignKey(fk) => {
            let cols = strs(&fk.columns, p);
            let referent = table_ref(&fk.referent, p);
            let rc = strs(&fk.referent_columns, p);
            let od = opt(fk.on_delete.as_ref(), |a| action(*a, p));
            let ou = opt(fk.on_update.as_ref(), |a| action(*a, p));
            let d = bool_opt(fk.deferrable);
            let i = bool_opt(fk.initially_deferred);
            quote!(#p::ConstraintKind::ForeignKey(#p::ForeignKey {
                columns: #cols, referent: #referent, referent_columns: #rc,
                on_delete: #od, on_update: #ou, deferrable: #d, initially_deferred: #i,
            }))
        }
    };
    quote!(#p::Constraint { name: #name, kind: #kind })
}

fn constraint_type(t: ConstraintType, p: &TokenStream) -> TokenStream {
    match t {
        ConstraintType::PrimaryKey => quote!(#p::ConstraintType::PrimaryKey),
        ConstraintType::Unique => quote!(#p::ConstraintType::Unique),
        ConstraintType::Check => quote!(#p::ConstraintType::Check),
        ConstraintType::ForeignKey => quote!(#p::ConstraintType::ForeignKey),
    }
}

fn action(a: ReferentialAction, p: &TokenStream) -> TokenStream {
    match a {
        ReferentialAction::Cascade => quote!(#p::ReferentialAction::Cascade),
        ReferentialAction::Restrict => quote!(#p::ReferentialAction::Restrict),
        ReferentialAction::SetNull => quote!(#p::ReferentialAction::SetNull),
        ReferentialAction::SetDefault => quote!(#p::ReferentialAction::SetDefault),
        ReferentialAction::NoAction => quote!(#p::ReferentialAction::NoAction),
    }
}

fn value(v: &Value, p: &TokenStream) -> TokenStream {
    match v {
        Value::Null => quote!(#p::Value::Null),
        Value::Bool(b) => quote!(#p::Value::Bool(#b)),
        Value::Number(n) => {
            let n = st(n, p);
            quote!(#p::Value::Number(#n))
        }
        Value::Text(s) => {
            let s = st(s, p);
            quote!(#p::Value::Text(#s))
        }
    }
}
