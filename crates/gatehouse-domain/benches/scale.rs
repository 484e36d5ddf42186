//! `cargo bench -p gatehouse-domain --bench scale` (issue 8): 100,000 users seeded by
//! one bulk insert (not one argon2 hash each) into a fresh SQLite file and a fresh
//! PostgreSQL database (GATEHOUSE_TEST_POSTGRES_URL), then the median and p95 of each
//! kind of search and of the list's pages through the core (a transaction each,
//! authorization included), with their plans; and the password evaluation's worst
//! case. Goals: 20 ms a list page, 50 ms an evaluation. A plain binary, not criterion:
//! it prints the table docs/benchmarks.md keeps.

use std::sync::Arc;
use std::time::{Duration, Instant};

use gatehouse_domain::*;
use gatehouse_testkit::TestDb;

const USERS: u32 = 100_000;
const RUNS: usize = 20;
const LIST_GOAL: Duration = Duration::from_millis(20);
const EVALUATION_GOAL: Duration = Duration::from_millis(50);

/// (first name, its ASCII for usernames)
const FIRSTS: [(&str, &str); 40] = [
    ("Grace", "grace"),
    ("Alan", "alan"),
    ("Ada", "ada"),
    ("Linus", "linus"),
    ("Margaret", "margaret"),
    ("Ken", "ken"),
    ("Dennis", "dennis"),
    ("Barbara", "barbara"),
    ("Edsger", "edsger"),
    ("Donald", "donald"),
    ("John", "john"),
    ("Mary", "mary"),
    ("Émile", "emile"),
    ("Zoë", "zoe"),
    ("Jürgen", "jurgen"),
    ("Søren", "soren"),
    ("Anders", "anders"),
    ("Frances", "frances"),
    ("Radia", "radia"),
    ("Leslie", "leslie"),
    ("Tim", "tim"),
    ("Vint", "vint"),
    ("Bjarne", "bjarne"),
    ("Guido", "guido"),
    ("James", "james"),
    ("Sophie", "sophie"),
    ("Hedy", "hedy"),
    ("Katherine", "katherine"),
    ("Dorothy", "dorothy"),
    ("Annie", "annie"),
    ("Evelyn", "evelyn"),
    ("Jean", "jean"),
    ("Kathleen", "kathleen"),
    ("Marlyn", "marlyn"),
    ("Ruth", "ruth"),
    ("Betty", "betty"),
    ("Adele", "adele"),
    ("Joan", "joan"),
    ("Shafi", "shafi"),
    ("Yukihiro", "yukihiro"),
];
const LASTS: [(&str, &str); 37] = [
    ("Hopper", "hopper"),
    ("Turing", "turing"),
    ("Lovelace", "lovelace"),
    ("Torvalds", "torvalds"),
    ("Hamilton", "hamilton"),
    ("Thompson", "thompson"),
    ("Ritchie", "ritchie"),
    ("Liskov", "liskov"),
    ("Dijkstra", "dijkstra"),
    ("Knuth", "knuth"),
    ("Johnson", "johnson"),
    ("Smith", "smith"),
    ("Nguyen", "nguyen"),
    ("Müller", "muller"),
    ("García", "garcia"),
    ("Hejlsberg", "hejlsberg"),
    ("Allen", "allen"),
    ("Perlman", "perlman"),
    ("Lamport", "lamport"),
    ("Berners-Lee", "bernerslee"),
    ("Cerf", "cerf"),
    ("Stroustrup", "stroustrup"),
    ("Rossum", "rossum"),
    ("Gosling", "gosling"),
    ("Wilson", "wilson"),
    ("Lamarr", "lamarr"),
    ("Vaughan", "vaughan"),
    ("Easley", "easley"),
    ("Anderson", "anderson"),
    ("Bartik", "bartik"),
    ("Booth", "booth"),
    ("Clarke", "clarke"),
    ("Meltzer", "meltzer"),
    ("Teitelbaum", "teitelbaum"),
    ("Holberton", "holberton"),
    ("Goldberg", "goldberg"),
    ("Goldwasser", "goldwasser"),
];

fn values(names: &[(&str, &str)]) -> String {
    names
        .iter()
        .enumerate()
        .map(|(k, (name, ascii))| format!("({k}, '{name}', '{ascii}')"))
        .collect::<Vec<_>>()
        .join(", ")
}

