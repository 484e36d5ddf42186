//! Where `gatehouse serve` gets its database URL from. A URL with a password on the
//! command line is visible to every user of the machine (`ps`, /proc/PID/cmdline),
//! so it belongs in the environment (`GATEHOUSE_DATABASE_URL`) or in a file only
//! the server's user can read (`--database-url-file`).

use std::path::Path;

/// Whether `url` carries a password: `scheme://user:PASSWORD@host/…` or a
/// `password=` query parameter.
pub fn has_password(url: &str) -> bool {
    let Some((_, rest)) = url.split_once("://") else {
        return false;
    };
    let (authority, query) = match rest.split_once('?') {
        Some((before, query)) => (before, Some(query)),
        None => (rest, None),
    };
    let authority = authority.split('/').next().unwrap_or("");
    let in_userinfo = authority
        .rsplit_once('@')
        .is_some_and(|(userinfo, _)| userinfo.contains(':'));
    let in_query = query.is_some_and(|query| {
        query
            .split('&')
            .any(|pair| pair.split('=').next() == Some("password"))
    });
    in_userinfo || in_query
}

/// Why a URL file could not be used. Never holds the file's contents.
#[derive(Debug, thiserror::Error)]
pub enum UrlFileError {
    #[error("--database-url-file {path}: {source}")]
    Unreadable {
        path: String,
        source: std::io::Error,
    },
    #[error("--database-url-file {path}: the file is empty")]
    Empty { path: String },
}

/// The URL in `path`: its content without surrounding whitespace (a trailing
/// newline is usual).
pub fn read_url_file(path: &Path) -> Result<String, UrlFileError> {
    let text = std::fs::read_to_string(path).map_err(|source| UrlFileError::Unreadable {
        path: path.display().to_string(),
        source,
    })?;
    let url = text.trim();
    if url.is_empty() {
        return Err(UrlFileError::Empty {
            path: path.display().to_string(),
        });
    }
    Ok(url.to_owned())
}

/// Whether users other than the owner may read `path` (a URL file should be 0600).
pub fn readable_by_others(path: &Path) -> bool {
    use std::os::unix::fs::PermissionsExt;
    std::fs::metadata(path).is_ok_and(|meta| meta.permissions().mode() & 0o077 != 0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_password_in_the_user_info_or_the_query_is_found() {
        assert!(has_password("postgres://app:s3cret@db:5432/gatehouse"));
        assert!(has_password(
            "postgres://app:p%40ss@db/g?sslmode=verify-full"
        ));
        assert!(has_password(
            "postgres://app@db/g?sslmode=require&password=x"
        ));
    }

    #[test]
    fn a_url_without_a_password_is_not_flagged() {
        assert!(!has_password("postgres://app@db:5432/gatehouse"));
        assert!(!has_password("postgres://db/gatehouse?user=app"));
        assert!(!has_password("sqlite://gatehouse.db"));
        assert!(!has_password("sqlite:///var/lib/gatehouse/a:b@c.db"));
    }

    #[test]
    fn a_url_file_is_read_without_its_trailing_newline_and_an_empty_one_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("url");
        std::fs::write(&file, "postgres://app:pw@db/g\n").unwrap();
        assert_eq!(read_url_file(&file).unwrap(), "postgres://app:pw@db/g");
        std::fs::write(&file, " \n").unwrap();
        assert!(matches!(
            read_url_file(&file),
            Err(UrlFileError::Empty { .. })
        ));
        assert!(matches!(
            read_url_file(&dir.path().join("missing")),
            Err(UrlFileError::Unreadable { .. })
        ));
    }
}
