//! `cargo bench -p gatehouse-domain`: password evaluation, argon2id hashing,
//! create-user end to end on SQLite, and sign-in for unknown vs known users
//! (whose medians should match: timing must not reveal which names exist).

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::Duration;

use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion};
use gatehouse_domain::*;

fn secret(s: &str) -> SecretString {
    SecretString::from(s.to_owned())
}

fn evaluation(c: &mut Criterion) {
    let policy = PasswordPolicy::default();
    let context = PasswordContext {
        username: Some("grace".into()),
        email: Some("grace@corp.example.com".into()),
        ..Default::default()
    };
    let mut group = c.benchmark_group("evaluate_password");
    let inputs = [
        ("8_chars", "Tr0ub4d&".to_owned()),
        (
            "64_chars",
            "aK9$vQ2!mZ7#pL4@xR8%nT3^bW6&cY1*dF5(gH0)jE2-kU9+sI4=oP7_rA3~zX8".to_owned(),
        ),
        ("10000_chars", "aB3$xY".repeat(1667)[..10_000].to_owned()),
        // zxcvbn-rs issue 69's shape: repetitive input that is slow to match in full.
        (
            "10000_chars_adversarial",
            "1".repeat(5_000) + &"a1".repeat(2_500),
        ),
    ];
    for (name, candidate) in &inputs {
        group.bench_with_input(
            BenchmarkId::from_parameter(name),
            candidate,
            |b, candidate| b.iter(|| evaluate(&policy, candidate, &context)),
        );
    }
    group.finish();
}

fn hashing(c: &mut Criterion) {
    let runtime = tokio::runtime::Runtime::new().unwrap();
    let policy = PolicyPreset::Seed001.policy();
    let mut group = c.benchmark_group("argon2id");
    group
        .sample_size(30)
        .measurement_time(Duration::from_secs(8));
    group.bench_function("hash_m19456_t2_p1", |b| {
        b.to_async(&runtime).iter(|| async {
            let password = Password::parse(
                secret("Velvet-Orbit-Cascade-81"),
                &policy,
                &PasswordContext::default(),
                "p",
            )
            .unwrap();
            gatehouse_domain::password::hash(password).await.unwrap()
        })
    });
    group.finish();
}

struct World {
    gh: Gatehouse,
    admin: Credential,
    _dir: tempfile::TempDir,
}

async fn world() -> World {
    let dir = tempfile::tempdir().unwrap();
    let gh = Gatehouse::connect(
        &DatabaseConfig::sqlite(dir.path().join("bench.db")),
        Arc::new(MemorySecretStore::default()),
    )
    .await
    .unwrap();
    let done = gh
        .setup(Setup {
            organization: "Bench".into(),
            first_name: "Ada".into(),
            last_name: None,
            username: Some("ada".into()),
            email: "ada@bench.example.com".into(),
            password: secret("Quiet-Harbor-Lantern-42"),
            password_policy: None,
            blocked_email_domains: None,
            plan: None,
        })
        .await
        .unwrap();
    let admin = Credential::bearer(done.data.access_token.expose());
    World {
        gh,
        admin,
        _dir: dir,
    }
}

fn create_user(c: &mut Criterion) {
    let runtime = tokio::runtime::Runtime::new().unwrap();
    let world = runtime.block_on(world());
    let counter = AtomicU64::new(0);
    let mut group = c.benchmark_group("create_user");
    group
        .sample_size(30)
        .measurement_time(Duration::from_secs(8));
    group.bench_function("sqlite_end_to_end", |b| {
        b.to_async(&runtime).iter(|| {
            let n = counter.fetch_add(1, Ordering::Relaxed);
            let (gh, admin) = (world.gh.clone(), world.admin.clone());
            async move {
                gh.create_user(
                    &admin,
                    NewUser {
                        username: format!("user{n}"),
                        email: Some(format!("user{n}@corp.example.com")),
                        password: secret("Velvet-Orbit-Cascade-81"),
                        first_name: None,
                        last_name: None,
                        business_role: None,
                        roles: None,
                        status: None,
                        preferences: None,
                        account_id: None,
                    },
                )
                .await
                .unwrap()
            }
        })
    });
    group.finish();
}

fn sign_in_timing(c: &mut Criterion) {
    let runtime = tokio::runtime::Runtime::new().unwrap();
    let world = runtime.block_on(world());
    // A high threshold so the desktop source rarely waits while measured (a waiting
    // source's attempt costs the same dummy-hash check anyway).
    runtime.block_on(async {
        let mut settings = world.gh.get_settings(&world.admin).await.unwrap();
        settings.lockout_threshold = 100;
        world
            .gh
            .update_settings(&world.admin, settings)
            .await
            .unwrap();
    });
    let mut group = c.benchmark_group("sign_in_failure");
    group
        .sample_size(30)
        .measurement_time(Duration::from_secs(8));
    for (name, login) in [("unknown_user", "nobody"), ("wrong_password", "ada")] {
        group.bench_function(name, |b| {
            b.to_async(&runtime).iter(|| {
                let gh = world.gh.clone();
                async move {
                    let _ = gh
                        .sign_in(
                            SignIn {
                                login: login.into(),
                                password: secret("wrong-password"),
                            },
                            SignInSource::Desktop,
                        )
                        .await;
                }
            })
        });
        if name == "wrong_password" {
            runtime.block_on(async {
                let users = world
                    .gh
                    .list_users(&world.admin, UserQuery::default())
                    .await
                    .unwrap();
                let ada = users.items.iter().find(|u| u.username == "ada").unwrap().id;
                world.gh.unlock_user(&world.admin, ada).await.unwrap();
            });
        }
    }
    group.finish();
}

criterion_group!(benches, evaluation, hashing, create_user, sign_in_timing);
criterion_main!(benches);
