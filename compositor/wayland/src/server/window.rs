//! One Weft surface fed by one Wayland surface tree.
//!
//! A [`Window`] pairs a root wl_surface (an xdg toplevel, an xdg popup or
//! a cursor image) and its subsurfaces with one Weft surface and a pool of
//! two Weft buffers. Commits anywhere in the tree add damage in window
//! pixels; [`Window::flush`] composes the damage (plus whatever the free
//! Weft buffer is missing) from the surfaces' content copies and presents
//! it. Presents are paced by Weft: while one is in flight (no `FrameDone`
//! yet) further commits only accumulate damage and frame callbacks, and
//! the callbacks of a present fire when Weft says its frame is on screen.
//!
//! The window's content is the xdg window geometry (shadows and other
//! client-side margins outside it are cut off), or the bounding box of the
//! tree when the client sets none.

use std::collections::{HashMap, VecDeque};

use smithay::reexports::wayland_protocols::xdg::shell::server::xdg_toplevel;
use smithay::reexports::wayland_server::Resource;
use smithay::reexports::wayland_server::backend::ObjectId;
use smithay::reexports::wayland_server::protocol::wl_callback::WlCallback;
use smithay::reexports::wayland_server::protocol::wl_surface::WlSurface;
use smithay::utils::{Logical, Point, Rectangle, Serial, Size};
use smithay::wayland::compositor::{
    SUBSURFACE_ROLE, SubsurfaceCachedState, SurfaceAttributes, TraversalAction, with_states,
    with_surface_tree_upward,
};
use smithay::wayland::shell::xdg::{PopupSurface, SurfaceCachedState, ToplevelSurface};
use weft_compositor_api::client::{BufferPool, ClientError, Damage, Display};
use weft_compositor_api::{Configure, Rect, Request, Role, SurfaceId, WindowStates};

use super::content::{MAX_SIDE, SurfaceContent};
use crate::compose::{Target, compose};

/// Scales are kept in 120ths, as wp_fractional_scale does.
pub const SCALE_UNIT: u32 = 120;

/// What the root surface is, on the Wayland side.
#[derive(Debug, Clone)]
pub enum Kind {
    /// An xdg toplevel: a decorated Weft window.
    Toplevel(ToplevelSurface),
    /// An xdg popup: a Weft popup of its parent's window.
    Popup(PopupSurface),
    /// A pointer image (`wl_pointer.set_cursor`): a Weft cursor surface.
    Cursor,
}

/// One surface of the tree with content, where it sits.
#[derive(Clone, Debug, PartialEq)]
pub struct Placed {
    /// The surface.
    pub surface: WlSurface,
    /// Its top-left corner relative to the root surface.
    pub location: Point<i32, Logical>,
    /// Its size.
    pub size: Size<i32, Logical>,
}

/// A Wayland surface tree shown as a Weft surface.
#[derive(Debug)]
pub struct Window {
    /// The root surface's role.
    pub kind: Kind,
    /// The root surface.
    pub root: WlSurface,
    /// The Weft surface, once the client's initial commit created it.
    pub weft: Option<SurfaceId>,
    pool: Option<BufferPool>,
    /// Window pixels per logical pixel, in [`SCALE_UNIT`]s (Weft's scale).
    pub scale: u32,
    geometry: Rectangle<i32, Logical>,
    layout: Vec<Placed>,
    damage: Damage,
    queued: Vec<WlCallback>,
    flying: Vec<WlCallback>,
    in_flight: bool,
    shown: bool,
    presented: bool,
    /// xdg configure serials not yet acknowledged, with Weft's serial.
    pub configures: VecDeque<(Serial, u32)>,
    /// Weft's latest configure.
    pub last_configure: Option<Configure>,
    /// A popup that asked for an explicit grab before it was mapped.
    pub grab: bool,
    /// A popup's parent Weft surface.
    pub parent: Option<SurfaceId>,
    /// The minimum size last told to Weft.
    pub min_size: weft_compositor_api::Size,
    /// A toplevel that unmapped: it must commit again before Weft's
    /// configures may reach it.
    pub awaiting_commit: bool,
}

