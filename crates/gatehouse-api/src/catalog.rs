//! The operation table as data, for the tests that check each adapter against it: the
//! server serves every route, the desktop grants and exports every command.

/// Who may call an operation (see `gatehouse-operations`).
#[allow(non_camel_case_types)]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Access {
    public,
    setup_code,
    sign_in,
    caller,
}

/// Where an argument travels over HTTP.
#[allow(non_camel_case_types)]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Place {
    path,
    query,
    body,
    optional_body,
    header,
}

/// What the window's command does with the output.
#[allow(non_camel_case_types)]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Window {
    backend,
    session,
    local,
}

/// The route's flags.
#[allow(non_camel_case_types)]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Flag {
    custom,
    created,
    hashes,
}

#[derive(Clone, Copy, Debug)]
pub struct ArgInfo {
    pub name: &'static str,
    pub place: Place,
    /// The header's name, for `header` arguments.
    pub header: Option<&'static str>,
}

/// One backend operation, as the table defines it.
#[derive(Clone, Copy, Debug)]
pub struct Operation {
    pub name: &'static str,
    pub doc: &'static [&'static str],
    pub access: Access,
    pub args: &'static [ArgInfo],
    /// Lower case, as in the table (`get`, `post`, …).
    pub method: &'static str,
    pub path: &'static str,
    pub tag: &'static str,
    pub flags: &'static [Flag],
    pub location: Option<&'static str>,
    pub window: Window,
}

impl Operation {
    pub fn has(&self, flag: Flag) -> bool {
        self.flags.contains(&flag)
    }
}

/// One window operation: the desktop shell's own.
#[derive(Clone, Copy, Debug)]
pub struct WindowOperation {
    pub name: &'static str,
    pub doc: &'static [&'static str],
    pub args: &'static [&'static str],
    /// Why it has no HTTP counterpart.
    pub why: &'static str,
}

macro_rules! backend_catalog {
    ($({ $name:ident $access:ident [$($doc:literal),*]
        ($( $place:ident $( ($header:literal) )? $arg:ident : $ty:ty ),*) -> $out:ty,
        $method:ident $path:literal $tag:literal [$($flag:ident),*] ($($location:literal)?) $window:ident
    })*) => {
        /// Every backend operation, in the table's order.
        pub const OPERATIONS: &[Operation] = &[$(
            Operation {
                name: stringify!($name),
                doc: &[$($doc),*],
                access: Access::$access,
                args: &[$(ArgInfo {
                    name: stringify!($arg),
                    place: Place::$place,
                    header: gatehouse_operations::optional!($($header)?),
                }),*],
                method: stringify!($method),
                path: $path,
                tag: $tag,
                flags: &[$(Flag::$flag),*],
                location: gatehouse_operations::optional!($($location)?),
                window: Window::$window,
            }
        ),*];
    };
}

macro_rules! window_catalog {
    ($({ $name:ident [$($doc:literal),*] ($( $arg:ident : $ty:ty ),*) -> $out:ty, $why:literal })*) => {
        /// Every window operation, in the table's order.
        pub const WINDOW_OPERATIONS: &[WindowOperation] = &[$(
            WindowOperation {
                name: stringify!($name),
                doc: &[$($doc),*],
                args: &[$(stringify!($arg)),*],
                why: $why,
            }
        ),*];
    };
}

gatehouse_operations::backend_operations!(backend_catalog);
gatehouse_operations::window_operations!(window_catalog);

/// The operation called `name`.
pub fn operation(name: &str) -> Option<&'static Operation> {
    OPERATIONS.iter().find(|op| op.name == name)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn custom_is_always_the_first_flag_so_that_adapters_can_match_it() {
        for op in OPERATIONS {
            if let Some(position) = op.flags.iter().position(|f| *f == Flag::custom) {
                assert_eq!(position, 0, "{}: put `custom` first", op.name);
            }
        }
    }

    #[test]
    fn every_path_parameter_is_an_argument_and_every_path_argument_is_in_the_path() {
        for op in OPERATIONS {
            for arg in op.args.iter().filter(|a| a.place == Place::path) {
                assert!(
                    op.path.contains(&format!("{{{}}}", arg.name)),
                    "{}: {} is not in {}",
                    op.name,
                    arg.name,
                    op.path
                );
            }
            let braces = op.path.matches('{').count();
            let path_args = op.args.iter().filter(|a| a.place == Place::path).count();
            assert_eq!(braces, path_args, "{}", op.name);
        }
    }

    #[test]
    fn an_operation_has_at_most_one_body_and_reads_have_none() {
        for op in OPERATIONS {
            let bodies = op
                .args
                .iter()
                .filter(|a| matches!(a.place, Place::body | Place::optional_body))
                .count();
            assert!(bodies <= 1, "{}", op.name);
            if op.method == "get" {
                assert_eq!(bodies, 0, "{}: a GET has no body", op.name);
            }
        }
    }

    #[test]
    fn no_operation_is_both_a_backend_and_a_window_operation() {
        for window in WINDOW_OPERATIONS {
            assert!(operation(window.name).is_none(), "{}", window.name);
        }
    }

    #[test]
    fn every_operation_says_what_it_does() {
        for op in OPERATIONS {
            assert!(!op.doc.is_empty(), "{}", op.name);
        }
        for op in WINDOW_OPERATIONS {
            assert!(!op.doc.is_empty() && !op.why.is_empty(), "{}", op.name);
        }
    }
}
