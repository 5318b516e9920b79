//! Headless viewing: subscribe, decode, write each changed picture as a
//! PNG file (a frame that leaves the picture as it was is not written),
//! and play scripted input after the first frame. The end-to-end tests
//! drive the viewer through this mode.

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use weft_wlstream::SurfaceRef;
use weft_wlstream::keys::AppId;
use zenoh::Session;

use crate::blit::unpremultiply;
use crate::discovery::Discovery;
use crate::error::ViewerError;
use crate::script::{Action, play};
use crate::stream::{StreamOptions, StreamStats, ViewerStream};

/// How long input keeps flowing out before a headless run closes its session.
const LINGER: Duration = Duration::from_millis(300);

/// One headless run.
#[derive(Clone, Debug)]
pub struct HeadlessRun {
    /// Directory for the PNG files (created if missing).
    pub out: PathBuf,
    /// The app to show (`None`: the first one found).
    pub app: Option<AppId>,
    /// Stop after this many written frames.
    pub frames: u32,
    /// Input to play after the first frame.
    pub actions: Vec<Action>,
    /// Give up after this long.
    pub timeout: Duration,
    /// Stream knobs.
    pub stream: StreamOptions,
}

/// One written frame.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct WrittenFrame {
    /// The PNG file.
    pub path: PathBuf,
    /// Frame sequence number.
    pub sequence: u64,
    /// Whether it was a keyframe.
    pub keyframe: bool,
    /// Frame size on the wire.
    pub bytes: usize,
    /// One-way latency (same-host clocks), nanoseconds.
    pub latency_ns: u64,
    /// For frames after the scripted input: nanoseconds from sending the
    /// input to this frame decoded (a round trip through the publisher,
    /// the app and back, measured on this host's clock alone).
    pub after_input_ns: Option<u64>,
}

/// What a headless run did.
#[derive(Clone, Debug)]
pub struct HeadlessReport {
    /// The app shown.
    pub app: AppId,
    /// Frames written, in order.
    pub frames: Vec<WrittenFrame>,
    /// Stream counters at the end.
    pub stats: StreamStats,
}

/// Write a surface as a straight-alpha RGBA PNG.
pub fn write_png(surface: &SurfaceRef<'_>, path: &Path) -> Result<(), ViewerError> {
    let pixels = unpremultiply(surface);
    image::save_buffer(path, &pixels, surface.width(), surface.height(), image::ExtendedColorType::Rgba8)
        .map_err(|error| ViewerError::Image(error.to_string()))
}

/// Wait up to `timeout` for any app to be seen and return the first (by id).
pub fn find_app(session: &Session, timeout: Duration) -> Result<AppId, ViewerError> {
    let discovery = Discovery::start(session)?;
    let deadline = Instant::now() + timeout;
    loop {
        if let Some(app) = discovery.apps().into_iter().next() {
            return Ok(app.id);
        }
        if Instant::now() > deadline {
            return Err(ViewerError::Timeout("no app found on the mesh".into()));
        }
        std::thread::sleep(Duration::from_millis(50));
    }
}

/// Run headless until `frames` pictures are written or the timeout.
pub fn run(session: &Session, run: &HeadlessRun) -> Result<HeadlessReport, ViewerError> {
    std::fs::create_dir_all(&run.out)?;
    let app = match &run.app {
        Some(app) => app.clone(),
        None => find_app(session, run.timeout)?,
    };
    let mut stream = ViewerStream::open(session, app.clone(), run.stream)?;
    let deadline = Instant::now() + run.timeout;
    let mut frames = Vec::new();
    let mut last: Option<((u32, u32), Vec<u8>)> = None;
    let mut played = false;
    let mut played_at = Instant::now();
    while (frames.len() as u32) < run.frames {
        if Instant::now() > deadline {
            return Err(ViewerError::Timeout(format!(
                "{} of {} frames from {app} (link {})",
                frames.len(),
                run.frames,
                stream.state().label()
            )));
        }
        let Some(event) = stream.poll(Duration::from_millis(20))? else {
            continue;
        };
        if event.update.bounds.is_none() {
            continue; // keep-alive: the picture did not change
        }
        let Some(surface) = stream.surface() else {
            continue;
        };
        // A repeated keyframe (the viewer's join request and its stream
        // start can each earn one) may carry the same picture again.
        let size = (surface.width(), surface.height());
        if last.as_ref().is_some_and(|(shown, pixels)| *shown == size && pixels == surface.pixels()) {
            continue;
        }
        last = Some((size, surface.pixels().to_vec()));
        let path = run.out.join(format!("{app}-{:04}.png", frames.len()));
        write_png(&surface, &path)?;
        frames.push(WrittenFrame {
            path,
            sequence: event.update.sequence,
            keyframe: event.update.keyframe,
            bytes: event.bytes,
            latency_ns: event.latency_ns,
            after_input_ns: played.then(|| played_at.elapsed().as_nanos() as u64),
        });
        if !played {
            played = true;
            run.actions.iter().try_for_each(|action| play(&stream, action))?;
            played_at = Instant::now();
        }
    }
    // Let scripted input leave before the session closes.
    while !run.actions.is_empty() && played_at.elapsed() < LINGER {
        stream.poll(Duration::from_millis(20))?;
    }
    Ok(HeadlessReport { app, frames, stats: stream.stats() })
}