impl Window {
    /// A window for `root`, not yet known to Weft.
    pub fn new(kind: Kind, root: WlSurface) -> Window {
        Window {
            kind,
            root,
            weft: None,
            pool: None,
            scale: SCALE_UNIT,
            geometry: Rectangle::default(),
            layout: Vec::new(),
            damage: Damage::new(),
            queued: Vec::new(),
            flying: Vec::new(),
            in_flight: false,
            shown: false,
            presented: false,
            configures: VecDeque::new(),
            last_configure: None,
            grab: false,
            parent: None,
            min_size: weft_compositor_api::Size::default(),
            awaiting_commit: false,
        }
    }

    /// Create the Weft surface with `role`.
    pub fn create(&mut self, display: &mut Display, role: Role) -> Result<SurfaceId, ClientError> {
        let surface = display.create_surface()?;
        display.send(&Request::SetRole { surface, role })?;
        self.weft = Some(surface);
        self.pool = Some(BufferPool::new(surface, 2));
        self.damage.set_full();
        Ok(surface)
    }

    /// Forget the Weft surface (destroying it there) but keep the tree:
    /// used to re-create a popup elsewhere.
    pub fn destroy(&mut self, display: &Display) -> Result<(), ClientError> {
        if let Some(surface) = self.weft {
            display.send(&Request::DestroySurface { surface })?;
        }
        self.forget(display)
    }

    /// Forget a Weft surface that Weft already destroyed (with its
    /// parent), unregistering the buffers.
    pub fn forget(&mut self, display: &Display) -> Result<(), ClientError> {
        self.weft = None;
        if let Some(mut pool) = self.pool.take() {
            pool.clear(display)?;
        }
        self.in_flight = false;
        self.shown = false;
        // Callbacks waiting on the old surface fire with the next frame.
        self.queued.append(&mut self.flying);
        self.configures.clear();
        Ok(())
    }

    /// The window geometry in root-surface coordinates.
    pub fn geometry(&self) -> Rectangle<i32, Logical> {
        self.geometry
    }

    /// Whether the root surface has content (the window is mapped).
    pub fn has_content(&self) -> bool {
        self.layout.first().is_some_and(|placed| placed.surface == self.root)
    }

    /// Recompute where the tree's surfaces are; anything that moved,
    /// appeared, vanished or changed size damages the whole window.
    pub fn relayout(&mut self, contents: &HashMap<ObjectId, SurfaceContent>) {
        let layout = layout(&self.root, contents);
        let bounds = layout
            .iter()
            .map(|placed| Rectangle::new(placed.location, placed.size))
            .reduce(|a, b| a.merge(b))
            .unwrap_or_default();
        let requested = match self.kind {
            Kind::Cursor => None,
            _ => with_states(&self.root, |states| {
                states.cached_state.get::<SurfaceCachedState>().current().geometry
            }),
        };
        let mut geometry = requested.and_then(|g| g.intersection(bounds)).unwrap_or(bounds);
        let limit = (MAX_SIDE as u32 * SCALE_UNIT / self.scale.max(1)) as i32;
        geometry.size = (geometry.size.w.min(limit), geometry.size.h.min(limit)).into();
        if geometry != self.geometry || layout != self.layout {
            self.damage.set_full();
        }
        self.geometry = geometry;
        self.layout = layout;
    }

    /// Note damage to `surface` (in its logical pixels).
    pub fn add_damage(&mut self, surface: &WlSurface, rects: &[Rectangle<i32, Logical>]) {
        let Some(placed) = self.layout.iter().find(|placed| placed.surface == *surface) else {
            return;
        };
        for rect in rects {
            let x = rect.loc.x + placed.location.x - self.geometry.loc.x;
            let y = rect.loc.y + placed.location.y - self.geometry.loc.y;
            let (left, top) = (self.to_pixels_floor(x), self.to_pixels_floor(y));
            let right = self.to_pixels_ceil(x + rect.size.w);
            let bottom = self.to_pixels_ceil(y + rect.size.h);
            if right > left && bottom > top {
                self.damage.add(Rect::new(left, top, (right - left) as u32, (bottom - top) as u32));
            }
        }
    }

