//! What each wl_surface last committed, copied out of the client's memory.
//!
//! On every commit that attaches a wl_shm buffer the bridge converts the
//! damaged part of it into the surface's own premultiplied RGBA copy and
//! releases the wl_buffer at once, so a client never waits on the bridge
//! for a buffer and a single-buffered client works. The copy is what the
//! window is composed from, whenever Weft has a buffer free.

use smithay::reexports::wayland_server::protocol::wl_buffer::WlBuffer;
use smithay::reexports::wayland_server::protocol::wl_callback::WlCallback;
use smithay::reexports::wayland_server::protocol::wl_output::Transform;
use smithay::reexports::wayland_server::protocol::wl_shm;
use smithay::utils::{Logical, Rectangle};
use smithay::wayland::compositor::{BufferAssignment, Damage, SurfaceAttributes, SurfaceData};
use smithay::wayland::shm::{BufferAccessError, BufferData, with_buffer_contents};

use super::error::CommitError;
use crate::compose::Layer;
use crate::pixels::ShmFormat;

/// Largest side of a surface buffer, as for Weft buffers.
pub const MAX_SIDE: i32 = weft_compositor_api::MAX_BUFFER_SIDE as i32;

/// A surface's current picture, premultiplied RGBA, rows packed.
#[derive(Debug)]
pub struct SurfaceContent {
    pixels: Vec<u8>,
    width: u32,
    height: u32,
    scale: u32,
    opaque: bool,
}

impl SurfaceContent {
    /// Size in logical pixels (buffer pixels over the buffer scale).
    pub fn logical_size(&self) -> (i32, i32) {
        ((self.width / self.scale) as i32, (self.height / self.scale) as i32)
    }

    /// Bytes held.
    pub fn bytes(&self) -> usize {
        self.pixels.len()
    }

    /// The content placed at `(x, y)` window pixels of a window drawn at
    /// `target_scale` window pixels per logical pixel, in 120ths.
    pub fn layer(&self, x: i32, y: i32, target_scale: u32) -> Layer<'_> {
        Layer {
            pixels: &self.pixels,
            width: self.width,
            height: self.height,
            stride: self.width as usize * 4,
            opaque: self.opaque,
            x,
            y,
            source_scale: self.scale * super::window::SCALE_UNIT,
            target_scale,
        }
    }
}

/// What one commit changed on one surface.
#[derive(Debug, Default)]
pub struct Committed {
    /// Changed areas in surface-local logical pixels.
    pub damage: Vec<Rectangle<i32, Logical>>,
    /// The content appeared, vanished or changed size or scale.
    pub reshaped: bool,
    /// Frame callbacks the client asked for with this commit.
    pub callbacks: Vec<WlCallback>,
}

/// Apply what `states` (a surface's data) just made current to its
/// content copy `content`. `budget` is how many more bytes of content
/// this client may hold.
pub fn apply_commit(
    states: &SurfaceData,
    content: &mut Option<SurfaceContent>,
    budget: usize,
) -> Result<Committed, CommitError> {
    let (assignment, damage, callbacks, scale, transform) = {
        let mut cached = states.cached_state.get::<SurfaceAttributes>();
        let current = cached.current();
        (
            current.buffer.take(),
            std::mem::take(&mut current.damage),
            std::mem::take(&mut current.frame_callbacks),
            current.buffer_scale.max(1) as u32,
            current.buffer_transform,
        )
    };
    let mut committed = Committed { callbacks, ..Committed::default() };
    match assignment {
        None => {}
        Some(BufferAssignment::Removed) => {
            committed.reshaped = content.take().is_some();
        }
        Some(BufferAssignment::NewBuffer(buffer)) => {
            let result = copy_buffer(&buffer, content, &damage, scale, budget);
            // The pixels are ours now (or the buffer was refused): the
            // client may reuse its buffer at once.
            buffer.release();
            let (rects, reshaped) = result?;
            if transform != Transform::Normal {
                weft_rt::debug!("buffer transform {transform:?} is shown untransformed");
            }
            committed.reshaped = reshaped;
            committed.damage = rects.into_iter().map(|rect| to_logical(rect, scale)).collect();
        }
    }
    Ok(committed)
}

/// A rectangle in buffer pixels.
type BufferRect = (i32, i32, i32, i32);

