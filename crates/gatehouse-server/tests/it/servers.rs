//! Several `gatehouse serve` on one PostgreSQL, as a team runs them behind a load
//! balancer: each signs with a key of its own and publishes it in the shared database,
//! so a token from one works on the others, and a suspension through one holds on the
//! others at their next request.

use serde_json::json;

use crate::helpers::*;

/// A second server on the first one's database.
async fn beside(first: &App) -> App {
    App::start(TestDb::at(first.db.url())).await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_token_from_one_server_works_on_another_and_a_suspension_through_one_holds_on_both() {
    let a = App::start(TestDb::postgres().await).await;
    let b = beside(&a).await;
    let admin = a.set_up().await;

    // Signed by A, accepted by B; signed by B, accepted by A.
    let me = b.get("/api/v1/me", Some(&admin)).await;
    assert_eq!(me.status, 200, "{}", me.text);
    let grace = a.create_user(&admin, "grace", &["admin"]).await;
    let from_b = b.sign_in("grace", GOOD_PASSWORD).await;
    assert_eq!(a.get("/api/v1/me", Some(&from_b)).await.status, 200);

    // Both publish both keys.
    for server in [&a, &b] {
        let keys = server.get("/.well-known/jwks.json", None).await;
        assert_eq!(
            keys.body["keys"].as_array().unwrap().len(),
            2,
            "{}",
            keys.text
        );
    }

    // Suspended through B: A refuses grace's token at its very next request.
    let suspended = b
        .put(
            &format!("/api/v1/users/{grace}/status"),
            Some(&admin),
            json!({"status": "suspended"}),
        )
        .await;
    assert_eq!(suspended.status, 200, "{}", suspended.text);
    a.get("/api/v1/me", Some(&from_b))
        .await
        .assert_problem(403, "forbidden");
    b.get("/api/v1/me", Some(&from_b))
        .await
        .assert_problem(403, "forbidden");
}