    /// Damage everything (after a re-creation or a scale change).
    pub fn damage_all(&mut self) {
        self.damage.set_full();
    }

    /// Pass Weft's configure on to an xdg toplevel (others have none).
    ///
    /// Weft gives a new window a default size; a Wayland client that has
    /// not shown anything yet is told to choose its own instead (size 0),
    /// unless the window is maximised. From the first present on, Weft's
    /// size is the client's own, so it is passed on as it is.
    pub fn send_configure(&mut self, configure: &Configure) {
        let Kind::Toplevel(toplevel) = &self.kind else {
            return;
        };
        let pairs = [
            (WindowStates::ACTIVATED, xdg_toplevel::State::Activated),
            (WindowStates::MAXIMIZED, xdg_toplevel::State::Maximized),
            (WindowStates::RESIZING, xdg_toplevel::State::Resizing),
            (WindowStates::SUSPENDED, xdg_toplevel::State::Suspended),
        ];
        let sized = self.presented || configure.states.contains(WindowStates::MAXIMIZED);
        toplevel.with_pending_state(|state| {
            state.size = (sized && !configure.size.is_empty())
                .then(|| (configure.size.width as i32, configure.size.height as i32).into());
            for (weft, xdg) in pairs {
                if configure.states.contains(weft) {
                    state.states.set(xdg);
                } else {
                    state.states.unset(xdg);
                }
            }
        });
        let serial = toplevel.send_configure();
        self.configures.push_back((serial, configure.serial));
    }

    /// Frame callbacks from a commit, fired at the next frame Weft shows.
    pub fn queue_callbacks(&mut self, callbacks: Vec<WlCallback>) {
        self.queued.extend(callbacks);
    }

    fn to_pixels_floor(&self, logical: i32) -> i32 {
        (i64::from(logical) * i64::from(self.scale)).div_euclid(i64::from(SCALE_UNIT)) as i32
    }

    fn to_pixels_ceil(&self, logical: i32) -> i32 {
        let scaled = i64::from(logical) * i64::from(self.scale);
        (scaled + i64::from(SCALE_UNIT) - 1).div_euclid(i64::from(SCALE_UNIT)) as i32
    }

    /// Size of the Weft buffer, in pixels.
    pub fn pixel_size(&self) -> weft_compositor_api::Size {
        let width = self.to_pixels_ceil(self.geometry.size.w).clamp(0, MAX_SIDE) as u32;
        let height = self.to_pixels_ceil(self.geometry.size.h).clamp(0, MAX_SIDE) as u32;
        weft_compositor_api::Size::new(width, height)
    }

    /// Present what changed if Weft is ready for it; otherwise keep it for
    /// the next `FrameDone` or `BufferReleased`.
    pub fn flush(
        &mut self,
        display: &mut Display,
        contents: &HashMap<ObjectId, SurfaceContent>,
    ) -> Result<(), ClientError> {
        if self.in_flight {
            return Ok(());
        }
        let size = self.pixel_size();
        let (Some(surface), Some(pool)) = (self.weft, self.pool.as_mut()) else {
            return Ok(());
        };
        let mapped = self.layout.first().is_some_and(|placed| placed.surface == self.root);
        if !mapped || size.is_empty() {
            if self.shown {
                display.send(&Request::Present { surface, buffer: None, damage: Vec::new() })?;
                self.shown = false;
            }
            self.damage.clear();
            return Ok(());
        }
        let bounds = Rect::from_size(size);
        let changed = self.damage.rects_within(bounds);
        if changed.is_empty() {
            if !self.queued.is_empty() {
                display.send(&Request::RequestFrame { surface })?;
                self.in_flight = true;
                self.flying.append(&mut self.queued);
            }
            return Ok(());
        }
        pool.set_size(display, size)?;
        let Some(mut frame) = pool.acquire(display)? else {
            return Ok(());
        };
        let mut redraw = Damage::new();
        for rect in frame.repaint().into_iter().chain(changed.iter().copied()) {
            redraw.add(rect);
        }
        let origin = self.geometry.loc;
        let scale = self.scale;
        let layers: Vec<_> = self
            .layout
            .iter()
            .filter_map(|placed| {
                let content = contents.get(&placed.surface.id())?;
                let x = to_pixels(placed.location.x - origin.x, scale);
                let y = to_pixels(placed.location.y - origin.y, scale);
                Some(content.layer(x, y, scale))
            })
            .collect();
        let mut target =
            Target { pixels: frame.pixels_mut(), width: size.width, height: size.height, stride: 0 };
        target.stride = size.width as usize * 4;
        for rect in redraw.rects_within(bounds) {
            compose(&mut target, rect, &layers);
        }
        frame.present(display, &changed)?;
        self.damage.clear();
        self.shown = true;
        self.presented = true;
        self.in_flight = true;
        self.flying.append(&mut self.queued);
        Ok(())
    }

