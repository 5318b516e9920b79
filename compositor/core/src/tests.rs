//! Window management through the core's API, without IPC.

use alloc::boxed::Box;
use alloc::collections::BTreeMap;
use alloc::string::String;
use alloc::vec;
use alloc::vec::Vec;
use weft_compositor_api::shell::{ShellRequest, ShellResponse};
use weft_compositor_api::*;
use weft_input_api::SeatEvent;
use weft_scene::{ImageView, Renderer};
use weft_types::{Button, Key, KeyState};

use crate::*;

#[derive(Default)]
pub(crate) struct Buffers(pub BTreeMap<(ClientId, BufferId), (u32, u32, Vec<u8>)>);

impl ClientBuffers for Buffers {
    fn buffer(&self, client: ClientId, buffer: BufferId) -> Option<ImageView<'_>> {
        let (w, h, bytes) = self.0.get(&(client, buffer))?;
        Some(ImageView { bytes, width: *w, height: *h, stride: w * 4 })
    }
}

pub(crate) struct Rig {
    pub compositor: Compositor,
    pub buffers: Buffers,
    pub renderer: Renderer,
    pub now: u64,
    pub events: Vec<Outgoing>,
}

pub(crate) const APP: ClientId = ClientId(1);
pub(crate) const OTHER: ClientId = ClientId(2);
pub(crate) const SHELL: ClientId = ClientId(3);

impl Rig {
    pub fn new(width: u32, height: u32) -> Rig {
        let output = Output { width, height, scale: 1.0 };
        let mut compositor = Compositor::new(output, Theme::default(), Box::new(NoText));
        compositor.add_client(APP, ClientConfig { name: "app".into(), may_use_layers: false });
        compositor.add_client(OTHER, ClientConfig { name: "other".into(), may_use_layers: false });
        compositor.add_client(SHELL, ClientConfig { name: "shell".into(), may_use_layers: true });
        Rig {
            compositor,
            buffers: Buffers::default(),
            renderer: Renderer::new(width, height),
            now: 0,
            events: Vec::new(),
        }
    }

    pub fn request(&mut self, client: ClientId, request: Request) -> Result<(), ProtocolError> {
        let result = self.compositor.handle_request(client, request);
        self.events.extend(self.compositor.take_outgoing());
        result
    }

    pub fn seat(&mut self, event: SeatEvent) {
        self.now += 16_000_000;
        self.compositor.handle_seat_event(event, self.now);
        self.events.extend(self.compositor.take_outgoing());
    }

    pub fn move_to(&mut self, x: f32, y: f32) {
        let (w, h) = self.compositor.output().logical();
        self.seat(SeatEvent::PointerAbsolute { x: x / w as f32, y: y / h as f32 });
    }

    pub fn click(&mut self, x: f32, y: f32) {
        self.move_to(x, y);
        self.seat(SeatEvent::Button { button: Button::Left, state: KeyState::Pressed });
        self.seat(SeatEvent::Button { button: Button::Left, state: KeyState::Released });
    }

    /// A buffer filled with one colour, registered and presented.
    pub fn show(&mut self, client: ClientId, surface: u32, buffer: u32, w: u32, h: u32, rgba: [u8; 4]) {
        let bytes: Vec<u8> = (0..w * h).flat_map(|_| rgba).collect();
        self.buffers.0.insert((client, BufferId(buffer)), (w, h, bytes));
        self.request(
            client,
            Request::RegisterBuffer { buffer: BufferId(buffer), layout: BufferLayout::packed(w, h) },
        )
        .unwrap();
        self.request(
            client,
            Request::Present { surface: SurfaceId(surface), buffer: Some(BufferId(buffer)), damage: vec![] },
        )
        .unwrap();
    }

    pub fn toplevel(&mut self, client: ClientId, surface: u32, title: &str) {
        self.request(client, Request::CreateSurface { surface: SurfaceId(surface) }).unwrap();
        self.request(
            client,
            Request::SetRole {
                surface: SurfaceId(surface),
                role: Role::Toplevel(ToplevelRole {
                    title: title.into(),
                    app_id: "test".into(),
                    size: Size::new(200, 150),
                    min_size: Size::new(50, 40),
                }),
            },
        )
        .unwrap();
    }

