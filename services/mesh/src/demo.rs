//! `stream-demo`: a small native Weft app to stream.
//!
//! It draws with `weft_wlstream::synthetic` (text-like glyphs, a file
//! list), so figures measured on real compositor surfaces compare with the
//! synthetic ones. Modes (argument `mode`):
//! - `text`: a page of text with a prompt line that echoes typed keys
//!   (Backspace erases) — one glyph of damage per key;
//! - `list`: a file list that scrolls by `scroll` pixels (default 100) per
//!   Down key, Space or wheel step;
//! - `pages`: every key shows a whole new page of text.
//!
//! Other arguments: `title`, `app_id`, `width`/`height` (the size it asks
//! for), `marker = "RRGGBB"` (a one-pixel frame of that colour around its
//! content, so tests can find it on screen), `animate = "true"` (a counter that
//! changes every frame), `start_after_ms` (wait that long before opening the
//! window, so tests can order windows). It follows configures, redraws only what it must
//! (buffer age via `Frame::repaint`) and logs what it receives as
//! `<title>: key <text>`, `<title>: configure <w>x<h>`, `<title>: click at
//! <x>,<y>`, `<title>: touch at <x>,<y>`, `<title>: presented <w>x<h>`.

#[allow(unused_imports, reason = "std's prelude has these on a host")]
use crate::prelude::*;
use weft_compositor_api::client::{Display, Window, WindowEvent};
use weft_compositor_api::{KeyboardEvent, PointerEvent, Rect, Size, ToplevelRole, TouchEvent};
use weft_ipc::Startup;
use weft_ipc::program::ProgramError;
use weft_rt::Deadline;
use weft_types::{Key, KeyState};
use weft_wlstream::SurfaceRect;
use weft_wlstream::synthetic::{Canvas, GLYPH_HEIGHT, GLYPH_WIDTH, list_area, list_screen, text_page};

/// The program's entry point.
pub fn entry(bootstrap: u32) -> i32 {
    weft_ipc::program::run(bootstrap, main)
}

const BACKGROUND: [u8; 4] = [250, 250, 248, 255];
const INK: [u8; 4] = [30, 32, 36, 255];
const PROMPT: [u8; 4] = [40, 110, 220, 255];

/// What the demo shows.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Mode {
    /// Text with an echoing prompt line.
    Text,
    /// A scrolling list.
    List,
    /// A new page per key.
    Pages,
}

/// The demo's picture and state, independent of buffers.
#[derive(Clone, Debug)]
pub struct Demo {
    mode: Mode,
    canvas: Canvas,
    typed: Vec<u8>,
    offset: u32,
    page: u64,
    scroll: u32,
    marker: Option<[u8; 4]>,
    counter: u32,
    /// What changed since the last present (buffer pixels); `None`: all.
    damage: Option<Vec<SurfaceRect>>,
}

impl Demo {
    /// A demo of `mode` at `width` × `height`.
    pub fn new(mode: Mode, width: u32, height: u32, marker: Option<[u8; 4]>, scroll: u32) -> Demo {
        let mut demo = Demo {
            mode,
            canvas: Canvas::new(1, 1, BACKGROUND),
            typed: Vec::new(),
            offset: 0,
            page: 1,
            scroll,
            marker,
            counter: 0,
            damage: None,
        };
        demo.resize(width, height);
        demo
    }

    /// The current picture.
    pub fn canvas(&self) -> &Canvas {
        &self.canvas
    }

    /// Redraw everything at a new size.
    pub fn resize(&mut self, width: u32, height: u32) {
        self.canvas = match self.mode {
            Mode::Text => text_page(width, height, 1),
            Mode::List => list_screen(width, height, self.offset),
            Mode::Pages => text_page(width, height, self.page),
        };
        if self.mode == Mode::Text {
            self.draw_prompt();
        }
        self.draw_marker();
        self.damage = None;
    }

    fn note(&mut self, rect: SurfaceRect) {
        if let Some(rects) = &mut self.damage {
            rects.push(rect);
        }
    }

    fn prompt_columns(&self) -> u32 {
        (self.canvas.width / GLYPH_WIDTH).saturating_sub(4)
    }

    /// The prompt line: "> " then the typed text and a caret.
    fn draw_prompt(&mut self) {
        let (width, top) = (self.canvas.width, GLYPH_HEIGHT);
        self.canvas.fill(SurfaceRect::new(1, top, width.saturating_sub(2), GLYPH_HEIGHT), BACKGROUND);
        self.canvas.text(i64::from(GLYPH_WIDTH), i64::from(top), b">", PROMPT);
        let typed = self.typed.clone();
        self.canvas.text(i64::from(GLYPH_WIDTH * 3), i64::from(top), &typed, INK);
        let caret = GLYPH_WIDTH * (3 + typed.len() as u32);
        self.canvas.fill(SurfaceRect::new(caret, top, 2, GLYPH_HEIGHT), INK);
    }

