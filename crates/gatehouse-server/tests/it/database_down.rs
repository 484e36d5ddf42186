//! PostgreSQL going down under a running server: requests and /readyz answer 503
//! `unavailable` with Retry-After within about a second, and the server recovers by
//! itself when the database is back. PostgreSQL only: it is the database that can
//! be down while the server runs (SQLite's faults are the core's storage_faults tests).

use std::time::{Duration, Instant};

use crate::cluster::TestCluster;
use crate::helpers::*;

/// "About a second": the pool's acquire timeout, plus slack for a busy machine.
const FAST: Duration = Duration::from_millis(1500);

#[track_caller]
fn assert_unavailable_soon(response: &Resp, took: Duration) {
    response.assert_problem(503, "unavailable");
    let retry_after: u32 = response
        .headers
        .get("retry-after")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse().ok())
        .expect("a Retry-After in seconds");
    assert!(retry_after >= 1, "{retry_after}");
    assert!(took < FAST, "took {took:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn with_postgres_down_requests_and_readyz_answer_503_within_a_second_and_recover_without_a_restart(
) {
    let cluster = TestCluster::start();
    let app = App::start(TestDb::at(cluster.url())).await;
    let admin = app.set_up().await;
    assert_eq!(app.get("/readyz", None).await.status, 200);

    cluster.stop();

    let started = Instant::now();
    let users = app.get("/api/v1/users", Some(&admin)).await;
    assert_unavailable_soon(&users, started.elapsed());

    let started = Instant::now();
    let ready = app.get("/readyz", None).await;
    assert_unavailable_soon(&ready, started.elapsed());

    let started = Instant::now();
    let sign_in = app
        .post(
            "/api/v1/sessions",
            None,
            serde_json::json!({ "login": ADMIN_EMAIL, "password": ADMIN_PASSWORD }),
        )
        .await;
    assert_unavailable_soon(&sign_in, started.elapsed());

    cluster.resume();

    assert_eq!(app.get("/readyz", None).await.status, 200);
    let users = app.get("/api/v1/users", Some(&admin)).await;
    assert_eq!(users.status, 200, "{}", users.text);
    app.create_user(&admin, "back_again", &["viewer"]).await;
    assert_eq!(app.user_total(&admin).await, 2);
}
