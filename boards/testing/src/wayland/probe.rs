//! A small Wayland client (wayland-client) that shows one solid-colour
//! xdg toplevel and records what the server tells it: configures, the
//! decoration mode, keyboard and pointer events, frame callbacks, close.
//! It can also misbehave on purpose.

use std::fs::File;
use std::os::fd::AsFd;
use std::os::unix::fs::FileExt;
use std::os::unix::net::UnixStream;
use std::path::Path;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use wayland_client::globals::{GlobalListContents, registry_queue_init};
use wayland_client::protocol::{
    wl_buffer, wl_callback, wl_compositor, wl_keyboard, wl_pointer, wl_registry, wl_seat, wl_shm,
    wl_shm_pool, wl_surface,
};
use wayland_client::{Connection, Dispatch, QueueHandle, WEnum, delegate_noop};
use wayland_protocols::xdg::decoration::zv1::client::{
    zxdg_decoration_manager_v1, zxdg_toplevel_decoration_v1,
};
use wayland_protocols::xdg::shell::client::{xdg_surface, xdg_toplevel, xdg_wm_base};

/// What the probe should do wrong, if anything.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Misbehave {
    /// Nothing: a well-behaved client.
    No,
    /// Attach and commit a buffer before acknowledging any configure.
    EarlyBuffer,
    /// Shrink the pool's file to nothing before committing the buffer.
    ShrunkPool,
}

/// Everything the server told the probe.
#[derive(Debug, Default)]
pub struct Record {
    /// xdg_toplevel.configure sizes and states.
    pub configures: Vec<((i32, i32), Vec<u32>)>,
    /// The decoration mode the server chose.
    pub decoration: Option<zxdg_toplevel_decoration_v1::Mode>,
    /// wl_keyboard.enter count.
    pub keyboard_enters: usize,
    /// wl_keyboard.leave count.
    pub keyboard_leaves: usize,
    /// wl_keyboard.key: evdev code and whether pressed.
    pub keys: Vec<(u32, bool)>,
    /// wl_keyboard.modifiers: depressed masks.
    pub modifiers: Vec<u32>,
    /// wl_keyboard.keymap size in bytes.
    pub keymap_bytes: u32,
    /// wl_pointer.enter positions.
    pub pointer_enters: Vec<(f64, f64)>,
    /// wl_pointer.button: evdev code, pressed, at the last position.
    pub buttons: Vec<(u32, bool, (f64, f64))>,
    /// wl_pointer.axis values (vertical).
    pub scrolls: Vec<f64>,
    /// Frame callbacks that fired.
    pub frames: usize,
    /// xdg_toplevel.close arrived.
    pub closed: bool,
    /// Buffer size last drawn.
    pub drawn: Option<(i32, i32)>,
    /// The connection ended with this error.
    pub error: Option<String>,
}

/// A running probe.
pub struct Probe {
    /// What it recorded so far.
    pub record: Arc<Mutex<Record>>,
    thread: Option<JoinHandle<()>>,
}

impl Probe {
    /// Connect to `socket` and show a `width`×`height` window of colour
    /// `argb` titled `title`.
    pub fn start(socket: &Path, title: &str, argb: u32, size: (i32, i32), misbehave: Misbehave) -> Probe {
        let stream = UnixStream::connect(socket).expect("connect to the Wayland socket");
        let record = Arc::new(Mutex::new(Record::default()));
        let shared = Arc::clone(&record);
        let title = title.to_string();
        let thread = std::thread::spawn(move || run(stream, shared, &title, argb, size, misbehave));
        Probe { record, thread: Some(thread) }
    }

    /// Wait until `test` holds for the record.
    pub fn wait(&self, timeout: Duration, test: impl Fn(&Record) -> bool) -> bool {
        let end = Instant::now() + timeout;
        while Instant::now() < end {
            if test(&self.record.lock().unwrap()) {
                return true;
            }
            std::thread::sleep(Duration::from_millis(10));
        }
        test(&self.record.lock().unwrap())
    }

    /// Whether the client's thread has ended (closed or disconnected).
    pub fn ended(&self) -> bool {
        self.thread.as_ref().is_none_or(|thread| thread.is_finished())
    }
}

struct State {
    record: Arc<Mutex<Record>>,
    compositor: wl_compositor::WlCompositor,
    shm: wl_shm::WlShm,
    surface: wl_surface::WlSurface,
    xdg_surface: Option<xdg_surface::XdgSurface>,
    toplevel: Option<xdg_toplevel::XdgToplevel>,
    pending_size: (i32, i32),
    default_size: (i32, i32),
    argb: u32,
    misbehave: Misbehave,
    pointer_at: (f64, f64),
    running: bool,
}

