//! Any backend operation by name, with its arguments as JSON: each argument decoded as
//! every adapter decodes it ([`Arg`]), the output encoded back. For the tests that hold
//! two adapters against each other over every operation of the table, whatever its
//! argument types.

use gatehouse_domain::{
    AccountQuery, AccountStatusChange, AccountUpdate, AllTokensQuery, AuditQuery, Credential,
    ErrorCode, FieldCheck, NewAccount, NewAdmin, NewApiToken, NewUser, PasswordCandidate,
    PasswordChange, PasswordResetRequest, Problem, RolesChange, SecondFactorSignIn, Settings,
    Setup, SignIn, StatusChange, TokenQuery, TotpConfirmation, TotpRemoval, UserQuery, UserUpdate,
};
use secrecy::SecretString;
use serde_json::{Map, Value};
use uuid::Uuid;

use crate::{problem, Arg, Backend, Reply};

/// What a call presents besides its arguments.
#[derive(Default)]
pub struct Authority<'a> {
    /// The caller's credential, for `caller` operations (`None`: not signed in).
    pub caller: Option<&'a Credential>,
    /// The setup code, for `setup_code` operations.
    pub setup_code: Option<SecretString>,
}

/// The argument `name` of `args`, decoded.
fn argument<T: serde::de::DeserializeOwned>(args: &Map<String, Value>, name: &str) -> Reply<T> {
    Arg::new(args.get(name).cloned().unwrap_or(Value::Null)).decode(name)
}

/// Who calls, checked before any argument is looked at (as the HTTP adapter does:
/// 401 before 400): the credential for `caller` operations.
macro_rules! dispatch_caller {
    (caller $authority:ident) => {
        $authority
            .caller
            .ok_or_else(|| problem(gatehouse_domain::Error::Unauthenticated))?
    };
    ($access:ident $authority:ident) => {
        ()
    };
}

macro_rules! dispatch_call {
    (public $backend:ident $authority:ident $caller:ident $name:ident ($($arg:ident),*)) => {
        $backend.$name($($arg),*).await
    };
    (sign_in $backend:ident $authority:ident $caller:ident $name:ident ($($arg:ident),*)) => {
        $backend.$name($($arg),*).await
    };
    (setup_code $backend:ident $authority:ident $caller:ident $name:ident ($($arg:ident),*)) => {
        $backend.$name($authority.setup_code, $($arg),*).await
    };
    (caller $backend:ident $authority:ident $caller:ident $name:ident ($($arg:ident),*)) => {
        $backend.$name($caller, $($arg),*).await
    };
}

macro_rules! define_dispatch {
    ($({ $name:ident $access:ident [$($doc:literal),*]
        ($( $place:ident $( ($header:literal) )? $arg:ident : $ty:ty ),*) -> $out:ty,
        $method:ident $path:literal $tag:literal [$($flag:ident),*] ($($location:literal)?) $window:ident
    })*) => {
        /// Runs the operation `name` on `backend` with `args` (by argument name; a
        /// missing one is `null`).
        pub async fn dispatch(
            backend: &dyn Backend,
            name: &str,
            authority: Authority<'_>,
            args: &Map<String, Value>,
        ) -> Reply<Value> {
            $(
                if name == stringify!($name) {
                    #[allow(unused_variables)] // only `caller` operations have one
                    let caller = dispatch_caller!($access authority);
                    $( let $arg: $ty = argument(args, stringify!($arg))?; )*
                    let output =
                        dispatch_call!($access backend authority caller $name ($($arg),*))?;
                    return serde_json::to_value(output).map_err(|error| {
                        problem(gatehouse_domain::Error::Internal(Box::new(error)))
                    });
                }
            )*
            Err(Problem::new(ErrorCode::NotFound, format!("There is no operation `{name}`.")))
        }
    };
}

gatehouse_operations::backend_operations!(define_dispatch);
