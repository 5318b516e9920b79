//! The desktop against the committed pictures in `screenshots/`: every
//! scene of `weft_board_hosted::scenes`, rendered headless, compared
//! within the toolkit's screenshot tolerance. A missing picture fails;
//! `cargo xtask screenshots` (re)writes them — look at them before
//! committing. Run by the screenshots stage of `cargo xtask test`.

use std::path::PathBuf;

use weft_board_hosted::scenes::{render, scenes};
use weft_toolkit_harness::{Tolerance, assert_matches_reference};

#[test]
#[ignore = "run by `cargo xtask test` (screenshots stage): cargo test -p weft-testing --test screenshots -- --ignored"]
fn the_desktop_matches_its_screenshots() {
    let directory = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../screenshots");
    // Text and anti-aliasing may drift a little between machines.
    let tolerance = Tolerance { channel: 12, max_fraction: 0.002 };
    for scene in scenes() {
        if scene.live {
            eprintln!("{}: live figures, not compared", scene.name);
            continue;
        }
        let path = directory.join(format!("{}.png", scene.name));
        if !path.exists() && std::env::var("WEFT_BLESS").as_deref() != Ok("1") {
            panic!(
                "{} is missing: render it with `cargo xtask screenshots {}`, look at it, and commit it",
                path.display(),
                scene.name
            );
        }
        let shot = render(&scene).unwrap_or_else(|error| panic!("{}: {error}", scene.name));
        assert_matches_reference(&path, shot.width, shot.height, &shot.rgba, tolerance);
        eprintln!("{}: matches", scene.name);
    }
}
