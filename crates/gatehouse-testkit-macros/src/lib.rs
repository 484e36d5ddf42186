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
    // Tokio through the kit, so a suite needs no particular Tokio features of its own.
    let tokio = "::gatehouse_testkit::__private::tokio";
    let run = |database: TokenStream2, on: &str| {
        let on = format_ident!("{on}");
        quote! {
            #[#kit::__private::tokio::test(crate = #tokio, flavor = "multi_thread", worker_threads = 2)]
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

#[cfg(test)]
mod tests {
    use super::*;

    fn expanded(item: TokenStream2) -> String {
        let test = syn::parse2(item).expect("a function");
        match expand(TokenStream2::new(), test) {
            Ok(tokens) => tokens.to_string(),
            Err(error) => panic!("{error}"),
        }
    }

    fn refused(args: TokenStream2, item: TokenStream2) -> String {
        let test = syn::parse2(item).expect("a function");
        expand(args, test).expect_err("refused").to_string()
    }

    #[test]
    fn a_test_becomes_a_module_of_its_name_with_the_body_and_a_test_on_each_database() {
        let code = expanded(quote! {
            /// What it checks.
            #[ignore]
            async fn a_user_without_roles_is_a_viewer(env: Env) {
                assert!(env.ready());
            }
        });
        let module = code
            .find("mod a_user_without_roles_is_a_viewer")
            .expect("the module");
        assert!(
            code.find("doc").expect("the doc comment") < module,
            "{code}"
        );
        assert!(code.contains("use super :: * ;"), "{code}");
        assert!(
            code.contains("async fn a_user_without_roles_is_a_viewer (env : Env) { assert ! (env . ready ()) ; }"),
            "{code}"
        );
        for (on, database) in [
            ("on_sqlite", "TestDb :: sqlite ()"),
            ("on_postgres", "TestDb :: postgres () . await"),
        ] {
            let test = &code[code.find(&format!("async fn {on}")).expect(on)..];
            assert!(
                test.contains(&format!(
                    "a_user_without_roles_is_a_viewer (< Env as :: gatehouse_testkit :: FromTestDb > :: from_test_db (:: gatehouse_testkit :: {database})"
                )),
                "{code}"
            );
        }
        assert_eq!(
            code.matches("flavor = \"multi_thread\" , worker_threads = 2")
                .count(),
            2,
            "{code}"
        );
        assert_eq!(
            code.matches("# [ignore]").count(),
            2,
            "#[ignore] goes on both tests: {code}"
        );
    }

    #[test]
    fn only_an_async_fn_with_one_argument_and_no_attribute_arguments_is_accepted() {
        assert!(refused(
            quote!(),
            quote!(
                fn plain(env: Env) {}
            )
        )
        .contains("async fn"));
        assert!(refused(
            quote!(),
            quote!(
                async fn none() {}
            )
        )
        .contains("one argument"));
        assert!(refused(
            quote!(),
            quote!(
                async fn two(a: A, b: B) {}
            )
        )
        .contains("one argument"));
        assert!(refused(
            quote!(sqlite),
            quote!(
                async fn x(db: TestDb) {}
            )
        )
        .contains("no arguments"));
    }
}
