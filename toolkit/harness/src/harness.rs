//! The harness: a UI, a framebuffer, a keyboard and a clock.

use alloc::vec;
use alloc::vec::Vec;
use core::time::Duration;

use weft_paint::{Canvas, PixelRect, Point};
use weft_theme::Theme;
use weft_toolkit::{Ui, Widget, WidgetId};
use weft_types::keymap::{Keyboard, key_for};
use weft_types::{Button, InputEvent, Key, KeyState, Modifiers, PointerEvent, TouchEvent};

/// Time between simulated frames while animations run.
pub const FRAME: Duration = Duration::from_millis(16);

/// Drives a [`Ui`] headless.
pub struct Harness<M: 'static> {
    ui: Ui<M>,
    width: u32,
    height: u32,
    scale: f32,
    buffer: Vec<u8>,
    now: Duration,
    keyboard: Keyboard,
    messages: Vec<M>,
    last_damage: Vec<PixelRect>,
}

impl<M: 'static> Harness<M> {
    /// Wraps `ui` at `width`×`height` physical pixels and `scale`, and
    /// renders the first frame.
    pub fn new(mut ui: Ui<M>, width: u32, height: u32, scale: f32) -> Harness<M> {
        ui.set_size(width, height, scale);
        let mut harness = Harness {
            ui,
            width,
            height,
            scale,
            buffer: vec![0; width as usize * height as usize * 4],
            now: Duration::ZERO,
            keyboard: Keyboard::new(),
            messages: Vec::new(),
            last_damage: Vec::new(),
        };
        harness.render();
        harness
    }

    /// The UI.
    pub fn ui(&mut self) -> &mut Ui<M> {
        &mut self.ui
    }

    /// Frame width, physical pixels.
    pub fn width(&self) -> u32 {
        self.width
    }

    /// Frame height, physical pixels.
    pub fn height(&self) -> u32 {
        self.height
    }

    /// The simulated time.
    pub fn now(&self) -> Duration {
        self.now
    }

    /// A widget as `W`, to assert on its state.
    ///
    /// # Panics
    /// If there is no such widget of that type.
    pub fn widget<W: Widget<M>>(&self, id: WidgetId) -> &W {
        self.ui.get::<W>(id).expect("widget exists with the requested type")
    }

    /// The visible widget with this role and label.
    ///
    /// # Panics
    /// If there is none.
    pub fn find(&mut self, role: weft_toolkit::accessibility::Role, label: &str) -> WidgetId {
        self.ui.find(role, label).unwrap_or_else(|| panic!("no visible {role:?} labelled {label:?}"))
    }

    /// Messages emitted since the last call.
    pub fn take_messages(&mut self) -> Vec<M> {
        self.messages.append(&mut self.ui.take_messages());
        core::mem::take(&mut self.messages)
    }

    /// Sends one input event at the current time.
    pub fn event(&mut self, event: InputEvent) {
        let mut messages = self.ui.handle_event(event, self.now);
        self.messages.append(&mut messages);
    }

    /// Moves the clock forward by `duration`, running animation frames
    /// every [`FRAME`] while the UI needs them.
    pub fn advance(&mut self, duration: Duration) {
        let end = self.now + duration;
        while self.now < end {
            let step = FRAME.min(end - self.now);
            self.now += step;
            self.ui.animate(self.now);
        }
        self.messages.append(&mut self.ui.take_messages());
    }

    /// Moves the clock forward without running animation frames (e.g. to
    /// separate two clicks so they do not count as a double click).
    pub fn skip_time(&mut self, duration: Duration) {
        self.now += duration;
    }

    /// Runs frames until nothing animates (at most `limit` of time);
    /// returns the time it took.
    pub fn settle(&mut self, limit: Duration) -> Duration {
        let start = self.now;
        while self.ui.needs_frame() && self.now - start < limit {
            self.advance(FRAME);
        }
        self.now - start
    }

    /// The centre of a widget, logical pixels.
    ///
    /// # Panics
    /// If the widget is not in the UI.
    pub fn center_of(&mut self, id: WidgetId) -> Point {
        self.ui.rect(id).expect("widget is laid out").center()
    }

    /// Moves the mouse to `point`.
    pub fn hover(&mut self, point: Point) {
        self.event(InputEvent::Pointer(PointerEvent::Motion { x: point.x, y: point.y }));
    }

    /// Clicks the left mouse button at `point`.
    pub fn click_at(&mut self, point: Point) {
        self.hover(point);
        self.event(InputEvent::Pointer(PointerEvent::Button {
            button: Button::Left,
            state: KeyState::Pressed,
            x: point.x,
            y: point.y,
        }));
        self.now += Duration::from_millis(30);
        self.event(InputEvent::Pointer(PointerEvent::Button {
            button: Button::Left,
            state: KeyState::Released,
            x: point.x,
            y: point.y,
        }));
    }

    /// Clicks the centre of a widget.
    pub fn click(&mut self, id: WidgetId) {
        let center = self.center_of(id);
        self.click_at(center);
    }

    /// Presses at `from`, moves to `to` in `steps`, releases (mouse drag).
    pub fn mouse_drag(&mut self, from: Point, to: Point, steps: u32) {
        self.hover(from);
        self.event(InputEvent::Pointer(PointerEvent::Button {
            button: Button::Left,
            state: KeyState::Pressed,
            x: from.x,
            y: from.y,
        }));
        for step in 1..=steps.max(1) {
            let t = step as f32 / steps.max(1) as f32;
            self.now += Duration::from_millis(10);
            self.hover(Point::new(from.x + (to.x - from.x) * t, from.y + (to.y - from.y) * t));
        }
        self.event(InputEvent::Pointer(PointerEvent::Button {
            button: Button::Left,
            state: KeyState::Released,
            x: to.x,
            y: to.y,
        }));
    }

    /// Scrolls the mouse wheel at `point`.
    pub fn scroll_at(&mut self, point: Point, dy: f32) {
        self.hover(point);
        self.event(InputEvent::Pointer(PointerEvent::Scroll { dx: 0.0, dy }));
    }

    /// Taps `point` with a finger.
    pub fn tap_at(&mut self, point: Point) {
        self.event(InputEvent::Touch(TouchEvent::Down { id: 0, x: point.x, y: point.y }));
        self.now += Duration::from_millis(60);
        self.event(InputEvent::Touch(TouchEvent::Up { id: 0 }));
    }

    /// Taps the centre of a widget.
    pub fn tap(&mut self, id: WidgetId) {
        let center = self.center_of(id);
        self.tap_at(center);
    }

    /// Holds a finger at `point` for `duration`, then lifts it.
    pub fn long_press_at(&mut self, point: Point, duration: Duration) {
        self.event(InputEvent::Touch(TouchEvent::Down { id: 0, x: point.x, y: point.y }));
        self.advance(duration);
        self.event(InputEvent::Touch(TouchEvent::Up { id: 0 }));
    }

    /// Drags a finger from `from` to `to` over `duration` in even steps,
    /// then lifts it immediately (a fling if fast enough).
    pub fn touch_drag(&mut self, from: Point, to: Point, duration: Duration, steps: u32) {
        let steps = steps.max(1);
        self.event(InputEvent::Touch(TouchEvent::Down { id: 0, x: from.x, y: from.y }));
        for step in 1..=steps {
            let t = step as f32 / steps as f32;
            self.now += duration / steps;
            self.ui.animate(self.now);
            self.event(InputEvent::Touch(TouchEvent::Motion {
                id: 0,
                x: from.x + (to.x - from.x) * t,
                y: from.y + (to.y - from.y) * t,
            }));
        }
        self.event(InputEvent::Touch(TouchEvent::Up { id: 0 }));
    }

    /// Presses and releases `key` with `modifiers` held.
    pub fn key(&mut self, key: Key, modifiers: Modifiers) {
        let held: Vec<Key> = [
            (Modifiers::SHIFT, Key::LEFT_SHIFT),
            (Modifiers::CONTROL, Key::LEFT_CTRL),
            (Modifiers::ALT, Key::LEFT_ALT),
            (Modifiers::SUPER, Key::LEFT_META),
        ]
        .into_iter()
        .filter(|(modifier, _)| modifiers.contains(*modifier))
        .map(|(_, key)| key)
        .collect();
        for modifier in &held {
            let event = self.keyboard.feed(*modifier, KeyState::Pressed);
            self.event(InputEvent::Key(event));
        }
        let press = self.keyboard.feed(key, KeyState::Pressed);
        self.event(InputEvent::Key(press));
        let release = self.keyboard.feed(key, KeyState::Released);
        self.event(InputEvent::Key(release));
        for modifier in held.iter().rev() {
            let event = self.keyboard.feed(*modifier, KeyState::Released);
            self.event(InputEvent::Key(event));
        }
    }

    /// Types `text` key by key on the US layout; characters without a key
    /// go through the input-method commit path.
    pub fn type_text(&mut self, text: &str) {
        for character in text.chars() {
            match key_for(character) {
                Some((key, shift)) => {
                    self.key(key, if shift { Modifiers::SHIFT } else { Modifiers::empty() })
                }
                None => {
                    let mut buffer = [0u8; 4];
                    let mut messages = self.ui.commit_text(character.encode_utf8(&mut buffer), self.now);
                    self.messages.append(&mut messages);
                }
            }
        }
    }

    /// Renders damaged regions into the framebuffer; returns them.
    pub fn render(&mut self) -> Vec<PixelRect> {
        let stride = self.width as usize * 4;
        let mut canvas = Canvas::new(&mut self.buffer, self.width, self.height, stride, self.scale)
            .expect("frame buffer fits");
        self.last_damage = self.ui.render(&mut canvas);
        self.last_damage.clone()
    }

    /// Renders the whole current state into a fresh buffer (leaving the
    /// harness framebuffer alone) and returns it.
    pub fn render_fresh(&mut self) -> Vec<u8> {
        let mut fresh = vec![0; self.buffer.len()];
        let stride = self.width as usize * 4;
        let mut canvas =
            Canvas::new(&mut fresh, self.width, self.height, stride, self.scale).expect("frame buffer fits");
        self.ui.render_all(&mut canvas);
        fresh
    }

    /// The framebuffer (premultiplied RGBA8, stride = width × 4).
    pub fn pixels(&self) -> &[u8] {
        &self.buffer
    }

    /// The pixel at physical (`x`, `y`).
    pub fn pixel(&self, x: u32, y: u32) -> [u8; 4] {
        let offset = (y as usize * self.width as usize + x as usize) * 4;
        [self.buffer[offset], self.buffer[offset + 1], self.buffer[offset + 2], self.buffer[offset + 3]]
    }

    /// Damage returned by the last [`Harness::render`].
    pub fn last_damage(&self) -> &[PixelRect] {
        &self.last_damage
    }

    /// Number of pixels in a set of damage rectangles (overlaps counted once).
    pub fn damage_area(rects: &[PixelRect]) -> u64 {
        let mut covered: Vec<PixelRect> = Vec::new();
        let mut area = 0u64;
        for rect in rects {
            // Inclusion–exclusion is overkill here: merged damage does not overlap.
            area += rect.area();
            for earlier in &covered {
                if let Some(overlap) = rect.intersect(earlier) {
                    area -= overlap.area();
                }
            }
            covered.push(*rect);
        }
        area
    }

    /// Switches theme.
    pub fn set_theme(&mut self, theme: Theme) {
        self.ui.set_theme(theme);
    }

    /// Compares the framebuffer with a reference PNG (see
    /// [`crate::assert_matches_reference`]).
    #[cfg(not(target_os = "none"))]
    pub fn assert_matches(&mut self, path: &std::path::Path, tolerance: crate::Tolerance) {
        self.render();
        crate::assert_matches_reference(path, self.width, self.height, &self.buffer, tolerance);
    }
}