    fn draw_marker(&mut self) {
        let Some(color) = self.marker else {
            return;
        };
        let (width, height) = (self.canvas.width, self.canvas.height);
        for edge in [
            SurfaceRect::new(0, 0, width, 1),
            SurfaceRect::new(0, height.saturating_sub(1), width, 1),
            SurfaceRect::new(0, 0, 1, height),
            SurfaceRect::new(width.saturating_sub(1), 0, 1, height),
        ] {
            self.canvas.fill(edge, color);
        }
    }

    /// Whether there is something to present.
    pub fn dirty(&self) -> bool {
        self.damage.as_ref().is_none_or(|rects| !rects.is_empty())
    }

    /// A key was pressed (or repeated).
    pub fn key(&mut self, key: Key, text: &str) {
        match self.mode {
            Mode::Text => {
                let before = self.typed.len() as u32;
                if key == Key::BACKSPACE {
                    self.typed.pop();
                } else if key == Key::ENTER {
                    self.typed.clear();
                } else {
                    self.typed.extend(text.bytes().filter(|byte| byte.is_ascii_graphic() || *byte == b' '));
                }
                if self.typed.len() as u32 > self.prompt_columns() {
                    self.typed.clear();
                }
                let after = self.typed.len() as u32;
                self.draw_prompt();
                // The cells that changed, and the caret's old and new place.
                let first = before.min(after);
                let last = before.max(after) + 1;
                let x = GLYPH_WIDTH * (3 + first);
                let width = GLYPH_WIDTH * (last - first) + 2;
                self.note(SurfaceRect::new(x, GLYPH_HEIGHT, width, GLYPH_HEIGHT));
                if key == Key::ENTER || after == 0 {
                    self.note(SurfaceRect::new(
                        1,
                        GLYPH_HEIGHT,
                        self.canvas.width.saturating_sub(2),
                        GLYPH_HEIGHT,
                    ));
                }
            }
            Mode::List => {
                if matches!(key, Key::DOWN | Key::SPACE | Key::J) {
                    self.scroll_by(self.scroll);
                }
            }
            Mode::Pages => {
                self.page += 1;
                self.canvas = text_page(self.canvas.width, self.canvas.height, self.page);
                self.draw_marker();
                self.note(SurfaceRect::full(self.canvas.width, self.canvas.height));
            }
        }
    }

    /// Scroll the list by `pixels`.
    pub fn scroll_by(&mut self, pixels: u32) {
        if self.mode != Mode::List {
            return;
        }
        self.offset += pixels;
        self.canvas = list_screen(self.canvas.width, self.canvas.height, self.offset);
        self.draw_marker();
        self.note(list_area(self.canvas.width, self.canvas.height));
    }

    /// One animation step: a counter in the bottom-right corner.
    pub fn tick(&mut self) {
        self.counter = self.counter.wrapping_add(1);
        let (width, height) = (self.canvas.width, self.canvas.height);
        let digits = format!("{:06}", self.counter % 1_000_000);
        let cell = SurfaceRect::new(
            width.saturating_sub(GLYPH_WIDTH * 8),
            height.saturating_sub(GLYPH_HEIGHT + 4),
            GLYPH_WIDTH * 6,
            GLYPH_HEIGHT,
        );
        self.canvas.fill(cell, BACKGROUND);
        self.canvas.text(i64::from(cell.x), i64::from(cell.y), digits.as_bytes(), INK);
        self.note(cell);
    }

    /// Copy what `buffer` lacks (`repaint`) and what changed into it;
    /// returns the damage to present (empty: everything).
    pub fn paint(&mut self, buffer: &mut [u8], repaint: &[Rect]) -> Vec<Rect> {
        let damage: Vec<Rect> = match self.damage.take() {
            Some(rects) => rects.iter().map(|r| Rect::from(*r)).collect(),
            None => Vec::new(),
        };
        let full = Rect::new(0, 0, self.canvas.width, self.canvas.height);
        let everything = [full];
        let copies = if damage.is_empty() { &everything[..] } else { &damage[..] };
        for rect in repaint.iter().chain(copies) {
            let Some(rect) = rect.intersect(&full) else {
                continue;
            };
            let stride = self.canvas.width as usize * 4;
            for row in rect.y as usize..rect.y as usize + rect.height as usize {
                let start = row * stride + rect.x as usize * 4;
                let end = start + rect.width as usize * 4;
                if let (Some(to), Some(from)) =
                    (buffer.get_mut(start..end), self.canvas.pixels.get(start..end))
                {
                    to.copy_from_slice(from);
                }
            }
        }
        self.damage = Some(Vec::new());
        damage
    }
}

fn mode(startup: &Startup) -> Result<Mode, ProgramError> {
    match startup.arg("mode").unwrap_or("text") {
        "text" => Ok(Mode::Text),
        "list" => Ok(Mode::List),
        "pages" => Ok(Mode::Pages),
        other => Err(ProgramError(format!("unknown mode {other:?} (text, list or pages)"))),
    }
}

fn number(startup: &Startup, key: &str, default: u32) -> Result<u32, ProgramError> {
    match startup.arg(key) {
        None => Ok(default),
        Some(text) => {
            text.parse().map_err(|_| ProgramError(format!("argument {key}: not a number: {text:?}")))
        }
    }
}

