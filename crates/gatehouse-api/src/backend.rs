//! The [`Backend`] trait and its two implementations, all expanded from the operation
//! table (`gatehouse_operations::backend_operations!`): one method per operation, its
//! credential given by the operation's `access`, then its arguments in order.

use gatehouse_domain::{
    AccountCreated, AccountDeleted, AccountDetail, AccountQuery, AccountStatusChange,
    AccountUpdate, AccountView, AllTokensQuery, ApiTokenView, AuditPage, AuditQuery,
    AuditVerification, Credential, FieldCheck, FieldReport, GeneratedPassword, InstanceStatus,
    IssuedApiToken, Jwks, List, NewAccount, NewAdmin, NewApiToken, NewUser, Page,
    PasswordCandidate, PasswordChange, PasswordPolicy, PasswordReset, PasswordResetRequest,
    PlanInUse, PolicyReport, RecoveryCodes, RolesChange, SecondFactorSignIn, Settings, Setup,
    SetupDone, SignIn, SignedIn, StatusChange, TokenQuery, TotpConfirmation, TotpEnrollment,
    TotpRemoval, UserDeleted, UserQuery, UserUpdate, UserView,
};
use secrecy::SecretString;
use uuid::Uuid;

use crate::in_process::InProcess;
use crate::{problem, BoxFuture, Reply};

