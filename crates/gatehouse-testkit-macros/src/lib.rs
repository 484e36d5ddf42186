//! `#[on_both]`: one test body, run on a temp SQLite file and on a fresh PostgreSQL
//! database. Use it through `gatehouse_testkit::on_both`, which documents it.

use proc_macro::TokenStream;
use proc_macro2::TokenStream as TokenStream2;
use quote::{format_ident, quote, ToTokens};
use syn::spanned::Spanned;
use syn::{parse_macro_input, Attribute, FnArg, ItemFn};

/// See `gatehouse_testkit::on_both`.
#[proc_macro_attribute]
pub fn on_both(args: TokenStream, item: TokenStream) -> TokenStream {
    let args = TokenStream2::from(args);
    let test = parse_macro_input!(item as ItemFn);
    expand(args, test)
        .unwrap_or_else(syn::Error::into_compile_error)
        .into()
}

fn expand(args: TokenStream2, mut test: ItemFn) -> syn::Result<TokenStream2> {
    if !args.is_empty() {
        return Err(syn::Error::new(
            args.span(),
            "#[on_both] takes no arguments",
        ));
    }
    if test.sig.asyncness.is_none() {
        return Err(syn::Error::new(
            test.sig.fn_token.span(),
            "#[on_both] goes on an `async fn`",
        ));
    }
    let environment = match (test.sig.inputs.len(), test.sig.inputs.first()) {
        (1, Some(FnArg::Typed(argument))) => argument.ty.clone(),
        _ => {
            return Err(syn::Error::new(
                test.sig.inputs.span(),
                "#[on_both] wants one argument, the environment: `env: Env` or `db: TestDb` \
                 (any type that implements gatehouse_testkit::FromTestDb)",
            ))
        }
    };

    // Doc comments describe the test: they go on its module. `#[ignore]` and
    // `#[should_panic]` belong to each generated test; the rest stays on the body.
    let (docs, rest): (Vec<Attribute>, Vec<Attribute>) = std::mem::take(&mut test.attrs)
        .into_iter()
        .partition(|a| a.path().is_ident("doc"));
    let (per_test, body_attrs): (Vec<Attribute>, Vec<Attribute>) = rest
        .into_iter()
        .partition(|a| a.path().is_ident("ignore") || a.path().is_ident("should_panic"));
    test.attrs = body_attrs;

    let name = test.sig.ident.clone();
    let kit = quote!(::gatehouse_testkit);
    let tokio = quote!(#kit::__private::tokio);
    let tokio_path = format!("{}", tokio).replace(' ', "");
    let run = |database: TokenStream2, on: &str| {
        let on = format_ident!("{on}");
        quote! {
            #[#tokio::test(crate = #tokio_path, flavor = "multi_thread", worker_threads = 2)]
            #(#per_test)*
            async fn #on() {
                #name(<#environment as #kit::FromTestDb>::from_test_db(#database).await).await
            }
        }
    };
    let on_sqlite = run(quote!(#kit::TestDb::sqlite()), "on_sqlite");
    let on_postgres = run(quote!(#kit::TestDb::postgres().await), "on_postgres");
    let body = test.into_token_stream();

    Ok(quote! {
        #(#docs)*
        mod #name {
            #[allow(unused_imports)]
            use super::*;

            #body

            #on_sqlite

            #on_postgres
        }
    })
}