/// `first.last{i}`, `first.last{i}@example.com`, every 50th suspended, every 7th an
/// editor; the admin's account and password hash (no hashing per user).
fn seed_sql(sqlite: bool) -> String {
    let id = if sqlite {
        "randomblob(16)"
    } else {
        "gen_random_uuid()"
    };
    format!(
        "with recursive n (i) as (select 1 union all select i + 1 from n where i < {USERS}),
        firsts (k, name, ascii) as (values {}),
        lasts (k, name, ascii) as (values {})
        insert into users (
            id, account_id, username, username_key, email, email_key, first_name, last_name,
            status, password_hash, role_editor, role_viewer, created_at, updated_at
        )
        select
            {id}, a.account_id,
            f.ascii || '.' || l.ascii || n.i, f.ascii || '.' || l.ascii || n.i,
            f.ascii || '.' || l.ascii || n.i || '@example.com',
            f.ascii || '.' || l.ascii || n.i || '@example.com',
            f.name, l.name,
            case when n.i % 50 = 0 then 'suspended' else 'active' end, a.password_hash,
            n.i % 7 = 0, n.i % 7 <> 0, a.created_at, a.updated_at
        from n
        join firsts f on f.k = n.i % {}
        join lasts l on l.k = (n.i / {}) % {}
        cross join (
            select account_id, password_hash, created_at, updated_at
            from users
            where username = 'ada'
        ) a",
        values(&FIRSTS),
        values(&LASTS),
        FIRSTS.len(),
        FIRSTS.len(),
        LASTS.len(),
    )
}

struct World {
    gh: Gatehouse,
    admin: Credential,
    _db: TestDb,
}