    pub fn render(&mut self) -> weft_scene::Frame {
        let frame = self.compositor.render(&mut self.renderer, &self.buffers);
        self.compositor.frame_done(self.now);
        self.events.extend(self.compositor.take_outgoing());
        frame
    }

    pub fn pixel(&self, x: u32, y: u32) -> [u8; 4] {
        let (w, _) = self.renderer.size();
        let i = ((y * w + x) * 4) as usize;
        let p = self.renderer.pixels();
        [p[i], p[i + 1], p[i + 2], p[i + 3]]
    }

    pub fn take(&mut self) -> Vec<Outgoing> {
        core::mem::take(&mut self.events)
    }

    pub fn geometry(&self, index: usize) -> (i32, i32, Size) {
        let info = &self.compositor.windows()[index];
        self.compositor.stack().geometry(info.id).unwrap()
    }
}

fn has(events: &[Outgoing], wanted: impl Fn(&Outgoing) -> bool) -> bool {
    events.iter().any(wanted)
}

const RED: [u8; 4] = [255, 0, 0, 255];
const BLUE: [u8; 4] = [0, 0, 255, 255];

#[test]
fn a_presented_buffer_appears_inside_a_decorated_window() {
    let mut rig = Rig::new(640, 480);
    rig.toplevel(APP, 1, "Red");
    let events = rig.take();
    assert!(has(
        &events,
        |e| matches!(e, Outgoing::Client(APP, Event::Configure(c)) if c.size == Size::new(200, 150))
    ));
    rig.show(APP, 1, 10, 200, 150, RED);
    rig.render();
    let (x, y, size) = rig.geometry(0);
    assert_eq!(size, Size::new(200, 150));
    assert_eq!(rig.pixel(x as u32 + 5, y as u32 + 5), RED);
    assert_eq!(rig.pixel(x as u32 + 199, y as u32 + 149), RED);
    // The title bar sits right above the content, in the active colour.
    let title = Theme::default().title_active;
    assert_eq!(rig.pixel(x as u32 + 5, y as u32 - 10), [title.r, title.g, title.b, 255]);
    // Outside the window: desktop.
    let desktop = Theme::default().desktop;
    assert_eq!(rig.pixel(2, 2), [desktop.r, desktop.g, desktop.b, 255]);
    let events = rig.take();
    assert!(has(&events, |e| matches!(e, Outgoing::Client(APP, Event::FrameDone { .. }))));
    assert!(has(&events, |e| matches!(
        e,
        Outgoing::Client(APP, Event::Keyboard { event: KeyboardEvent::Enter { .. }, .. })
    )));
}

#[test]
fn client_content_is_clipped_to_its_window() {
    let mut rig = Rig::new(640, 480);
    rig.toplevel(APP, 1, "Big");
    rig.show(APP, 1, 10, 200, 150, RED);
    rig.compositor.handle_shell_request(ShellRequest::Subscribe);
    let id = rig.compositor.windows()[0].id;
    rig.compositor.handle_shell_request(ShellRequest::Maximize { window: id, maximized: true });
    // Client presents a buffer larger than the maximised content area.
    rig.show(APP, 1, 11, 2000, 2000, BLUE);
    rig.render();
    let (x, y, _) = rig.geometry(0);
    let title = Theme::default().title_active;
    assert_eq!(
        rig.pixel(x as u32 + 50, y as u32 - 10),
        [title.r, title.g, title.b, 255],
        "title bar not covered"
    );
}

