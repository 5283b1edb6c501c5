//! Regenerates docs/ from the provider's schema and templates/: `make docs`.
#![forbid(unsafe_code)]

fn main() -> std::io::Result<()> {
    let out = std::env::args().nth(1).unwrap_or_else(|| "docs".into());
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    for (path, content) in tfauth0::provider::docs::render_all(root)? {
        let dest = root.join(&out).join(&path);
        std::fs::create_dir_all(dest.parent().unwrap())?;
        std::fs::write(&dest, content)?;
        println!("wrote {}", dest.display());
    }
    Ok(())
}