async fn world(db: TestDb) -> World {
    let gh = Gatehouse::connect(&db.config(), Arc::new(MemorySecretStore::default()))
        .await
        .expect("connect");
    let done = gh
        .setup(Setup {
            organization: "Bench".into(),
            first_name: "Ada".into(),
            last_name: None,
            username: Some("ada".into()),
            email: "ada@bench.example.com".into(),
            password: SecretString::from("Quiet-Harbor-Lantern-42".to_owned()),
            password_policy: None,
            blocked_email_domains: None,
            plan: None,
        })
        .await
        .expect("setup");
    let started = Instant::now();
    db.execute(&seed_sql(db.is_sqlite())).await;
    if !db.is_sqlite() {
        // What autovacuum would have done after a bulk load.
        db.execute("analyze users").await;
    }
    println!(
        "seeded {} users in {:.1} s",
        db.count("users").await,
        started.elapsed().as_secs_f64()
    );
    World {
        admin: Credential::bearer(done.data.access_token.expose()),
        gh,
        _db: db,
    }
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

/// (median, p95) of `RUNS` timings after two warm-up runs.
async fn measure<F, Fut>(mut run: F) -> (Duration, Duration)
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = ()>,
{
    run().await;
    run().await;
    let mut times = Vec::with_capacity(RUNS);
    for _ in 0..RUNS {
        let start = Instant::now();
        run().await;
        times.push(start.elapsed());
    }
    times.sort();
    (times[RUNS / 2], times[(RUNS * 95).div_ceil(100) - 1])
}

async fn lists(name: &str, db: TestDb) -> Vec<String> {
    let w = world(db).await;
    let kinds: Vec<(&str, UserQuery)> = vec![
        ("list, first page", UserQuery::default()),
        (
            "list, cursor page (after 'm')",
            UserQuery {
                after: Some("m".into()),
                ..Default::default()
            },
        ),
        (
            "list, suspended editors",
            UserQuery {
                role: Some(Role::Editor),
                status: Some(UserStatus::Suspended),
                ..Default::default()
            },
        ),
        ("search, no match 'zzqx'", search("zzqx")),
        (
            "search, exact email",
            search("grace.teitelbaum4280@example.com"),
        ),
        ("search, username prefix 'grace.'", search("grace.")),
        ("search, substring 'son'", search("son")),
        ("search, name 'Lovelace'", search("Lovelace")),
        ("search, rare name 'Goldwasser'", search("Goldwasser")),
        ("search, number '4281'", search("4281")),
        ("search, short term 'zq' (no trigram)", search("zq")),
        (
            "search, 'son' + cursor page",
            UserQuery {
                after: Some("m".into()),
                ..search("son")
            },
        ),
    ];
    let mut rows = Vec::new();
    for (kind, query) in kinds {
        let page =
            w.gh.list_users(&w.admin, query.clone())
                .await
                .expect("list");
        let (median, p95) = measure(|| {
            let (gh, admin, query) = (&w.gh, &w.admin, query.clone());
            async move {
                gh.list_users(admin, query).await.expect("list");
            }
        })
        .await;
        let total = if page.total_exact {
            page.total.to_string()
        } else {
            format!("> {}", page.total)
        };
        rows.push(format!(
            "| {name} | {kind} | {} | {total} | {:.2} | {:.2} | {:.2} |",
            page.items.len(),
            ms(median),
            ms(p95),
            ms(median) / ms(LIST_GOAL)
        ));
        println!("{}", rows.last().unwrap());
        println!("  plan of {kind} on {name}:");
        for line in
            w.gh.explain_list_users(&w.admin, query)
                .await
                .expect("explain")
        {
            println!("    {line}");
        }
    }
    rows
}

fn search(term: &str) -> UserQuery {
    UserQuery {
        search: Some(term.into()),
        ..Default::default()
    }
}

/// The slowest of adversarial and ordinary inputs, each the median of 5 runs.
fn evaluations() -> Vec<String> {
    let policy = PasswordPolicy::default();
    let context = PasswordContext {
        username: Some("grace".into()),
        email: Some("grace@corp.example.com".into()),
        ..Default::default()
    };
    let symbols = "4@8({[<3691!|70$5+%2";
    let mut inputs: Vec<(String, String)> = vec![
        (
            "issue 8's worst: 64 chars, all 20 l33t symbols".into(),
            "p@ssw0rd4@8({[<3691!|70$5+%2"
                .repeat(3)
                .chars()
                .take(64)
                .collect(),
        ),
        (
            "all 20 symbols, repeated to 64".into(),
            symbols.repeat(4).chars().take(64).collect(),
        ),
        (
            "random-looking 64 chars".into(),
            "aK9$vQ2!mZ7#pL4@xR8%nT3^bW6&cY1*dF5(gH0)jE2-kU9+sI4=oP7_rA3~zX8".into(),
        ),
        (
            "10,000 chars, repetitive".into(),
            "1".repeat(5_000) + &"a1".repeat(2_500),
        ),
        ("passphrase".into(), "correct horse battery staple".into()),
    ];
    // Every count of symbols and prefix lengths, to find the bound's worst case.
    for n in 1..=20 {
        for len in [16, 24, 32, 48, 64] {
            let base: String = symbols.chars().take(n).collect();
            inputs.push((
                format!("{n} symbols, {len} chars"),
                format!("p@ssw0rd{base}")
                    .repeat(8)
                    .chars()
                    .take(len)
                    .collect(),
            ));
        }
    }
    let mut worst: Option<(Duration, String, (u8, bool))> = None;
    let mut rows = Vec::new();
    for (name, input) in &inputs {
        let mut times: Vec<Duration> = (0..5)
            .map(|_| {
                let start = Instant::now();
                std::hint::black_box(evaluate(&policy, input, &context));
                start.elapsed()
            })
            .collect();
        times.sort();
        let median = times[2];
        let strength = evaluate(&policy, input, &context).strength;
        let strength = (strength.score, strength.bounded);
        if !name.contains("symbols,") {
            rows.push(format!(
                "| {name} | {:.2} | {} | {} | {:.2} |",
                ms(median),
                strength.0,
                strength.1,
                ms(median) / ms(EVALUATION_GOAL)
            ));
        }
        if worst.as_ref().is_none_or(|(t, ..)| median > *t) {
            worst = Some((median, name.clone(), strength));
        }
    }
    let (time, name, strength) = worst.unwrap();
    rows.push(format!(
        "| **worst of {} inputs**: {name} | {:.2} | {} | {} | {:.2} |",
        inputs.len(),
        ms(time),
        strength.0,
        strength.1,
        ms(time) / ms(EVALUATION_GOAL)
    ));
    rows
}

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() {
    let mut rows = lists("SQLite", TestDb::sqlite()).await;
    rows.extend(lists("PostgreSQL", TestDb::postgres().await).await);
    println!("\n| database | work | rows | total | median ms | p95 ms | median ÷ 20 ms |");
    println!("|---|---|---|---|---|---|---|");
    for row in rows {
        println!("{row}");
    }
    println!("\n| password evaluation | median ms | score | bounded | ÷ 50 ms |");
    println!("|---|---|---|---|---|");
    for row in evaluations() {
        println!("{row}");
    }
}