    /// Weft showed the last present: fire its frame callbacks.
    pub fn frame_done(&mut self, time_ms: u32) {
        for callback in self.flying.drain(..) {
            callback.done(time_ms);
        }
        self.in_flight = false;
    }

    /// Let the pool see a `BufferReleased`; whether it was this window's.
    pub fn buffer_released(
        &mut self,
        display: &Display,
        event: &weft_compositor_api::Event,
    ) -> Result<bool, ClientError> {
        match self.pool.as_mut() {
            Some(pool) => pool.handle_event(display, event),
            None => Ok(false),
        }
    }

    /// The surface under window point (`x`, `y`) (logical), with its
    /// origin, both in root-surface coordinates; honours input regions.
    pub fn surface_at(&self, x: f64, y: f64) -> Option<(WlSurface, Point<f64, Logical>)> {
        let point = self.to_root(x, y);
        self.layout.iter().rev().find_map(|placed| {
            let local = point - placed.location.to_f64();
            let inside = local.x >= 0.0
                && local.y >= 0.0
                && local.x < f64::from(placed.size.w)
                && local.y < f64::from(placed.size.h);
            let accepts = inside
                && with_states(&placed.surface, |states| {
                    let mut attributes = states.cached_state.get::<SurfaceAttributes>();
                    let region = attributes.current().input_region.clone();
                    region.is_none_or(|region| region.contains(local.to_i32_floor()))
                });
            accepts.then(|| (placed.surface.clone(), placed.location.to_f64()))
        })
    }

    /// A window point (logical) in root-surface coordinates.
    pub fn to_root(&self, x: f64, y: f64) -> Point<f64, Logical> {
        Point::from((x, y)) + self.geometry.loc.to_f64()
    }

    /// Whether `surface` is part of this window's tree.
    pub fn contains(&self, surface: &WlSurface) -> bool {
        self.root == *surface || self.layout.iter().any(|placed| placed.surface == *surface)
    }
}

fn to_pixels(logical: i32, scale: u32) -> i32 {
    (i64::from(logical) * i64::from(scale)).div_euclid(i64::from(SCALE_UNIT)) as i32
}

/// The tree's surfaces that have content, bottom to top; a surface
/// without content hides its subsurfaces too.
fn layout(root: &WlSurface, contents: &HashMap<ObjectId, SurfaceContent>) -> Vec<Placed> {
    let offset = |surface: &WlSurface, states: &smithay::wayland::compositor::SurfaceData| {
        if surface != root && states.role == Some(SUBSURFACE_ROLE) {
            states.cached_state.get::<SubsurfaceCachedState>().current().location
        } else {
            Point::default()
        }
    };
    let mut placed = Vec::new();
    with_surface_tree_upward(
        root,
        Point::<i32, Logical>::default(),
        |surface, states, parent| {
            if contents.contains_key(&surface.id()) {
                TraversalAction::DoChildren(*parent + offset(surface, states))
            } else {
                TraversalAction::SkipChildren
            }
        },
        |surface, states, parent| {
            if let Some(content) = contents.get(&surface.id()) {
                let (width, height) = content.logical_size();
                placed.push(Placed {
                    surface: surface.clone(),
                    location: *parent + offset(surface, states),
                    size: (width, height).into(),
                });
            }
        },
        |_, _, _| true,
    );
    placed
}