#[test]
fn dragging_the_title_bar_moves_the_window() {
    let mut rig = Rig::new(640, 480);
    rig.toplevel(APP, 1, "Drag");
    rig.show(APP, 1, 10, 200, 150, RED);
    rig.render();
    let (x, y, _) = rig.geometry(0);
    rig.move_to(x as f32 + 20.0, y as f32 - 15.0);
    rig.seat(SeatEvent::Button { button: Button::Left, state: KeyState::Pressed });
    rig.move_to(x as f32 + 120.0, y as f32 + 45.0);
    rig.seat(SeatEvent::Button { button: Button::Left, state: KeyState::Released });
    let (nx, ny, _) = rig.geometry(0);
    assert_eq!((nx, ny), (x + 100, y + 60));
    let frame = rig.render();
    assert_eq!(rig.pixel(nx as u32 + 1, ny as u32 + 1), RED);
    assert!(frame.stats.damaged_pixels < 640 * 480 / 2);
}

#[test]
fn the_close_button_asks_the_client_and_destroying_releases_buffers() {
    let mut rig = Rig::new(640, 480);
    rig.toplevel(APP, 1, "Close me");
    rig.show(APP, 1, 10, 200, 150, RED);
    rig.render();
    let (x, y, size) = rig.geometry(0);
    rig.take();
    rig.click((x + size.width as i32 - 10) as f32, (y - 15) as f32);
    let events = rig.take();
    assert!(has(&events, |e| matches!(e, Outgoing::Client(APP, Event::Close { surface: SurfaceId(1) }))));
    rig.request(APP, Request::DestroySurface { surface: SurfaceId(1) }).unwrap();
    let events = rig.take();
    assert!(has(&events, |e| matches!(
        e,
        Outgoing::Client(APP, Event::BufferReleased { buffer: BufferId(10) })
    )));
    assert!(rig.compositor.windows().is_empty());
    rig.render();
    let desktop = Theme::default().desktop;
    assert_eq!(rig.pixel(x as u32 + 5, y as u32 + 5), [desktop.r, desktop.g, desktop.b, 255]);
}

#[test]
fn clicking_focuses_and_raises_and_keys_follow_focus() {
    let mut rig = Rig::new(800, 600);
    rig.toplevel(APP, 1, "One");
    rig.show(APP, 1, 10, 200, 150, RED);
    rig.toplevel(OTHER, 1, "Two");
    rig.show(OTHER, 1, 10, 200, 150, BLUE);
    rig.render();
    // The newest window has focus.
    let windows = rig.compositor.windows();
    assert!(windows[1].focused && !windows[0].focused);
    rig.take();
    let key = |rig: &mut Rig| {
        rig.seat(SeatEvent::Key(weft_types::KeyEvent {
            key: Key::A,
            state: KeyState::Pressed,
            modifiers: Default::default(),
            text: "a".into(),
        }));
    };
    key(&mut rig);
    assert!(has(&rig.take(), |e| matches!(
        e,
        Outgoing::Client(OTHER, Event::Keyboard { event: KeyboardEvent::Key(_), .. })
    )));
    // Click the visible part of the first window.
    let (x, y, _) = rig.geometry(0);
    rig.click(x as f32 + 5.0, y as f32 + 5.0);
    let events = rig.take();
    assert!(has(&events, |e| matches!(
        e,
        Outgoing::Client(APP, Event::Pointer { event: PointerEvent::Button { .. }, .. })
    )));
    assert!(has(&events, |e| matches!(
        e,
        Outgoing::Client(OTHER, Event::Keyboard { event: KeyboardEvent::Leave, .. })
    )));
    let windows = rig.compositor.windows();
    assert_eq!(windows[1].title, "One", "raised to the top");
    key(&mut rig);
    assert!(has(&rig.take(), |e| matches!(
        e,
        Outgoing::Client(APP, Event::Keyboard { event: KeyboardEvent::Key(_), .. })
    )));
}

