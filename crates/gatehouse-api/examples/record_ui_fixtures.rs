//! Records the real core's replies that the UI's screenshot mock shell serves
//! (ui/scripts/mock/mock-shell.ts), so the mock never re-implements a rule.
//!
//! Re-record (from the repository root; writes ui/scripts/mock/recorded/*.json):
//!
//! ```text
//! cargo run -p gatehouse-api --example record_ui_fixtures
//! ```
//!
//! It sets up an instance on a temporary SQLite database and asks the core, through
//! [`gatehouse_api::dispatch::dispatch`] over [`gatehouse_api::InProcess`], for:
//!
//! - `presets.json`: the `policy_presets` window command's reply (every
//!   [`PolicyPreset`] with its label and policy, as the desktop shell builds it);
//! - `suggested-blocked-domains.json`: the `suggested_blocked_domains` reply;
//! - `settings.json`: `get_settings` of a freshly set-up instance;
//! - `evaluations.json`: an `evaluate_password` report for every candidate of
//!   `candidates.json` (the passwords the screenshot walk types, each with its form's
//!   context and policy; every prefix of a `typed` one too);
//! - `problems.json`: the problem documents of a failed sign-in, a taken username, a
//!   password the policy refuses, a call without a session and an unknown user.
//!
//! An optional argument names another output folder.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use gatehouse_api::dispatch::{dispatch, Authority};
use gatehouse_api::InProcess;
use gatehouse_domain::{
    Credential, DatabaseConfig, Gatehouse, MemorySecretStore, PasswordContext, PasswordPolicy,
    PolicyPreset, PolicyReport, Problem, Settings, SignInSource,
};
use serde::Serialize;
use serde_json::{json, Map, Value};

/// The `policy_presets` window command's item (the desktop shell's `PresetInfo`).
#[derive(Serialize)]
struct PresetInfo {
    preset: PolicyPreset,
    label: &'static str,
    policy: PasswordPolicy,
}

/// What `evaluate_password` was asked, with the policy that judged it.
#[derive(Serialize)]
struct Candidate {
    password: String,
    context: PasswordContext,
    policy: PasswordPolicy,
}

#[derive(Serialize)]
struct Evaluation {
    what: String,
    candidate: Candidate,
    report: PolicyReport,
}

#[derive(Serialize)]
struct Problems {
    sign_in_failed: Problem,
    username_taken: Problem,
    weak_password: Problem,
    not_signed_in: Problem,
    no_such_user: Problem,
}

/// A reply re-read as its type, so that it is written with the fields in the order the
/// window receives them (a `Value` would sort them).
fn typed<T: serde::de::DeserializeOwned>(what: &str, value: Value) -> T {
    serde_json::from_value(value).unwrap_or_else(|e| panic!("{what}: {e}"))
}

fn args(value: Value) -> Map<String, Value> {
    match value {
        Value::Object(map) => map,
        _ => panic!("arguments are an object"),
    }
}

/// Runs `name`; panics with the problem if it fails.
async fn ok(backend: &InProcess, name: &str, caller: Option<&Credential>, a: Value) -> Value {
    let authority = Authority {
        caller,
        setup_code: None,
    };
    match dispatch(backend, name, authority, &args(a)).await {
        Ok(v) => v,
        Err(p) => panic!(
            "{name} failed: {}",
            serde_json::to_string(&p).unwrap_or_default()
        ),
    }
}

/// Runs `name`, which must fail; returns its problem document.
async fn refused(
    backend: &InProcess,
    name: &str,
    caller: Option<&Credential>,
    a: Value,
) -> Problem {
    let authority = Authority {
        caller,
        setup_code: None,
    };
    match dispatch(backend, name, authority, &args(a)).await {
        Ok(v) => panic!("{name} was expected to fail, returned {v}"),
        Err(p) => p,
    }
}

fn write<T: Serialize>(dir: &Path, file: &str, value: &T) {
    let mut text = serde_json::to_string_pretty(value).expect("JSON");
    text.push('\n');
    std::fs::write(dir.join(file), text).unwrap_or_else(|e| panic!("writing {file}: {e}"));
    println!("wrote {}", dir.join(file).display());
}

fn preset_named(name: &str) -> PolicyPreset {
    serde_json::from_value(Value::String(name.to_owned()))
        .unwrap_or_else(|_| panic!("no preset `{name}`"))
}