/// Show the demo window until it is closed.
pub fn main(startup: Startup) -> Result<(), ProgramError> {
    let title = startup.arg("title").unwrap_or("Stream demo").to_string();
    let app_id = startup.arg("app_id").unwrap_or("stream-demo").to_string();
    let (width, height) = (number(&startup, "width", 480)?, number(&startup, "height", 320)?);
    let marker = match startup.arg("marker") {
        None => None,
        Some(hex) => {
            let value = u32::from_str_radix(hex, 16)
                .map_err(|_| ProgramError(format!("argument marker: not a colour: {hex:?}")))?;
            Some([(value >> 16) as u8, (value >> 8) as u8, value as u8, 255])
        }
    };
    let animate = startup.arg("animate") == Some("true");
    let delay = number(&startup, "start_after_ms", 0)?;
    if delay > 0 {
        weft_rt::sleep(core::time::Duration::from_millis(u64::from(delay)));
    }
    let mut demo = Demo::new(mode(&startup)?, width, height, marker, number(&startup, "scroll", 100)?);
    let mut display = Display::connect()?;
    let role = ToplevelRole {
        title: title.clone(),
        app_id,
        size: Size::new(width, height),
        min_size: Size::new(64, 48),
    };
    let mut window = Window::toplevel(&mut display, role)?;
    loop {
        let event = display.next_event(Deadline::INFINITE)?;
        match window.handle(&mut display, &event)? {
            Some(WindowEvent::Configure(configure)) => {
                weft_rt::info!("{title}: configure {}x{}", configure.size.width, configure.size.height);
            }
            Some(WindowEvent::Close) => {
                window.destroy(&display)?;
                return Ok(());
            }
            Some(WindowEvent::Keyboard(KeyboardEvent::Key(key))) if key.state != KeyState::Released => {
                weft_rt::info!("{title}: key {}", key.text);
                demo.key(key.key, &key.text);
            }
            Some(WindowEvent::Pointer(PointerEvent::Button { state: KeyState::Pressed, x, y, .. })) => {
                weft_rt::info!("{title}: click at {x},{y}");
            }
            Some(WindowEvent::Pointer(PointerEvent::Scroll { dy, .. })) if dy > 0.0 => {
                demo.scroll_by(demo.scroll);
            }
            Some(WindowEvent::Touch(TouchEvent::Down { x, y, .. })) => {
                weft_rt::info!("{title}: touch at {x},{y}");
            }
            Some(WindowEvent::FrameDone) if animate => demo.tick(),
            _ => {}
        }
        let wanted = window.buffer_size();
        let resized = wanted != Size::new(demo.canvas().width, demo.canvas().height) && !wanted.is_empty();
        if window.can_draw()
            && (demo.dirty() || resized)
            && let Some(mut frame) = window.frame(&mut display)?
        {
            let size = frame.size();
            if size != Size::new(demo.canvas().width, demo.canvas().height) {
                demo.resize(size.width, size.height);
            }
            let repaint = frame.repaint();
            let damage = demo.paint(frame.pixels_mut(), &repaint);
            frame.present(&display, &damage)?;
            weft_rt::info!("{title}: presented {}x{}", size.width, size.height);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn typing_damages_only_the_changed_cells() {
        let mut demo = Demo::new(Mode::Text, 320, 200, Some([255, 0, 0, 255]), 100);
        let mut buffer = vec![0u8; 320 * 200 * 4];
        let all = demo.paint(&mut buffer, &[Rect::new(0, 0, 320, 200)]);
        assert!(all.is_empty(), "the first present is whole");
        assert_eq!(buffer, demo.canvas().pixels);
        demo.key(Key::H, "h");
        let damage = demo.paint(&mut buffer, &[]);
        assert_eq!(damage.len(), 1);
        assert!(damage[0].width <= GLYPH_WIDTH * 2 + 2 && damage[0].height == GLYPH_HEIGHT);
        assert_eq!(buffer, demo.canvas().pixels, "the damage covers every change");
        assert_eq!(&demo.canvas().pixels[..4], &[255, 0, 0, 255]);
        assert!(!demo.dirty());
    }

    #[test]
    fn lists_scroll_and_pages_turn() {
        let mut list = Demo::new(Mode::List, 400, 300, None, 100);
        let mut buffer = vec![0u8; 400 * 300 * 4];
        list.paint(&mut buffer, &[Rect::new(0, 0, 400, 300)]);
        list.key(Key::DOWN, "");
        assert_eq!(list.canvas(), &list_screen(400, 300, 100));
        let damage = list.paint(&mut buffer, &[]);
        assert_eq!(buffer, list.canvas().pixels);
        assert_eq!(damage.len(), 1);
        let mut pages = Demo::new(Mode::Pages, 200, 100, None, 100);
        pages.key(Key::A, "a");
        assert_eq!(pages.canvas(), &text_page(200, 100, 2));
    }
}
