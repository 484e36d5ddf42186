//! The TypeScript side of the window's commands, rendered from the operation table:
//! one typed function per command (`commands.ts`) and the enum values the UI lists
//! (`constants.ts`), both beside the ts-rs bindings of the types they use. The desktop
//! app's `export_bindings` test writes them; `scripts/test` fails when they drift.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::Path;

use ts_rs::{Dependency, TypeVisitor, TS};

/// A parameter of a command as TypeScript sees it.
pub struct TsParam {
    /// The Tauri argument's name (snake_case, as the command takes it).
    pub name: &'static str,
    pub ts_type: String,
    imports: Vec<Import>,
}

#[derive(Clone, PartialEq, Eq, PartialOrd, Ord)]
struct Import {
    ident: String,
    path: String,
}

/// The bindings a use of `T` needs: `T`'s own and its type arguments' (`Page` and
/// `UserView` for `Page<UserView>`, `ApiTokenView` for `Vec<ApiTokenView>`).
fn imports_of<T: TS + 'static + ?Sized>() -> Vec<Import> {
    struct Generics(Vec<Dependency>);
    impl TypeVisitor for Generics {
        fn visit<U: TS + 'static + ?Sized>(&mut self) {
            self.0.extend(Dependency::from_ty::<U>());
        }
    }
    let mut generics = Generics(Dependency::from_ty::<T>().into_iter().collect());
    T::visit_generics(&mut generics);
    generics
        .0
        .into_iter()
        .map(|dependency| Import {
            ident: dependency.ts_name,
            path: import_path(dependency.output_path),
        })
        .collect()
}

/// `./UserView` for `UserView.ts`, `./serde_json/JsonValue` for that file.
fn import_path(output: &Path) -> String {
    let without_extension = output.with_extension("");
    format!(
        "./{}",
        without_extension.to_string_lossy().replace('\\', "/")
    )
}

impl TsParam {
    pub fn of<T: TS + 'static + ?Sized>(name: &'static str) -> Self {
        TsParam {
            name,
            ts_type: T::name(),
            imports: imports_of::<T>(),
        }
    }

    /// A parameter whose Rust type has no TypeScript binding of its own (a secret).
    pub fn with_type(name: &'static str, ts_type: &str) -> Self {
        TsParam {
            name,
            ts_type: ts_type.to_owned(),
            imports: Vec::new(),
        }
    }
}

/// One command's TypeScript function.
pub struct TsCommand {
    pub command: &'static str,
    pub doc: &'static [&'static str],
    pub params: Vec<TsParam>,
    pub output: String,
    output_imports: Vec<Import>,
    /// `unauthenticated` from this command is an answer (a failed sign-in), not the
    /// end of the window's session.
    pub sessionless: bool,
}

impl TsCommand {
    pub fn new<Out: TS + 'static + ?Sized>(
        command: &'static str,
        doc: &'static [&'static str],
        params: Vec<TsParam>,
        sessionless: bool,
    ) -> Self {
        TsCommand {
            command,
            doc,
            params,
            output: Out::name(),
            output_imports: imports_of::<Out>(),
            sessionless,
        }
    }
}

fn camel_case(snake: &str) -> String {
    let mut out = String::with_capacity(snake.len());
    let mut upper = false;
    for c in snake.chars() {
        if c == '_' {
            upper = true;
        } else if upper {
            out.extend(c.to_uppercase());
            upper = false;
        } else {
            out.push(c);
        }
    }
    out
}

fn doc_comment(lines: &[&str], indent: &str) -> String {
    let text: Vec<&str> = lines.iter().map(|l| l.trim()).collect();
    match text.as_slice() {
        [] => String::new(),
        [one] => format!("{indent}/** {one} */\n"),
        many => {
            let mut out = format!("{indent}/**\n");
            for line in many {
                let _ = writeln!(out, "{indent} * {line}");
            }
            let _ = writeln!(out, "{indent} */");
            out
        }
    }
}