fn copy_buffer(
    buffer: &WlBuffer,
    content: &mut Option<SurfaceContent>,
    damage: &[Damage],
    scale: u32,
    budget: usize,
) -> Result<(Vec<BufferRect>, bool), CommitError> {
    let copied = with_buffer_contents(buffer, |pool, pool_len, data| {
        let format = check_layout(&data, pool_len)?;
        let (width, height) = (data.width as u32, data.height as u32);
        let reshape =
            !content.as_ref().is_some_and(|c| c.width == width && c.height == height && c.scale == scale);
        if reshape {
            let bytes = width as usize * height as usize * 4;
            let held = content.as_ref().map_or(0, SurfaceContent::bytes);
            if bytes > budget.saturating_add(held) {
                return Err(CommitError::OverBudget);
            }
            *content = Some(SurfaceContent { pixels: vec![0; bytes], width, height, scale, opaque: false });
        }
        let Some(target) = content.as_mut() else {
            return Err(CommitError::OverBudget);
        };
        target.opaque = format.is_opaque();
        let rects = if reshape {
            vec![(0, 0, data.width, data.height)]
        } else {
            damage.iter().filter_map(|d| to_buffer_rect(d, scale, data.width, data.height)).collect()
        };
        // SAFETY: `with_buffer_contents` hands us the start and length of
        // the client's shared-memory pool, mapped for the duration of this
        // closure; a client that shrinks the file under us raises SIGBUS,
        // which Smithay's handler turns into an error for this call. The
        // client may write the memory concurrently: every byte is read
        // once, so the worst it gets is a torn picture of its own window.
        #[allow(unsafe_code, reason = "the client's shared-memory pool is only reachable as a raw pointer")]
        let pool = unsafe { std::slice::from_raw_parts(pool, pool_len) };
        for &(x, y, w, h) in &rects {
            for row in y..y + h {
                let from = data.offset as usize + row as usize * data.stride as usize + x as usize * 4;
                let to = (row as usize * width as usize + x as usize) * 4;
                format.convert_row(&pool[from..], &mut target.pixels[to..], w as usize);
            }
        }
        Ok((rects, reshape))
    });
    match copied {
        Ok(result) => result,
        Err(BufferAccessError::NotManaged) => Err(CommitError::UnsupportedBuffer),
        Err(_) => Err(CommitError::Unreadable),
    }
}

/// The buffer's format, once its layout is known to fit inside its pool.
fn check_layout(data: &BufferData, pool_len: usize) -> Result<ShmFormat, CommitError> {
    let format = match data.format {
        wl_shm::Format::Argb8888 => ShmFormat::Argb8888,
        wl_shm::Format::Xrgb8888 => ShmFormat::Xrgb8888,
        wl_shm::Format::Abgr8888 => ShmFormat::Abgr8888,
        wl_shm::Format::Xbgr8888 => ShmFormat::Xbgr8888,
        other => return Err(CommitError::UnsupportedFormat(other)),
    };
    let sides_ok = (1..=MAX_SIDE).contains(&data.width) && (1..=MAX_SIDE).contains(&data.height);
    let row = i64::from(data.width) * 4;
    let fits = data.offset >= 0
        && i64::from(data.stride) >= row
        && i64::from(data.offset) + i64::from(data.stride) * i64::from(data.height - 1) + row
            <= pool_len as i64;
    if sides_ok && fits { Ok(format) } else { Err(CommitError::BadLayout) }
}

/// A damage rectangle in buffer pixels, clipped to the buffer.
fn to_buffer_rect(damage: &Damage, scale: u32, width: i32, height: i32) -> Option<BufferRect> {
    let scale = scale as i64;
    let (x, y, w, h) = match damage {
        Damage::Buffer(r) => (r.loc.x as i64, r.loc.y as i64, r.size.w as i64, r.size.h as i64),
        Damage::Surface(r) => {
            (r.loc.x as i64 * scale, r.loc.y as i64 * scale, r.size.w as i64 * scale, r.size.h as i64 * scale)
        }
    };
    let left = x.clamp(0, width as i64);
    let top = y.clamp(0, height as i64);
    let right = x.saturating_add(w).clamp(0, width as i64);
    let bottom = y.saturating_add(h).clamp(0, height as i64);
    (right > left && bottom > top)
        .then(|| (left as i32, top as i32, (right - left) as i32, (bottom - top) as i32))
}

/// A buffer rectangle in surface-local logical pixels, rounded outwards.
fn to_logical((x, y, w, h): BufferRect, scale: u32) -> Rectangle<i32, Logical> {
    let scale = scale as i32;
    let (left, top) = (x.div_euclid(scale), y.div_euclid(scale));
    let right = (x + w + scale - 1).div_euclid(scale);
    let bottom = (y + h + scale - 1).div_euclid(scale);
    Rectangle::new((left, top).into(), (right - left, bottom - top).into())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn surface_damage_is_scaled_and_clipped() {
        let damage = Damage::Surface(Rectangle::new((-5, 2).into(), (10, 100).into()));
        assert_eq!(to_buffer_rect(&damage, 2, 40, 40), Some((0, 4, 10, 36)));
        let outside = Damage::Buffer(Rectangle::new((50, 0).into(), (5, 5).into()));
        assert_eq!(to_buffer_rect(&outside, 1, 40, 40), None);
    }

    #[test]
    fn buffer_damage_rounds_outwards_to_logical_pixels() {
        assert_eq!(to_logical((3, 4, 2, 1), 2), Rectangle::new((1, 2).into(), (2, 1).into()));
    }

    #[test]
    fn layouts_must_fit_their_pool() {
        let data = |offset, width, height, stride| BufferData {
            offset,
            width,
            height,
            stride,
            format: wl_shm::Format::Argb8888,
        };
        assert!(check_layout(&data(0, 10, 10, 40), 400).is_ok());
        assert!(check_layout(&data(0, 10, 10, 40), 399).is_err());
        assert!(check_layout(&data(0, 10, 10, 36), 4000).is_err(), "stride shorter than a row");
        assert!(check_layout(&data(-4, 10, 10, 40), 4000).is_err());
        assert!(check_layout(&data(0, 0, 10, 40), 4000).is_err());
        assert!(check_layout(&data(0, 9000, 1, 36000), 36000).is_err(), "wider than Weft allows");
        let rgb = BufferData { format: wl_shm::Format::Rgb565, ..data(0, 1, 1, 4) };
        assert!(matches!(check_layout(&rgb, 4), Err(CommitError::UnsupportedFormat(_))));
    }
}
