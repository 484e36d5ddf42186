//! Files only the server's user may read: the setup code, a generated TLS key.

use std::io::Write;
use std::path::Path;

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use rand::RngCore;

/// Writes `text` to `file`, readable and writable by this user only.
///
/// Whatever is at `file` is never opened: the text goes into a new temp file beside
/// it (exclusive create, so never through a planted symlink, mode 0600 from the
/// start), which is then renamed over `file`. A symlink planted at `file` is
/// replaced by the new file, and its target is left untouched
/// (docs/decisions/0005-http-server-defences.md).
pub fn write(file: &Path, text: &str) -> std::io::Result<()> {
    use std::os::unix::fs::OpenOptionsExt;
    let directory = match file.parent() {
        Some(parent) if !parent.as_os_str().is_empty() => parent,
        _ => Path::new("."),
    };
    let name = file.file_name().ok_or_else(|| {
        std::io::Error::new(
            std::io::ErrorKind::InvalidInput,
            "the path must name a file",
        )
    })?;
    let mut suffix = [0u8; 8];
    rand::rngs::OsRng.fill_bytes(&mut suffix);
    let temp = directory.join(format!(
        ".{}.{}.tmp",
        name.to_string_lossy(),
        URL_SAFE_NO_PAD.encode(suffix)
    ));
    let written = (|| {
        let mut handle = std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .mode(0o600)
            // create_new already refuses any existing path, symlinks included.
            .custom_flags(libc::O_NOFOLLOW)
            .open(&temp)?;
        handle.write_all(text.as_bytes())?;
        if !text.ends_with('\n') {
            handle.write_all(b"\n")?;
        }
        handle.sync_all()?;
        std::fs::rename(&temp, file)
    })();
    if written.is_err() {
        let _ = std::fs::remove_file(&temp);
    }
    written
}
