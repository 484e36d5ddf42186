//! The user list's search through the indexes of migration 0007 (SQLite's FTS5
//! trigrams, PostgreSQL's pg_trgm) finds exactly what the scan before it found: the
//! same users in the same order, for terms that trip up LIKE patterns, quoting,
//! Unicode case and trigrams, on every path a statement can take.

use gatehouse_domain::*;

use crate::helpers::*;

/// The list's statement before migration 0007, as the reference: every row read and
/// matched, each filter present or null.
async fn scanned(
    env: &Env,
    search: &str,
    role: Option<Role>,
    status: Option<UserStatus>,
) -> Vec<String> {
    let term = search.trim().to_lowercase();
    let mut condition = "true".to_owned();
    if !term.is_empty() {
        let escaped: String = term
            .chars()
            .flat_map(|c| match c {
                '%' | '_' | '\\' => vec!['\\', c],
                '\'' => vec!['\'', '\''],
                c => vec![c],
            })
            .collect();
        let p = format!("'%{escaped}%'");
        condition = format!(
            "(lower(username) like {p} escape '\\'
            or email_key like {p} escape '\\'
            or lower(coalesce(first_name, '')) like {p} escape '\\'
            or lower(coalesce(last_name, '')) like {p} escape '\\')"
        );
    }
    if let Some(role) = role {
        condition.push_str(&format!(" and role_{}", role.as_str()));
    }
    if let Some(status) = status {
        condition.push_str(&format!(" and status = '{}'", status.as_str()));
    }
    env.db
        .texts(&format!(
            "select username from users where {condition} order by username_key"
        ))
        .await
}

/// Every page of a search, `limit` users at a time, and the first page's total.
async fn listed(
    env: &Env,
    admin: &Admin,
    search: &str,
    role: Option<Role>,
    status: Option<UserStatus>,
    limit: u32,
) -> (Vec<String>, u64, bool) {
    let (mut seen, mut after, mut total) = (Vec::new(), None, None);
    loop {
        let page = env
            .gh
            .list_users(
                &admin.credential,
                UserQuery {
                    search: Some(search.to_owned()),
                    role,
                    status,
                    after: after.clone(),
                    limit: Some(limit),
                },
            )
            .await
            .unwrap();
        total.get_or_insert((page.total, page.total_exact));
        seen.extend(page.items.into_iter().map(|u| u.username));
        match page.next_cursor {
            Some(cursor) => after = Some(cursor),
            None => break,
        }
    }
    let (total, exact) = total.unwrap();
    (seen, total, exact)
}

/// Users whose names hold what LIKE, quoting and case folding get wrong, and 2,100
/// more (`copy1` to `copy2100`, inserted by SQL, so the search index's triggers see
/// them) for terms with too many candidates to sort and totals above the cap.
async fn tricky_users(env: &Env, admin: &Admin) {
    let users = [
        ("emile", "Émile", "Zoë"),
        ("muller", "Jürgen", "MÜLLER"),
        ("strasse", "Hans", "Straße"),
        ("obrien", "Conan", "O'Brien"),
        ("percent", "100%", "Sure"),
        ("under_score", "a_b", "Cee"),
        ("quote", "Say \"Hi\"", "Q"),
        ("back", "back\\slash", "Bee"),
        ("ilkay", "İlkay", "Işık"),
        ("lee", "小龙", "李"),
        ("smile", "😀 Smile", "Face"),
        ("dotted.name-x", "Dot", "Dash"),
    ];
    for (i, (username, first, last)) in users.into_iter().enumerate() {
        let mut user = new_user(
            username,
            vec![if i % 2 == 0 {
                Role::Editor
            } else {
                Role::Viewer
            }],
        );
        user.first_name = Some(first.into());
        user.last_name = Some(last.into());
        if i % 3 == 0 {
            user.status = Some(UserStatus::Suspended);
        }
        env.gh.create_user(&admin.credential, user).await.unwrap();
    }
    let id = if env.db.is_sqlite() {
        "randomblob(16)"
    } else {
        "gen_random_uuid()"
    };
    env.db
        .execute(&format!(
            "with recursive n (i) as (select 1 union all select i + 1 from n where i < 2100)
            insert into users (
                id, account_id, username, username_key, first_name, last_name, status,
                password_hash, role_viewer, created_at, updated_at
            )
            select
                {id}, u.account_id, 'copy' || n.i, 'copy' || n.i, 'Copy', 'Cat',
                case when n.i % 7 = 0 then 'pending' else 'active' end, u.password_hash,
                n.i % 2 = 0, u.created_at, u.updated_at
            from n, users u
            where u.username = 'ada'"
        ))
        .await;
}

