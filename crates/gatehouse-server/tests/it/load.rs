//! A bounded loopback load check: concurrent creates of distinct and of identical
//! usernames. No 500s (a 503 beyond the hashing queue is retried after its
//! Retry-After, as a client should), no duplicates, every success queryable afterwards.

use std::collections::HashSet;

use crate::helpers::*;
use serde_json::{json, Value};

const DISTINCT: usize = 100;
const IDENTICAL: usize = 50;

#[on_both]
async fn concurrent_creates_give_no_500s_one_winner_per_name_and_every_success_is_listed(
    db: TestDb,
) {
    let app = App::start(db).await;
    let admin = app.set_up().await;
    let mut requests = Vec::new();
    for i in 0..DISTINCT {
        requests.push(json!({"username": format!("load_{i:03}"), "email": format!("load{i}@example.com"), "password": GOOD_PASSWORD}));
    }
    for i in 0..IDENTICAL {
        requests.push(json!({"username": "same_name", "email": format!("same{i}@example.com"), "password": GOOD_PASSWORD}));
    }
    let started = std::time::Instant::now();
    let tasks: Vec<_> = requests
        .into_iter()
        .map(|body| {
            let (client, url, admin) =
                (app.client.clone(), app.url("/api/v1/users"), admin.clone());
            tokio::spawn(async move {
                // Beyond the hashing queue the server answers 503 with Retry-After:
                // a well-behaved client waits that long and tries again.
                for _ in 0..10 {
                    let response = client
                        .post(&url)
                        .bearer_auth(&admin)
                        .json(&body)
                        .send()
                        .await
                        .expect("sent");
                    let status = response.status().as_u16();
                    if status == 503 {
                        let wait: u64 = response.headers()["retry-after"]
                            .to_str()
                            .unwrap()
                            .parse()
                            .unwrap();
                        tokio::time::sleep(std::time::Duration::from_secs(wait)).await;
                        continue;
                    }
                    return (
                        status,
                        response.json::<Value>().await.unwrap_or(Value::Null),
                    );
                }
                panic!("still 503 after ten tries");
            })
        })
        .collect();
    let mut created = Vec::new();
    let mut identical_wins = 0;
    for task in tasks {
        let (status, body) = task.await.unwrap();
        assert!(status < 500, "{status}: {body}");
        match status {
            201 => {
                if body["username"] == "same_name" {
                    identical_wins += 1;
                }
                created.push(body["id"].as_str().unwrap().to_owned());
            }
            409 => assert_eq!(body["code"], "conflict"),
            other => panic!("unexpected {other}: {body}"),
        }
    }
    eprintln!(
        "{} creates in {:?}",
        DISTINCT + IDENTICAL,
        started.elapsed()
    );
    assert_eq!(identical_wins, 1);
    assert_eq!(created.len(), DISTINCT + 1);

    let mut listed = HashSet::new();
    let mut after: Option<String> = None;
    loop {
        let path = match &after {
            Some(cursor) => format!("/api/v1/users?limit=100&after={cursor}"),
            None => "/api/v1/users?limit=100".to_owned(),
        };
        let page = app.get(&path, Some(&admin)).await;
        assert_eq!(page.status, 200, "{}", page.text);
        for user in page.body["items"].as_array().unwrap() {
            assert!(
                listed.insert(user["id"].as_str().unwrap().to_owned()),
                "listed twice"
            );
        }
        match page.body["next_cursor"].as_str() {
            Some(cursor) => after = Some(cursor.to_owned()),
            None => break,
        }
    }
    assert_eq!(
        listed.len(),
        DISTINCT + 2,
        "the admin, the distinct users and one same_name"
    );
    for id in &created {
        assert!(listed.contains(id), "{id} is listed");
    }
}
