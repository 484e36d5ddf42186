// tauri.conf.json sits at the repository root, beside the root Cargo.toml.
//
// The commands come from the operation table (crates/gatehouse-operations): each gets
// an `allow-<command>` permission (Tauri generates them from the app manifest), and
// the main window's one capability, written here into OUT_DIR, grants exactly those.
// Nothing else is granted (no core, event, window, path or plugin API): a command
// that is not in the table does not exist, and one that is cannot lack its permission.

use std::path::PathBuf;

fn main() {
    let commands: &'static [&'static str] =
        Box::leak(gatehouse_operations::operation_names!().into_boxed_slice());
    let out = PathBuf::from(std::env::var("OUT_DIR").expect("cargo sets OUT_DIR"));
    let capabilities = out.join("capabilities");
    std::fs::create_dir_all(&capabilities).expect("create the capabilities dir");
    let capability = serde_json::json!({
        "identifier": "main",
        "description": "The main window may call the app's own commands, those of the \
            operation table, and nothing else: the UI uses only invoke (no events, window, \
            path or plugin APIs), and the clipboard is written from Rust.",
        "windows": ["main"],
        "permissions": commands
            .iter()
            .map(|c| format!("allow-{}", c.replace('_', "-")))
            .collect::<Vec<_>>(),
    });
    std::fs::write(
        capabilities.join("main.json"),
        serde_json::to_string_pretty(&capability).expect("JSON"),
    )
    .expect("write the capability");
    let pattern: &'static str =
        Box::leak(format!("{}/*.json", capabilities.display()).into_boxed_str());
    tauri_build::try_build(
        tauri_build::Attributes::new()
            .capabilities_path_pattern(pattern)
            .app_manifest(tauri_build::AppManifest::new().commands(commands)),
    )
    .expect("tauri-build failed");
}