#[test]
fn pointer_events_are_in_surface_coordinates_with_enter_and_leave() {
    let mut rig = Rig::new(640, 480);
    rig.toplevel(APP, 1, "Pointer");
    rig.show(APP, 1, 10, 200, 150, RED);
    let (x, y, _) = rig.geometry(0);
    rig.take();
    rig.move_to(x as f32 + 10.0, y as f32 + 20.0);
    let events = rig.take();
    assert!(has(
        &events,
        |e| matches!(e, Outgoing::Client(APP, Event::Pointer { event: PointerEvent::Enter { x, y }, .. }) if *x == 10.0 && *y == 20.0)
    ));
    rig.move_to(x as f32 + 300.0, y as f32 + 20.0);
    assert!(has(&rig.take(), |e| matches!(
        e,
        Outgoing::Client(APP, Event::Pointer { event: PointerEvent::Leave, .. })
    )));
}

#[test]
fn layers_need_the_grant_and_panels_shrink_the_work_area() {
    let mut rig = Rig::new(800, 600);
    rig.request(APP, Request::CreateSurface { surface: SurfaceId(5) }).unwrap();
    let panel = LayerRole {
        layer: Layer::Top,
        anchor: Anchor::TOP | Anchor::LEFT | Anchor::RIGHT,
        size: Size::new(0, 32),
        exclusive_zone: 32,
        margin: 0,
        keyboard: KeyboardInteractivity::None,
    };
    assert_eq!(
        rig.request(APP, Request::SetRole { surface: SurfaceId(5), role: Role::Layer(panel.clone()) }),
        Err(ProtocolError::NotPermitted)
    );
    rig.request(SHELL, Request::CreateSurface { surface: SurfaceId(1) }).unwrap();
    rig.request(SHELL, Request::SetRole { surface: SurfaceId(1), role: Role::Layer(panel) }).unwrap();
    assert!(has(
        &rig.take(),
        |e| matches!(e, Outgoing::Client(SHELL, Event::Configure(c)) if c.size == Size::new(800, 32))
    ));
    rig.show(SHELL, 1, 1, 800, 32, BLUE);
    rig.toplevel(APP, 1, "Max");
    rig.show(APP, 1, 10, 200, 150, RED);
    rig.request(APP, Request::Window { surface: SurfaceId(1), action: WindowAction::Maximize }).unwrap();
    let (x, y, size) = rig.geometry(0);
    let theme = Theme::default();
    assert_eq!(y, 32 + (theme.title_height + theme.border_width) as i32);
    assert_eq!(x, theme.border_width as i32);
    assert_eq!(size.height, 600 - 32 - theme.title_height - 2 * theme.border_width);
    assert!(has(
        &rig.take(),
        |e| matches!(e, Outgoing::Client(APP, Event::Configure(c)) if c.states.contains(WindowStates::MAXIMIZED) && c.size == size)
    ));
    rig.render();
    // The panel is above windows.
    assert_eq!(rig.pixel(400, 10), BLUE);
}

#[test]
fn alt_tab_goes_to_the_shell_and_is_not_seen_by_apps() {
    let mut rig = Rig::new(640, 480);
    rig.toplevel(APP, 1, "A");
    rig.show(APP, 1, 10, 100, 100, RED);
    let response = rig.compositor.handle_shell_request(ShellRequest::Subscribe);
    assert!(matches!(response, Some(ShellResponse::Windows(w)) if w.len() == 1));
    rig.take();
    let key = |key: Key, state: KeyState, modifiers: Modifiers| {
        SeatEvent::Key(weft_types::KeyEvent { key, state, modifiers, text: String::new() })
    };
    rig.seat(key(Key::LEFT_ALT, KeyState::Pressed, Modifiers::ALT));
    rig.seat(key(Key::TAB, KeyState::Pressed, Modifiers::ALT));
    rig.seat(key(Key::TAB, KeyState::Released, Modifiers::ALT));
    rig.seat(key(Key::LEFT_ALT, KeyState::Released, Modifiers::empty()));
    let events = rig.take();
    use weft_compositor_api::shell::{ShellEvent, Shortcut};
    assert!(has(&events, |e| *e == Outgoing::Shell(ShellEvent::Shortcut(Shortcut::SwitchNext))));
    assert!(has(&events, |e| *e == Outgoing::Shell(ShellEvent::Shortcut(Shortcut::SwitchCommit))));
    assert!(!has(
        &events,
        |e| matches!(e, Outgoing::Client(_, Event::Keyboard { event: KeyboardEvent::Key(k), .. }) if k.key == Key::TAB)
    ));
}