/// One method per operation of the table, per `access`:
/// - `public`, `sign_in`: `op(args…)`;
/// - `setup_code`: `op(setup_code, args…)` (the code `gatehouse serve` printed; the
///   in-process core, which needs none, ignores it);
/// - `caller`: `op(caller, args…)`.
macro_rules! method {
    (@decl public $(#[$meta:meta])* $name:ident ($($arg:ident: $ty:ty),*) -> $out:ty) => {
        $(#[$meta])*
        fn $name<'a>(&'a self, $($arg: $ty),*) -> BoxFuture<'a, Reply<$out>>;
    };
    (@decl sign_in $(#[$meta:meta])* $name:ident ($($arg:ident: $ty:ty),*) -> $out:ty) => {
        method!(@decl public $(#[$meta])* $name ($($arg: $ty),*) -> $out);
    };
    (@decl setup_code $(#[$meta:meta])* $name:ident ($($arg:ident: $ty:ty),*) -> $out:ty) => {
        $(#[$meta])*
        fn $name<'a>(
            &'a self,
            setup_code: Option<SecretString>,
            $($arg: $ty),*
        ) -> BoxFuture<'a, Reply<$out>>;
    };
    (@decl caller $(#[$meta:meta])* $name:ident ($($arg:ident: $ty:ty),*) -> $out:ty) => {
        $(#[$meta])*
        fn $name<'a>(
            &'a self,
            caller: &'a Credential,
            $($arg: $ty),*
        ) -> BoxFuture<'a, Reply<$out>>;
    };

    (@in_process public $name:ident ($($arg:ident: $ty:ty),*) -> $out:ty) => {
        fn $name<'a>(&'a self, $($arg: $ty),*) -> BoxFuture<'a, Reply<$out>> {
            Box::pin(async move { self.core.$name($($arg),*).await.map_err(problem) })
        }
    };
    (@in_process sign_in $name:ident ($($arg:ident: $ty:ty),*) -> $out:ty) => {
        fn $name<'a>(&'a self, $($arg: $ty),*) -> BoxFuture<'a, Reply<$out>> {
            Box::pin(async move {
                self.core.$name($($arg,)* self.source).await.map_err(problem)
            })
        }
    };
    (@in_process setup_code $name:ident ($($arg:ident: $ty:ty),*) -> $out:ty) => {
        fn $name<'a>(
            &'a self,
            _setup_code: Option<SecretString>,
            $($arg: $ty),*
        ) -> BoxFuture<'a, Reply<$out>> {
            Box::pin(async move { self.core.$name($($arg),*).await.map_err(problem) })
        }
    };
    (@in_process caller $name:ident ($($arg:ident: $ty:ty),*) -> $out:ty) => {
        fn $name<'a>(
            &'a self,
            caller: &'a Credential,
            $($arg: $ty),*
        ) -> BoxFuture<'a, Reply<$out>> {
            Box::pin(async move { self.core.$name(caller, $($arg),*).await.map_err(problem) })
        }
    };

    (@remote $access:ident $method:ident $path:literal $name:ident
        ($($place:ident $(($header:literal))? $arg:ident: $ty:ty),*) -> $out:ty) => {
        method!(@remote_fn $access $name ($($arg: $ty),*) -> $out, |call| {
            $( method!(@remote_arg call $place $(($header))? $arg); )*
        }, $method $path);
    };
    (@remote_fn public $name:ident ($($arg:ident: $ty:ty),*) -> $out:ty, |$call:ident| $args:block, $method:ident $path:literal) => {
        fn $name<'a>(&'a self, $($arg: $ty),*) -> BoxFuture<'a, Reply<$out>> {
            Box::pin(async move {
                #[allow(unused_mut)] // no argument to add
                let mut $call = self.call(stringify!($method), $path);
                $args
                $call.send().await
            })
        }
    };
    (@remote_fn sign_in $name:ident ($($arg:ident: $ty:ty),*) -> $out:ty, |$call:ident| $args:block, $method:ident $path:literal) => {
        method!(@remote_fn public $name ($($arg: $ty),*) -> $out, |$call| $args, $method $path);
    };
    (@remote_fn setup_code $name:ident ($($arg:ident: $ty:ty),*) -> $out:ty, |$call:ident| $args:block, $method:ident $path:literal) => {
        fn $name<'a>(
            &'a self,
            setup_code: Option<SecretString>,
            $($arg: $ty),*
        ) -> BoxFuture<'a, Reply<$out>> {
            Box::pin(async move {
                let mut $call = self.call(stringify!($method), $path);
                $call.setup_code(setup_code.as_ref())?;
                $args
                $call.send().await
            })
        }
    };
    (@remote_fn caller $name:ident ($($arg:ident: $ty:ty),*) -> $out:ty, |$call:ident| $args:block, $method:ident $path:literal) => {
        fn $name<'a>(
            &'a self,
            caller: &'a Credential,
            $($arg: $ty),*
        ) -> BoxFuture<'a, Reply<$out>> {
            Box::pin(async move {
                let mut $call = self.call(stringify!($method), $path);
                $call.bearer(caller)?;
                $args
                $call.send().await
            })
        }
    };
    (@remote_arg $call:ident path $arg:ident) => { $call.path(stringify!($arg), &$arg)?; };
    (@remote_arg $call:ident query $arg:ident) => { $call.query(&$arg)?; };
    (@remote_arg $call:ident body $arg:ident) => { $call.body(&$arg)?; };
    (@remote_arg $call:ident optional_body $arg:ident) => { $call.body(&$arg)?; };
    (@remote_arg $call:ident header ($header:literal) $arg:ident) => {
        $call.header($header, $arg.as_deref())?;
    };
}

macro_rules! define_backend {
    ($({ $name:ident $access:ident [$($doc:literal),*]
        ($( $place:ident $( ($header:literal) )? $arg:ident : $ty:ty ),*) -> $out:ty,
        $method:ident $path:literal $tag:literal [$($flag:ident),*] ($($location:literal)?) $window:ident
    })*) => {
        /// Every backend operation (see `gatehouse-operations`), answered by the core
        /// in-process ([`InProcess`]) or by `gatehouse serve` (`Remote`).
        pub trait Backend: Send + Sync {
            $( method!(@decl $access $(#[doc = $doc])* $name ($($arg: $ty),*) -> $out); )*
        }

        impl Backend for InProcess {
            $( method!(@in_process $access $name ($($arg: $ty),*) -> $out); )*
        }

        #[cfg(feature = "client")]
        impl Backend for crate::remote::Remote {
            $( method!(@remote $access $method $path $name ($($place $(($header))? $arg: $ty),*) -> $out); )*
        }
    };
}

gatehouse_operations::backend_operations!(define_backend);
