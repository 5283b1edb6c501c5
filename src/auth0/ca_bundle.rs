//! CA certificates to trust besides the bundled Mozilla roots: the bundle in `SSL_CERT_FILE`
//! and the PEM files in `SSL_CERT_DIR`, the variables OpenSSL and Go honour (corporate TLS
//! proxies).

use std::ffi::OsString;
use std::path::PathBuf;

use super::error::ConfigError;

/// The extra roots named by the environment. Read only when set: parsing a system-sized
/// bundle takes ~2 ms per provider process.
pub(crate) fn extra_roots() -> Result<Vec<reqwest::Certificate>, ConfigError> {
    extra_roots_from(
        std::env::var_os("SSL_CERT_FILE"),
        std::env::var_os("SSL_CERT_DIR"),
    )
}

fn extra_roots_from(
    file: Option<OsString>,
    dirs: Option<OsString>,
) -> Result<Vec<reqwest::Certificate>, ConfigError> {
    let mut files = Vec::new();
    if let Some(f) = file.filter(|v| !v.is_empty()) {
        files.push(PathBuf::from(f));
    }
    if let Some(d) = dirs.filter(|v| !v.is_empty()) {
        for dir in std::env::split_paths(&d) {
            let Ok(entries) = std::fs::read_dir(&dir) else {
                continue;
            };
            for e in entries.flatten() {
                let p = e.path();
                if p.extension().is_some_and(|x| x == "pem" || x == "crt") {
                    files.push(p);
                }
            }
        }
    }
    let mut certs = Vec::new();
    for f in files {
        let pem = std::fs::read(&f).map_err(|e| {
            ConfigError::plain(format!(
                "cannot read CA bundle {} (SSL_CERT_FILE/SSL_CERT_DIR): {e}",
                f.display()
            ))
        })?;
        let bundle = reqwest::Certificate::from_pem_bundle(&pem).map_err(|e| {
            ConfigError::plain(format!(
                "CA bundle {} is not PEM certificates: {e}",
                f.display()
            ))
        })?;
        certs.extend(bundle);
    }
    Ok(certs)
}

#[cfg(test)]
mod tests {
    use super::extra_roots_from;

    #[test]
    fn ca_bundles_from_file_and_dir() {
        let dir = tempfile::tempdir().unwrap();
        let cert = rcgen::generate_simple_self_signed(vec!["ca.example.invalid".into()]).unwrap();
        let pem = cert.cert.pem();
        std::fs::write(dir.path().join("a.pem"), &pem).unwrap();
        std::fs::write(dir.path().join("ignored.txt"), "not a cert").unwrap();
        let bundle = dir.path().join("bundle.crt");
        std::fs::write(&bundle, format!("{pem}{pem}")).unwrap();
        let certs = extra_roots_from(Some(bundle.into()), Some(dir.path().into())).unwrap();
        // Two from the bundle file, then a.pem and bundle.crt from the directory.
        assert_eq!(certs.len(), 5);
        assert!(extra_roots_from(None, None).unwrap().is_empty());
        let e = extra_roots_from(Some(dir.path().join("missing.pem").into()), None).unwrap_err();
        assert!(e.to_string().contains("SSL_CERT_FILE"), "{e}");
    }
}