/// `commands.ts`: a `commands(call)` object with one function per command.
pub fn render_commands(commands: &[TsCommand]) -> String {
    let mut imports: BTreeMap<String, String> = BTreeMap::new();
    for command in commands {
        for import in command
            .params
            .iter()
            .flat_map(|p| p.imports.iter())
            .chain(&command.output_imports)
        {
            imports.insert(import.ident.clone(), import.path.clone());
        }
    }
    let mut out = String::from(
        "// Generated from the operation table (crates/gatehouse-operations) by the desktop\n\
         // app's ts export: do not edit. One function per Tauri command of the window.\n",
    );
    for (ident, path) in &imports {
        let _ = writeln!(out, "import type {{ {ident} }} from \"{path}\";");
    }
    out.push_str(
        "\n/** Invokes one command with its named arguments. */\n\
         export type Call = <T>(command: string, args: Record<string, unknown>) => Promise<T>;\n\n\
         /** Commands for which `unauthenticated` is an answer, not the end of the session. */\n\
         export const SESSIONLESS_COMMANDS: ReadonlySet<string> = new Set([\n",
    );
    for command in commands.iter().filter(|c| c.sessionless) {
        let _ = writeln!(out, "  \"{}\",", command.command);
    }
    out.push_str("]);\n\n/** The window's commands, each calling `call` with its arguments. */\n");
    out.push_str("export function commands(call: Call) {\n  return {\n");
    for command in commands {
        out.push_str(&doc_comment(command.doc, "    "));
        let params: Vec<String> = command
            .params
            .iter()
            .map(|p| format!("{}: {}", camel_case(p.name), p.ts_type))
            .collect();
        let args: Vec<String> = command
            .params
            .iter()
            .map(|p| {
                let camel = camel_case(p.name);
                if camel == p.name {
                    camel
                } else {
                    format!("{}: {camel}", p.name)
                }
            })
            .collect();
        let args = if args.is_empty() {
            "{}".to_owned()
        } else {
            format!("{{ {} }}", args.join(", "))
        };
        let _ = writeln!(
            out,
            "    {}: ({}) => call<{}>(\"{}\", {args}),",
            camel_case(command.command),
            params.join(", "),
            command.output,
            command.command,
        );
    }
    out.push_str("  };\n}\n\nexport type Commands = ReturnType<typeof commands>;\n");
    out
}

/// One enum's values for `constants.ts`: `export const NAME = [...] as const`.
pub struct TsConstant {
    pub name: &'static str,
    pub doc: &'static str,
    ts_type: String,
    import: Vec<Import>,
    values: Vec<String>,
}

impl TsConstant {
    /// Every value of `T` as it serializes (its wire name).
    pub fn of<T: TS + serde::Serialize + 'static>(
        name: &'static str,
        doc: &'static str,
        values: &[T],
    ) -> Self {
        TsConstant {
            name,
            doc,
            ts_type: T::name(),
            import: imports_of::<T>(),
            values: values
                .iter()
                .map(|v| serde_json::to_string(v).expect("an enum value serializes"))
                .collect(),
        }
    }
}

/// `constants.ts`: the values of the enums the UI offers as choices, from Rust.
pub fn render_constants(constants: &[TsConstant]) -> String {
    let mut out = String::from(
        "// Generated from the Rust enums by the desktop app's ts export: do not edit.\n",
    );
    let imports: BTreeMap<&str, &str> = constants
        .iter()
        .flat_map(|c| c.import.iter())
        .map(|i| (i.ident.as_str(), i.path.as_str()))
        .collect();
    for (ident, path) in imports {
        let _ = writeln!(out, "import type {{ {ident} }} from \"{path}\";");
    }
    for constant in constants {
        out.push('\n');
        out.push_str(&doc_comment(&[constant.doc], ""));
        let _ = writeln!(
            out,
            "export const {}: readonly {}[] = [{}];",
            constant.name,
            constant.ts_type,
            constant.values.join(", ")
        );
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn command_and_argument_names_become_camel_case_in_typescript() {
        assert_eq!(camel_case("create_account"), "createAccount");
        assert_eq!(camel_case("idempotency_key"), "idempotencyKey");
        assert_eq!(camel_case("me"), "me");
    }

    #[test]
    fn a_command_keeps_its_snake_case_argument_names_on_the_wire() {
        let text = render_commands(&[TsCommand::new::<String>(
            "create_account",
            &[" Create an account."],
            vec![
                TsParam::of::<String>("request"),
                TsParam::of::<Option<String>>("idempotency_key"),
            ],
            false,
        )]);
        assert!(
            text.contains(
                "createAccount: (request: string, idempotencyKey: string | null) => \
                 call<string>(\"create_account\", { request, idempotency_key: idempotencyKey }),"
            ),
            "{text}"
        );
        assert!(text.contains("/** Create an account. */"), "{text}");
    }
}