#[tokio::main]
async fn main() {
    let out = std::env::args()
        .nth(1)
        .map(PathBuf::from)
        .unwrap_or_else(|| {
            PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../ui/scripts/mock/recorded")
        })
        .canonicalize()
        .expect("the output folder exists");
    let candidates: Value = serde_json::from_str(
        &std::fs::read_to_string(out.join("candidates.json")).expect("candidates.json"),
    )
    .expect("candidates.json is JSON");

    let db_dir = std::env::temp_dir().join(format!("gatehouse-record-{}", std::process::id()));
    std::fs::create_dir_all(&db_dir).expect("a temp dir");
    let core = Gatehouse::connect(
        &DatabaseConfig::sqlite(db_dir.join("gatehouse.db")),
        Arc::new(MemorySecretStore::default()),
    )
    .await
    .expect("the core on a temp SQLite database");
    let backend = InProcess::new(core.clone(), SignInSource::Desktop);

    // The window commands that are not backend operations: built as the shell builds
    // them (src-tauri/src/window.rs), from the core's own values.
    let presets: Vec<PresetInfo> = PolicyPreset::ALL
        .into_iter()
        .map(|preset| PresetInfo {
            preset,
            label: preset.label(),
            policy: preset.policy(),
        })
        .collect();
    write(&out, "presets.json", &presets);
    write(
        &out,
        "suggested-blocked-domains.json",
        &json!(gatehouse_domain::instance::suggested_blocked_domains()),
    );

    // A set-up instance, as the screenshot walk's wizard makes it.
    let done = ok(
        &backend,
        "setup",
        None,
        json!({ "request": {
            "organization": "Acme Corporation",
            "first_name": "Julia",
            "last_name": "Lopez",
            "username": "jlopez",
            "email": "jlopez@acme.test",
            "password": "Harbour-Lantern-Quietly-42",
            "password_policy": PolicyPreset::Recommended.policy(),
            "blocked_email_domains": null,
            "plan": null,
        }}),
    )
    .await;
    let token = done["data"]["accessToken"]
        .as_str()
        .expect("an access token")
        .to_owned();
    let admin = Credential::bearer(token);
    let settings: Settings = typed(
        "get_settings",
        ok(&backend, "get_settings", Some(&admin), json!({})).await,
    );
    write(&out, "settings.json", &settings);

    let mut evaluations = Vec::new();
    for case in candidates["cases"].as_array().expect("cases") {
        let policy = case["policy"]
            .as_str()
            .map(|name| preset_named(name).policy());
        let context: PasswordContext = typed("a case's context", case["context"].clone());
        let mut passwords: Vec<String> = Vec::new();
        for typed in case["typed"].as_array().into_iter().flatten() {
            let typed = typed.as_str().expect("a string");
            let chars: Vec<char> = typed.chars().collect();
            passwords.extend((1..=chars.len()).map(|n| chars[..n].iter().collect::<String>()));
        }
        for p in case["passwords"].as_array().into_iter().flatten() {
            passwords.push(p.as_str().expect("a string").to_owned());
        }
        passwords.dedup();
        for password in passwords {
            let candidate = json!({ "password": password, "context": context, "policy": policy });
            let report = ok(
                &backend,
                "evaluate_password",
                None,
                json!({ "candidate": candidate }),
            )
            .await;
            evaluations.push(Evaluation {
                what: case["what"].as_str().unwrap_or_default().to_owned(),
                candidate: Candidate {
                    password,
                    context: context.clone(),
                    // The policy that judged it: the instance's when none was sent.
                    policy: policy
                        .clone()
                        .unwrap_or_else(|| settings.password_policy.clone()),
                },
                report: typed("evaluate_password", report),
            });
        }
    }
    write(&out, "evaluations.json", &evaluations);

    let sign_in_failed = refused(
        &backend,
        "sign_in",
        None,
        json!({ "request": { "login": "jlopez", "password": "wrong" } }),
    )
    .await;
    let new_user = |username: &str, password: &str| {
        json!({ "request": {
            "username": username, "email": null, "password": password,
            "first_name": null, "last_name": null, "business_role": null,
            "roles": ["viewer"], "status": "active", "preferences": null, "account_id": null,
        }})
    };
    let username_taken = refused(
        &backend,
        "create_user",
        Some(&admin),
        new_user("jlopez", "Violet-Kettle-Sunrise-8"),
    )
    .await;
    let weak_password = refused(
        &backend,
        "create_user",
        Some(&admin),
        new_user("bokafor", "bokafor1"),
    )
    .await;
    write(
        &out,
        "problems.json",
        &Problems {
            sign_in_failed,
            username_taken,
            weak_password,
            not_signed_in: refused(&backend, "get_settings", None, json!({})).await,
            no_such_user: refused(
                &backend,
                "get_user",
                Some(&admin),
                json!({ "id": "00000000-0000-7000-8000-000000000000" }),
            )
            .await,
        },
    );

    core.close().await;
    let _ = std::fs::remove_dir_all(&db_dir);
}