fn run(
    stream: UnixStream,
    record: Arc<Mutex<Record>>,
    title: &str,
    argb: u32,
    size: (i32, i32),
    misbehave: Misbehave,
) {
    let connection = Connection::from_socket(stream).expect("wayland connection");
    let (globals, mut queue) = registry_queue_init::<State>(&connection).expect("registry");
    let qh = queue.handle();
    let compositor: wl_compositor::WlCompositor = globals.bind(&qh, 4..=6, ()).expect("wl_compositor");
    let shm: wl_shm::WlShm = globals.bind(&qh, 1..=1, ()).expect("wl_shm");
    let wm_base: xdg_wm_base::XdgWmBase = globals.bind(&qh, 1..=6, ()).expect("xdg_wm_base");
    let seat: wl_seat::WlSeat = globals.bind(&qh, 1..=7, ()).expect("wl_seat");
    let decorations: zxdg_decoration_manager_v1::ZxdgDecorationManagerV1 =
        globals.bind(&qh, 1..=1, ()).expect("zxdg_decoration_manager_v1");
    let surface = compositor.create_surface(&qh, ());
    let mut state = State {
        record: Arc::clone(&record),
        compositor,
        shm,
        surface: surface.clone(),
        xdg_surface: None,
        toplevel: None,
        pending_size: (0, 0),
        default_size: size,
        argb,
        misbehave,
        pointer_at: (0.0, 0.0),
        running: true,
    };
    let xdg_surface = wm_base.get_xdg_surface(&surface, &qh, ());
    let toplevel = xdg_surface.get_toplevel(&qh, ());
    toplevel.set_title(title.into());
    toplevel.set_app_id("org.weft.probe".into());
    let decoration = decorations.get_toplevel_decoration(&toplevel, &qh, ());
    // Ask for client-side: Weft must insist on drawing them itself.
    decoration.set_mode(zxdg_toplevel_decoration_v1::Mode::ClientSide);
    let _ = seat;
    state.xdg_surface = Some(xdg_surface);
    state.toplevel = Some(toplevel);
    if misbehave == Misbehave::EarlyBuffer {
        state.draw(&qh, size);
    } else {
        surface.commit();
    }
    while state.running {
        if let Err(error) = queue.blocking_dispatch(&mut state) {
            record.lock().unwrap().error = Some(error.to_string());
            return;
        }
    }
}

impl State {
    /// Attach a fresh buffer of the probe's colour and commit, asking for
    /// a frame callback.
    fn draw(&mut self, qh: &QueueHandle<State>, (width, height): (i32, i32)) {
        let stride = width * 4;
        let bytes = (stride * height) as usize;
        static NEXT: AtomicU64 = AtomicU64::new(0);
        let path = std::env::temp_dir().join(format!(
            "weft-probe-{}-{}",
            std::process::id(),
            NEXT.fetch_add(1, Ordering::Relaxed)
        ));
        let file = File::options().read(true).write(true).create_new(true).open(&path).expect("pool file");
        let _ = std::fs::remove_file(&path);
        let pixels: Vec<u8> = self.argb.to_le_bytes().repeat(width as usize * height as usize);
        file.write_all_at(&pixels, 0).expect("fill pool");
        let pool = self.shm.create_pool(file.as_fd(), bytes as i32, qh, ());
        let buffer = pool.create_buffer(0, width, height, stride, wl_shm::Format::Argb8888, qh, ());
        pool.destroy();
        if self.misbehave == Misbehave::ShrunkPool {
            file.set_len(0).expect("truncate pool");
        }
        self.surface.attach(Some(&buffer), 0, 0);
        self.surface.damage_buffer(0, 0, width, height);
        self.surface.frame(qh, ());
        self.surface.commit();
        self.record.lock().unwrap().drawn = Some((width, height));
        let _ = &self.compositor;
    }
}

impl Dispatch<wl_registry::WlRegistry, GlobalListContents> for State {
    fn event(
        _: &mut State,
        _: &wl_registry::WlRegistry,
        _: wl_registry::Event,
        _: &GlobalListContents,
        _: &Connection,
        _: &QueueHandle<State>,
    ) {
    }
}

delegate_noop!(State: wl_compositor::WlCompositor);
delegate_noop!(State: ignore wl_surface::WlSurface);
delegate_noop!(State: ignore wl_shm::WlShm);
delegate_noop!(State: wl_shm_pool::WlShmPool);
delegate_noop!(State: ignore wl_buffer::WlBuffer);
delegate_noop!(State: zxdg_decoration_manager_v1::ZxdgDecorationManagerV1);

impl Dispatch<xdg_wm_base::XdgWmBase, ()> for State {
    fn event(
        _: &mut State,
        base: &xdg_wm_base::XdgWmBase,
        event: xdg_wm_base::Event,
        _: &(),
        _: &Connection,
        _: &QueueHandle<State>,
    ) {
        if let xdg_wm_base::Event::Ping { serial } = event {
            base.pong(serial);
        }
    }
}

impl Dispatch<xdg_surface::XdgSurface, ()> for State {
    fn event(
        state: &mut State,
        surface: &xdg_surface::XdgSurface,
        event: xdg_surface::Event,
        _: &(),
        _: &Connection,
        qh: &QueueHandle<State>,
    ) {
        if let xdg_surface::Event::Configure { serial } = event {
            surface.ack_configure(serial);
            let size = match state.pending_size {
                (0, _) | (_, 0) => state.default_size,
                size => size,
            };
            let drawn = state.record.lock().unwrap().drawn;
            if drawn != Some(size) {
                state.draw(qh, size);
            } else {
                state.surface.commit();
            }
        }
    }
}