#[test]
fn protocol_violations_are_errors() {
    let mut rig = Rig::new(320, 240);
    assert_eq!(
        rig.request(APP, Request::Present { surface: SurfaceId(9), buffer: None, damage: vec![] }),
        Err(ProtocolError::UnknownSurface(SurfaceId(9)))
    );
    rig.toplevel(APP, 1, "x");
    assert_eq!(
        rig.request(
            APP,
            Request::Present { surface: SurfaceId(1), buffer: Some(BufferId(4)), damage: vec![] }
        ),
        Err(ProtocolError::UnknownBuffer(BufferId(4)))
    );
    assert_eq!(
        rig.request(APP, Request::SetRole { surface: SurfaceId(1), role: Role::Cursor }),
        Err(ProtocolError::BadRole)
    );
    assert_eq!(
        rig.request(APP, Request::RegisterBuffer { buffer: BufferId(1), layout: BufferLayout::packed(0, 5) }),
        Err(ProtocolError::BadBufferLayout)
    );
    assert_eq!(
        rig.request(APP, Request::CreateSurface { surface: SurfaceId(1) }),
        Err(ProtocolError::DuplicateId)
    );
    // Another client's surface is not ours to touch.
    assert_eq!(
        rig.request(OTHER, Request::SetTitle { surface: SurfaceId(1), title: "pwned".into() }),
        Err(ProtocolError::UnknownSurface(SurfaceId(1)))
    );
}

#[test]
fn removing_a_client_removes_its_windows_and_keeps_others() {
    let mut rig = Rig::new(640, 480);
    rig.toplevel(APP, 1, "A");
    rig.show(APP, 1, 10, 100, 100, RED);
    rig.toplevel(OTHER, 1, "B");
    rig.show(OTHER, 1, 10, 100, 100, BLUE);
    let buffers = rig.compositor.remove_client(OTHER);
    assert_eq!(buffers, vec![BufferId(10)]);
    let windows = rig.compositor.windows();
    assert_eq!(windows.len(), 1);
    assert!(windows[0].focused);
}

#[test]
fn resizing_from_an_edge_configures_within_the_minimum() {
    let mut rig = Rig::new(800, 600);
    rig.toplevel(APP, 1, "Resize");
    rig.show(APP, 1, 10, 200, 150, RED);
    let (x, y, size) = rig.geometry(0);
    rig.take();
    let right = x as f32 + size.width as f32 + 2.0;
    rig.move_to(right, y as f32 + 50.0);
    rig.seat(SeatEvent::Button { button: Button::Left, state: KeyState::Pressed });
    rig.move_to(right + 60.0, y as f32 + 50.0);
    rig.move_to(right - 500.0, y as f32 + 50.0);
    rig.seat(SeatEvent::Button { button: Button::Left, state: KeyState::Released });
    let sizes: Vec<Size> = rig
        .take()
        .iter()
        .filter_map(|e| match e {
            Outgoing::Client(APP, Event::Configure(c)) => Some(c.size),
            _ => None,
        })
        .collect();
    assert!(sizes.contains(&Size::new(260, 150)), "{sizes:?}");
    assert!(sizes.contains(&Size::new(50, 150)), "clamped to the minimum width: {sizes:?}");
}

#[test]
fn cursor_motion_damages_only_around_the_cursor() {
    let mut rig = Rig::new(1280, 800);
    rig.toplevel(APP, 1, "A");
    rig.show(APP, 1, 10, 400, 300, RED);
    rig.render();
    rig.move_to(700.0, 600.0);
    rig.render();
    rig.move_to(705.0, 603.0);
    let frame = rig.render();
    assert!(frame.stats.damaged_pixels < 2 * 30 * 30, "{:?}", frame.stats);
}

