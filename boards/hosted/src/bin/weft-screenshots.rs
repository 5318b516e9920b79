//! `weft-screenshots DIR [NAME…]`: render the desktop scenes headless and
//! write them as `DIR/<scene>.png` (all scenes, or those named). Run by
//! `cargo xtask screenshots`.

use std::path::PathBuf;

use weft_board_hosted::scenes::{render, scenes};

fn main() {
    let mut args = std::env::args().skip(1);
    let Some(directory) = args.next().map(PathBuf::from) else {
        eprintln!("usage: weft-screenshots DIR [SCENE…]");
        std::process::exit(2);
    };
    let only: Vec<String> = args.collect();
    if let Err(error) = std::fs::create_dir_all(&directory) {
        eprintln!("weft-screenshots: {}: {error}", directory.display());
        std::process::exit(1);
    }
    let mut failed = false;
    for scene in scenes().into_iter().filter(|scene| only.is_empty() || only.contains(&scene.name)) {
        let path = directory.join(format!("{}.png", scene.name));
        let started = std::time::Instant::now();
        match render(&scene).and_then(|shot| shot.save_png(&path).map_err(|e| e.to_string())) {
            Ok(()) => eprintln!("wrote {} ({:.1?})", path.display(), started.elapsed()),
            Err(error) => {
                eprintln!("weft-screenshots: {}: {error}", scene.name);
                failed = true;
            }
        }
    }
    if failed {
        std::process::exit(1);
    }
}