const TERMS: &[&str] = &[
    "",
    "   ",
    "%",
    "_",
    "\\",
    "'",
    "\"",
    "o'b",
    "O'BRIEN",
    "é",
    "É",
    "émile",
    "ÉMILE",
    "zoë",
    "ZOË",
    "müller",
    "MÜLLER",
    "straße",
    "STRASSE",
    "ß",
    "i̇lkay",
    "İlkay",
    "ılkay",
    "işık",
    "李",
    "小龙",
    "😀",
    "😀 sm",
    "a_b",
    "a%b",
    "100%",
    "0%",
    "say \"hi\"",
    "\"hi\"",
    "back\\slash",
    "k\\s",
    "copy",
    "COPY1",
    "copy20",
    "py2",
    " copy7 ",
    "copy2100",
    "@corp",
    "ada@corp.example.com",
    "ADA@CORP.EXAMPLE.COM",
    "corp.example.com",
    "gr",
    "ra",
    "zzqx",
    "dotted.",
    ".name-",
    "name-x",
];

#[on_both]
async fn every_kind_of_search_finds_what_the_scan_found_in_the_same_order(env: Env) {
    let admin = env.setup().await;
    tricky_users(&env, &admin).await;
    for term in TERMS {
        for (role, status) in [
            (None, None),
            (Some(Role::Viewer), None),
            (None, Some(UserStatus::Active)),
        ] {
            let expected = scanned(&env, term, role, status).await;
            let (found, total, exact) = listed(&env, &admin, term, role, status, 100).await;
            assert_eq!(
                found, expected,
                "search {term:?}, role {role:?}, status {status:?}"
            );
            let n = expected.len() as u64;
            assert_eq!(
                (total, exact),
                (n.min(1000), n <= 1000),
                "total of {term:?}"
            );
        }
    }
}

#[on_both]
async fn a_search_pages_the_same_users_a_few_at_a_time(env: Env) {
    let admin = env.setup().await;
    tricky_users(&env, &admin).await;
    for term in ["copy1", "copy", "cop", "e", "İlkay"] {
        let expected = scanned(&env, term, None, None).await;
        let (found, ..) = listed(&env, &admin, term, None, None, 97).await;
        assert_eq!(found, expected, "search {term:?}");
    }
}

#[on_both]
async fn the_search_index_follows_renames_of_keys(env: Env) {
    let admin = env.setup().await;
    tricky_users(&env, &admin).await;
    env.db
        .execute("update users set email_key = 'renamed@corp.example.com' where username = 'emile'")
        .await;
    env.db
        .execute("delete from users where username = 'copy2100'")
        .await;
    for term in ["renamed@corp", "emile@corp", "copy2100", "copy210"] {
        assert_eq!(
            listed(&env, &admin, term, None, None, 100).await.0,
            scanned(&env, term, None, None).await,
            "search {term:?}"
        );
    }
    assert_eq!(
        listed(&env, &admin, "renamed@corp", None, None, 100)
            .await
            .0,
        ["emile"]
    );
}

#[on_both]
async fn a_short_list_counts_exactly_and_a_long_one_says_more_than(env: Env) {
    let admin = env.setup().await;
    let page = env
        .gh
        .list_users(&admin.credential, UserQuery::default())
        .await
        .unwrap();
    assert_eq!((page.total, page.total_exact), (1, true));
    tricky_users(&env, &admin).await;
    let page = env
        .gh
        .list_users(&admin.credential, UserQuery::default())
        .await
        .unwrap();
    assert_eq!((page.total, page.total_exact), (1000, false));
}
