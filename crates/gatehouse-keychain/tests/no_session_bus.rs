//! With no D-Bus session to reach (a server, a bare SSH login), the keychain fails
//! with a message saying what to install, and does not panic. A test binary of its
//! own, since it points this process's bus address at nothing.

#[cfg(target_os = "linux")]
#[test]
fn without_a_session_bus_the_error_says_to_install_and_unlock_a_keychain() {
    use gatehouse_domain::SecretStore;
    use secrecy::SecretString;

    // Safety of set_var: the only test in this binary, set before any thread reads it.
    std::env::set_var(
        "DBUS_SESSION_BUS_ADDRESS",
        "unix:path=/nonexistent/gatehouse-test-bus",
    );
    std::env::remove_var("DISPLAY");
    let keychain = gatehouse_keychain::Keychain::new("gatehouse-test-no-bus");

    let read = keychain.get("anything").unwrap_err();
    assert!(read.message.contains("gnome-keyring"), "{}", read.message);

    let write = keychain
        .set("anything", &SecretString::from("must not land anywhere"))
        .unwrap_err();
    assert!(
        write.message.contains("not write secrets to disk"),
        "{}",
        write.message
    );
}
