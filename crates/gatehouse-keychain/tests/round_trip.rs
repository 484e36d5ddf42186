//! Against the real OS keychain. On Linux run it inside a private session bus with
//! an unlocked gnome-keyring (see scripts/test):
//! `dbus-run-session -- bash -c 'eval $(printf pw | gnome-keyring-daemon --unlock --components=secrets); cargo test -p gatehouse-keychain'`.
//! Without a reachable keychain it is skipped with the reason printed, unless
//! GATEHOUSE_REQUIRE_KEYCHAIN=1 makes that a failure.

use gatehouse_domain::SecretStore;
use gatehouse_keychain::Keychain;
use secrecy::{ExposeSecret, SecretString};

fn keychain_or_skip(test: &str) -> Option<Keychain> {
    let keychain = Keychain::new(format!("gatehouse-test-{}", std::process::id()));
    match keychain.probe() {
        Ok(()) => Some(keychain),
        Err(error) if std::env::var_os("GATEHOUSE_REQUIRE_KEYCHAIN").is_some() => {
            panic!(
                "{test}: GATEHOUSE_REQUIRE_KEYCHAIN is set but the keychain is unusable: {error}"
            )
        }
        Err(error) => {
            eprintln!("skipping {test}: no usable OS keychain here ({error})");
            None
        }
    }
}

#[test]
fn a_saved_secret_reads_back_and_is_gone_after_delete() {
    let Some(keychain) = keychain_or_skip("a_saved_secret_reads_back_and_is_gone_after_delete")
    else {
        return;
    };
    let name = "profile:round-trip";
    keychain
        .set(name, &SecretString::from("correct horse battery staple"))
        .unwrap();
    let read = keychain.get(name).unwrap().expect("the secret just saved");
    assert_eq!(read.expose_secret(), "correct horse battery staple");

    keychain.delete(name).unwrap();
    assert!(keychain.get(name).unwrap().is_none());
}

#[test]
fn saving_twice_keeps_the_latest_secret() {
    let Some(keychain) = keychain_or_skip("saving_twice_keeps_the_latest_secret") else {
        return;
    };
    let name = "profile:overwrite";
    keychain.set(name, &SecretString::from("first")).unwrap();
    keychain.set(name, &SecretString::from("second")).unwrap();
    assert_eq!(
        keychain.get(name).unwrap().unwrap().expose_secret(),
        "second"
    );
    keychain.delete(name).unwrap();
}

#[test]
fn reading_or_deleting_a_missing_entry_is_not_an_error() {
    let Some(keychain) = keychain_or_skip("reading_or_deleting_a_missing_entry_is_not_an_error")
    else {
        return;
    };
    assert!(keychain.get("profile:never-saved").unwrap().is_none());
    keychain.delete("profile:never-saved").unwrap();
}

#[test]
fn entries_of_different_services_do_not_see_each_other() {
    let Some(keychain) = keychain_or_skip("entries_of_different_services_do_not_see_each_other")
    else {
        return;
    };
    let other = Keychain::new(format!("{}-other", keychain.service()));
    keychain
        .set("profile:isolated", &SecretString::from("mine"))
        .unwrap();
    assert!(other.get("profile:isolated").unwrap().is_none());
    keychain.delete("profile:isolated").unwrap();
}