#[test]
fn touch_goes_to_the_surface_it_went_down_on_and_moves_title_bars() {
    let mut rig = Rig::new(640, 480);
    rig.toplevel(APP, 1, "Touch");
    rig.show(APP, 1, 10, 200, 150, RED);
    let (x, y, _) = rig.geometry(0);
    rig.take();
    let at = |px: f32, py: f32| (px / 640.0, py / 480.0);
    let (tx, ty) = at(x as f32 + 10.0, y as f32 + 10.0);
    rig.seat(SeatEvent::Touch { id: 7, phase: weft_input_api::TouchPhase::Down, x: tx, y: ty });
    let (mx, my) = at(x as f32 + 400.0, y as f32 + 10.0);
    rig.seat(SeatEvent::Touch { id: 7, phase: weft_input_api::TouchPhase::Motion, x: mx, y: my });
    rig.seat(SeatEvent::Touch { id: 7, phase: weft_input_api::TouchPhase::Up, x: mx, y: my });
    let events = rig.take();
    assert!(has(
        &events,
        |e| matches!(e, Outgoing::Client(APP, Event::Touch { event: TouchEvent::Down { id: 7, x, y }, .. }) if *x == 10.0 && *y == 10.0)
    ));
    assert!(
        has(&events, |e| matches!(
            e,
            Outgoing::Client(APP, Event::Touch { event: TouchEvent::Motion { id: 7, .. }, .. })
        )),
        "motion follows the finger outside the window"
    );
    assert!(has(&events, |e| matches!(
        e,
        Outgoing::Client(APP, Event::Touch { event: TouchEvent::Up { id: 7 }, .. })
    )));
    // A finger on the title bar drags the window.
    let (tx, ty) = at(x as f32 + 20.0, y as f32 - 15.0);
    rig.seat(SeatEvent::Touch { id: 1, phase: weft_input_api::TouchPhase::Down, x: tx, y: ty });
    let (mx, my) = at(x as f32 + 70.0, y as f32 + 15.0);
    rig.seat(SeatEvent::Touch { id: 1, phase: weft_input_api::TouchPhase::Motion, x: mx, y: my });
    rig.seat(SeatEvent::Touch { id: 1, phase: weft_input_api::TouchPhase::Up, x: mx, y: my });
    let (nx, ny, _) = rig.geometry(0);
    assert_eq!((nx, ny), (x + 50, y + 30));
}

#[test]
fn popups_sit_above_their_parent_and_a_click_outside_dismisses_them() {
    let mut rig = Rig::new(640, 480);
    rig.toplevel(APP, 1, "Menu");
    rig.show(APP, 1, 10, 200, 150, RED);
    let (x, y, _) = rig.geometry(0);
    rig.request(APP, Request::CreateSurface { surface: SurfaceId(2) }).unwrap();
    rig.request(
        APP,
        Request::SetRole {
            surface: SurfaceId(2),
            role: Role::Popup(PopupRole { parent: SurfaceId(1), position: Point::new(150, 100), grab: true }),
        },
    )
    .unwrap();
    rig.show(APP, 2, 11, 120, 80, BLUE);
    rig.render();
    // The popup may extend past its parent: it is not clipped to it.
    assert_eq!(rig.pixel((x + 150 + 100) as u32, (y + 100 + 10) as u32), BLUE);
    rig.take();
    // Keys go to the grabbing popup.
    rig.seat(SeatEvent::Key(weft_types::KeyEvent {
        key: Key::DOWN,
        state: KeyState::Pressed,
        modifiers: Default::default(),
        text: String::new(),
    }));
    assert!(has(&rig.take(), |e| matches!(
        e,
        Outgoing::Client(APP, Event::Keyboard { surface: SurfaceId(2), event: KeyboardEvent::Key(_) })
    )));
    rig.click(600.0, 400.0);
    let events = rig.take();
    assert!(has(&events, |e| matches!(e, Outgoing::Client(APP, Event::PopupDone { surface: SurfaceId(2) }))));
    assert!(has(&events, |e| matches!(
        e,
        Outgoing::Client(APP, Event::BufferReleased { buffer: BufferId(11) })
    )));
}