impl Dispatch<xdg_toplevel::XdgToplevel, ()> for State {
    fn event(
        state: &mut State,
        _: &xdg_toplevel::XdgToplevel,
        event: xdg_toplevel::Event,
        _: &(),
        _: &Connection,
        _: &QueueHandle<State>,
    ) {
        match event {
            xdg_toplevel::Event::Configure { width, height, states } => {
                state.pending_size = (width, height);
                let states =
                    states.chunks_exact(4).map(|c| u32::from_ne_bytes([c[0], c[1], c[2], c[3]])).collect();
                state.record.lock().unwrap().configures.push(((width, height), states));
            }
            xdg_toplevel::Event::Close => {
                state.record.lock().unwrap().closed = true;
                if let Some(toplevel) = state.toplevel.take() {
                    toplevel.destroy();
                }
                if let Some(surface) = state.xdg_surface.take() {
                    surface.destroy();
                }
                state.surface.destroy();
                state.running = false;
            }
            _ => {}
        }
    }
}

impl Dispatch<zxdg_toplevel_decoration_v1::ZxdgToplevelDecorationV1, ()> for State {
    fn event(
        state: &mut State,
        _: &zxdg_toplevel_decoration_v1::ZxdgToplevelDecorationV1,
        event: zxdg_toplevel_decoration_v1::Event,
        _: &(),
        _: &Connection,
        _: &QueueHandle<State>,
    ) {
        if let zxdg_toplevel_decoration_v1::Event::Configure { mode: WEnum::Value(mode) } = event {
            state.record.lock().unwrap().decoration = Some(mode);
        }
    }
}

impl Dispatch<wl_callback::WlCallback, ()> for State {
    fn event(
        state: &mut State,
        _: &wl_callback::WlCallback,
        event: wl_callback::Event,
        _: &(),
        _: &Connection,
        _: &QueueHandle<State>,
    ) {
        if let wl_callback::Event::Done { .. } = event {
            state.record.lock().unwrap().frames += 1;
        }
    }
}

impl Dispatch<wl_seat::WlSeat, ()> for State {
    fn event(
        _: &mut State,
        seat: &wl_seat::WlSeat,
        event: wl_seat::Event,
        _: &(),
        _: &Connection,
        qh: &QueueHandle<State>,
    ) {
        if let wl_seat::Event::Capabilities { capabilities: WEnum::Value(capabilities) } = event {
            if capabilities.contains(wl_seat::Capability::Keyboard) {
                seat.get_keyboard(qh, ());
            }
            if capabilities.contains(wl_seat::Capability::Pointer) {
                seat.get_pointer(qh, ());
            }
        }
    }
}

impl Dispatch<wl_keyboard::WlKeyboard, ()> for State {
    fn event(
        state: &mut State,
        _: &wl_keyboard::WlKeyboard,
        event: wl_keyboard::Event,
        _: &(),
        _: &Connection,
        _: &QueueHandle<State>,
    ) {
        let mut record = state.record.lock().unwrap();
        match event {
            wl_keyboard::Event::Keymap { size, .. } => record.keymap_bytes = size,
            wl_keyboard::Event::Enter { .. } => record.keyboard_enters += 1,
            wl_keyboard::Event::Leave { .. } => record.keyboard_leaves += 1,
            wl_keyboard::Event::Key { key, state: key_state, .. } => {
                record.keys.push((key, key_state == WEnum::Value(wl_keyboard::KeyState::Pressed)));
            }
            wl_keyboard::Event::Modifiers { mods_depressed, .. } => record.modifiers.push(mods_depressed),
            _ => {}
        }
    }
}

impl Dispatch<wl_pointer::WlPointer, ()> for State {
    fn event(
        state: &mut State,
        _: &wl_pointer::WlPointer,
        event: wl_pointer::Event,
        _: &(),
        _: &Connection,
        _: &QueueHandle<State>,
    ) {
        match event {
            wl_pointer::Event::Enter { surface_x, surface_y, .. } => {
                state.pointer_at = (surface_x, surface_y);
                state.record.lock().unwrap().pointer_enters.push((surface_x, surface_y));
            }
            wl_pointer::Event::Motion { surface_x, surface_y, .. } => {
                state.pointer_at = (surface_x, surface_y)
            }
            wl_pointer::Event::Button { button, state: button_state, .. } => {
                let pressed = button_state == WEnum::Value(wl_pointer::ButtonState::Pressed);
                let at = state.pointer_at;
                state.record.lock().unwrap().buttons.push((button, pressed, at));
            }
            wl_pointer::Event::Axis {
                axis: WEnum::Value(wl_pointer::Axis::VerticalScroll), value, ..
            } => {
                state.record.lock().unwrap().scrolls.push(value);
            }
            _ => {}
        }
    }
}
