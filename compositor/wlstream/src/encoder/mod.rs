//! The sending side: turns successive pictures of one surface plus their
//! damage into frames.
//!
//! Invariant: the encoder's reference always equals what a decoder that
//! applied every emitted frame holds, rectangle by rectangle, so XOR deltas
//! and moves are exact even when the client's damage is wrong (pixels
//! changed outside the damage are simply not sent until damaged).

mod damage;
mod reference;
mod scroll;
mod writer;

use alloc::vec::Vec;

use crate::error::EncodeError;
use crate::format::{FrameFlags, FrameHeader, HEADER_SIZE, PixelFormat};
use crate::pixels::changed_span;
use crate::surface::SurfaceRef;
use weft_types::SurfaceRect;

pub use damage::MAX_DAMAGE_RECTANGLES;
use reference::Reference;
use scroll::ScrollSearch;
use writer::{FrameWriter, Workspace};

/// Which pixel encodings the encoder may choose between.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub enum Strategy {
    /// Per rectangle, whichever of raw, lz4 and XOR-delta lz4 is smallest.
    #[default]
    Adaptive,
    /// Never XOR against the previous picture (lz4 or raw).
    Lz4Only,
    /// Always XOR against the previous picture in delta frames.
    XorOnly,
}

/// Encoder knobs. The defaults are what measured best.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct EncoderConfig {
    /// Pixel encoding choice.
    pub strategy: Strategy,
    /// Search damaged regions for vertically scrolled content.
    pub detect_scroll: bool,
    /// Shrink damage to the rows and columns whose pixels really changed.
    pub tighten: bool,
    /// Unchanged rows between two changed runs that still merge them into
    /// one rectangle (saves record and lz4 overhead).
    pub merge_gap: u32,
}

impl Default for EncoderConfig {
    fn default() -> EncoderConfig {
        EncoderConfig { strategy: Strategy::Adaptive, detect_scroll: true, tighten: true, merge_gap: 8 }
    }
}

/// What one [`Encoder::encode`] call produced.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct EncodeStats {
    /// Frame size in bytes, header included.
    pub bytes: usize,
    /// Whether it is a keyframe.
    pub keyframe: bool,
    /// Its sequence number.
    pub sequence: u64,
    /// Rectangle records written.
    pub rectangles: u32,
    /// Pixels covered by those rectangles.
    pub pixels: u64,
    /// Rectangles per encoding, indexed by [`crate::Encoding::code`].
    pub by_encoding: [u32; 5],
    /// Pixels the (clipped) damage covered before tightening.
    pub damaged_pixels: u64,
}

/// Encodes one surface's pictures into frames. Usable without `std`.
#[derive(Debug)]
pub struct Encoder {
    session: u32,
    next_sequence: u64,
    config: EncoderConfig,
    reference: Option<Reference>,
    keyframe_requested: bool,
    work: Workspace,
    search: ScrollSearch,
    regions: Vec<SurfaceRect>,
    runs: Vec<SurfaceRect>,
}

impl Encoder {
    /// An encoder for session id `session` with the default
    /// configuration. Pick a fresh session id per encoder session (e.g.
    /// random) so receivers can tell a restart from old frames.
    pub fn new(session: u32) -> Encoder {
        Encoder::with_config(session, EncoderConfig::default())
    }

    /// An encoder with explicit knobs.
    pub fn with_config(session: u32, config: EncoderConfig) -> Encoder {
        Encoder {
            session,
            next_sequence: 0,
            config,
            reference: None,
            keyframe_requested: true,
            work: Workspace::default(),
            search: ScrollSearch::default(),
            regions: Vec::new(),
            runs: Vec::new(),
        }
    }

    /// The session id written in every frame's header.
    pub fn session(&self) -> u32 {
        self.session
    }

    /// The sequence number the next frame will carry.
    pub fn next_sequence(&self) -> u64 {
        self.next_sequence
    }

    /// Make the next frame a keyframe.
    pub fn request_keyframe(&mut self) {
        self.keyframe_requested = true;
    }

    /// Whether the next frame will be a keyframe whatever the damage.
    pub fn keyframe_pending(&self) -> bool {
        self.keyframe_requested || self.reference.is_none()
    }