#[test]
fn minimise_hides_and_the_shell_restores() {
    let mut rig = Rig::new(640, 480);
    rig.compositor.handle_shell_request(ShellRequest::Subscribe);
    rig.toplevel(APP, 1, "Min");
    rig.show(APP, 1, 10, 200, 150, RED);
    rig.render();
    let (x, y, size) = rig.geometry(0);
    rig.take();
    // The minimise button is the third from the right.
    rig.click((x + size.width as i32 - 100) as f32, (y - 15) as f32);
    let info = &rig.compositor.windows()[0];
    assert!(info.minimized && !info.focused);
    assert!(has(
        &rig.take(),
        |e| matches!(e, Outgoing::Client(APP, Event::Configure(c)) if c.states.contains(WindowStates::SUSPENDED))
    ));
    rig.render();
    let desktop = Theme::default().desktop;
    assert_eq!(rig.pixel(x as u32 + 5, y as u32 + 5), [desktop.r, desktop.g, desktop.b, 255]);
    rig.compositor.handle_shell_request(ShellRequest::Activate { window: info.id });
    let info = &rig.compositor.windows()[0];
    assert!(!info.minimized && info.focused);
    rig.render();
    assert_eq!(rig.pixel(x as u32 + 5, y as u32 + 5), RED);
}

#[test]
fn an_exclusive_layer_takes_the_keyboard_from_windows() {
    let mut rig = Rig::new(640, 480);
    rig.toplevel(APP, 1, "App");
    rig.show(APP, 1, 10, 200, 150, RED);
    rig.request(SHELL, Request::CreateSurface { surface: SurfaceId(9) }).unwrap();
    rig.request(
        SHELL,
        Request::SetRole {
            surface: SurfaceId(9),
            role: Role::Layer(LayerRole {
                layer: Layer::Overlay,
                anchor: Anchor::all(),
                size: Size::default(),
                exclusive_zone: 0,
                margin: 0,
                keyboard: KeyboardInteractivity::Exclusive,
            }),
        },
    )
    .unwrap();
    rig.show(SHELL, 9, 1, 640, 480, BLUE);
    rig.take();
    rig.seat(SeatEvent::Key(weft_types::KeyEvent {
        key: Key::A,
        state: KeyState::Pressed,
        modifiers: Default::default(),
        text: "a".into(),
    }));
    let events = rig.take();
    assert!(has(&events, |e| matches!(
        e,
        Outgoing::Client(SHELL, Event::Keyboard { event: KeyboardEvent::Key(_), .. })
    )));
    assert!(!has(&events, |e| matches!(
        e,
        Outgoing::Client(APP, Event::Keyboard { event: KeyboardEvent::Key(_), .. })
    )));
    // Clicking through to the window area hits the lock screen, not the app.
    let (x, y, _) = rig.geometry(0);
    rig.click(x as f32 + 5.0, y as f32 + 5.0);
    assert!(!has(&rig.take(), |e| matches!(e, Outgoing::Client(APP, Event::Pointer { .. }))));
}

#[test]
fn a_buffer_shown_on_two_surfaces_is_released_only_when_neither_shows_it() {
    let mut rig = Rig::new(640, 480);
    rig.toplevel(APP, 1, "One");
    rig.toplevel(APP, 2, "Two");
    rig.show(APP, 1, 10, 100, 100, RED);
    rig.request(APP, Request::Present { surface: SurfaceId(2), buffer: Some(BufferId(10)), damage: vec![] })
        .unwrap();
    rig.take();
    rig.show(APP, 1, 11, 100, 100, BLUE);
    assert!(
        !has(&rig.take(), |e| matches!(e, Outgoing::Client(APP, Event::BufferReleased { .. }))),
        "still on surface 2"
    );
    rig.request(APP, Request::Present { surface: SurfaceId(2), buffer: None, damage: vec![] }).unwrap();
    assert!(has(&rig.take(), |e| matches!(
        e,
        Outgoing::Client(APP, Event::BufferReleased { buffer: BufferId(10) })
    )));
}