    /// Encode the picture `surface` (after the client drew `damage`) into
    /// `out`, which is cleared first and then holds exactly one frame.
    /// The first frame, a geometry change and a requested keyframe all
    /// send the full surface; otherwise only changed pixels in `damage`.
    pub fn encode(
        &mut self,
        surface: &SurfaceRef<'_>,
        damage: &[SurfaceRect],
        timestamp_ns: u64,
        out: &mut Vec<u8>,
    ) -> Result<EncodeStats, EncodeError> {
        let keyframe = self.keyframe_requested
            || !self.reference.as_ref().is_some_and(|reference| reference.matches(surface));
        let mut writer = FrameWriter::new(out);
        if keyframe {
            let full = SurfaceRect::full(surface.width(), surface.height());
            writer.stats.damaged_pixels = full.area();
            writer.push_pixels(&mut self.work, self.config.strategy, surface, None, full)?;
            self.reference = Some(Reference::capture(surface, self.reference.take()));
        } else {
            self.encode_delta(surface, damage, &mut writer)?;
        }
        let (out, mut stats) = writer.finish();
        let header = FrameHeader {
            flags: if keyframe { FrameFlags::KEYFRAME } else { FrameFlags::default() },
            session: self.session,
            sequence: self.next_sequence,
            timestamp_ns,
            width: surface.width(),
            height: surface.height(),
            stride: surface.stride(),
            format: PixelFormat::Rgba8Premultiplied,
            rectangle_count: stats.rectangles,
        };
        let body_length = (out.len() - HEADER_SIZE) as u32;
        let mut bytes = [0u8; HEADER_SIZE];
        header.write(body_length, &mut bytes);
        out[..HEADER_SIZE].copy_from_slice(&bytes);
        stats.bytes = out.len();
        stats.keyframe = keyframe;
        stats.sequence = self.next_sequence;
        self.next_sequence += 1;
        self.keyframe_requested = false;
        Ok(stats)
    }

    fn encode_delta(
        &mut self,
        surface: &SurfaceRef<'_>,
        damage: &[SurfaceRect],
        writer: &mut FrameWriter<'_>,
    ) -> Result<(), EncodeError> {
        let Some(reference) = self.reference.as_mut() else {
            return Ok(());
        };
        damage::normalize(damage, surface.width(), surface.height(), &mut self.regions);
        writer.stats.damaged_pixels = self.regions.iter().map(SurfaceRect::area).sum();
        for region in &self.regions {
            if self.config.detect_scroll
                && let Some(scroll) = self.search.detect(surface, &reference.view(), region)
            {
                let mut payload = [0u8; 8];
                payload[..4].copy_from_slice(&scroll.source.0.to_le_bytes());
                payload[4..].copy_from_slice(&scroll.source.1.to_le_bytes());
                writer.push(scroll.target, crate::Encoding::Move, &payload);
                reference.apply_move(&scroll.target, scroll.source);
            }
            if self.config.tighten {
                changed_runs(surface, &reference.view(), region, self.config.merge_gap, &mut self.runs);
            } else {
                self.runs.clear();
                self.runs.push(*region);
            }
            for rect in &self.runs {
                let old = reference.view();
                writer.push_pixels(&mut self.work, self.config.strategy, surface, Some(&old), *rect)?;
                reference.store(surface, rect);
            }
        }
        Ok(())
    }
}

/// The bounding boxes of runs of changed rows inside `region`, runs closer
/// than `merge_gap` unchanged rows joined.
fn changed_runs(
    new: &SurfaceRef<'_>,
    old: &SurfaceRef<'_>,
    region: &SurfaceRect,
    merge_gap: u32,
    runs: &mut Vec<SurfaceRect>,
) {
    runs.clear();
    // (first row, last row, first column, last column), region-relative.
    let mut current: Option<(u32, u32, usize, usize)> = None;
    for row in 0..region.height {
        let Some((first, last)) = changed_span(new.rect_row(region, row), old.rect_row(region, row)) else {
            continue;
        };
        current = match current {
            Some((top, bottom, left, right)) if row - bottom <= merge_gap + 1 => {
                Some((top, row, left.min(first), right.max(last)))
            }
            other => {
                if let Some(run) = other {
                    runs.push(run_rect(region, run));
                }
                Some((row, row, first, last))
            }
        };
    }
    if let Some(run) = current {
        runs.push(run_rect(region, run));
    }
}

fn run_rect(region: &SurfaceRect, (top, bottom, left, right): (u32, u32, usize, usize)) -> SurfaceRect {
    SurfaceRect::new(region.x + left as u32, region.y + top, (right - left + 1) as u32, bottom - top + 1)
}
