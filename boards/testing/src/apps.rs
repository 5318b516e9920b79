//! Two small toolkit apps for desktop tests, Sketch and Notes: each fills
//! its window with a theme colour, so the pixels say which theme they are
//! in and where the window is.

use weft_app::{App, Context, WindowOptions};
use weft_board_hosted::desktop::{Desktop, DesktopOptions};
use weft_display_hosted::Snapshot;
use weft_ipc::Startup;
use weft_ipc::program::ProgramError;
use weft_manifest::Manifest;
use weft_toolkit::{LayoutStyle, PaintContext, Theme, ThemeKind, Ui, Widget};

use crate::pixels::find_near;

/// Fills its box with the accent (`success` when `alternate`) colour.
struct Swatch {
    alternate: bool,
}

impl Widget<()> for Swatch {
    fn layout_style(&self, _theme: &Theme) -> LayoutStyle {
        LayoutStyle { fill_width: true, fill_height: true, grow: 1.0, ..LayoutStyle::default() }
    }

    fn paint(&mut self, cx: &mut PaintContext<'_, '_>) {
        let rect = cx.rect();
        let palette = &cx.theme().palette;
        let color = if self.alternate { palette.success } else { palette.accent };
        cx.canvas().fill_rect(rect, color);
    }
}

struct SwatchApp {
    alternate: bool,
}

impl App for SwatchApp {
    type Message = ();

    fn build(&mut self, ui: &mut Ui<()>, _context: &mut Context) {
        let root = ui.root();
        ui.adjust_layout(root, |style| style.fill_height = true);
        ui.add(root, Swatch { alternate: self.alternate });
    }

    fn update(&mut self, _ui: &mut Ui<()>, _message: (), _context: &mut Context) {}
}

fn sketch_main(_startup: Startup) -> Result<(), ProgramError> {
    let options = WindowOptions {
        title: "Sketch".into(),
        app_id: "org.weft.test.sketch".into(),
        size: (360, 240),
        min_size: (200, 120),
    };
    weft_app::run(options, SwatchApp { alternate: false })
}

fn notes_main(_startup: Startup) -> Result<(), ProgramError> {
    let options = WindowOptions {
        title: "Notes".into(),
        app_id: "org.weft.test.notes".into(),
        size: (300, 200),
        min_size: (200, 120),
    };
    weft_app::run(options, SwatchApp { alternate: true })
}

/// The Sketch test app (accent-coloured window).
pub fn sketch(bootstrap: u32) -> i32 {
    weft_ipc::program::run(bootstrap, sketch_main)
}

/// The Notes test app (success-coloured window).
pub fn notes(bootstrap: u32) -> i32 {
    weft_ipc::program::run(bootstrap, notes_main)
}

fn app_manifest(name: &str, title: &str, icon: &str, keywords: &str) -> Manifest {
    let text = format!(
        "name = \"{name}\"\nprogram = \"test-{name}\"\nstart = \"on-demand\"\nrestart = \"never\"\n\
         description = \"Test app\"\n\
         [app]\ntitle = \"{title}\"\nicon = \"{icon}\"\ncategory = \"Test\"\nkeywords = [{keywords}]\n\
         [[use]]\nprotocol = \"weft.compositor\"\n[[use]]\nprotocol = \"weft.config\"\n"
    );
    weft_manifest::compile::parse_manifest(&text, name).expect("test manifest")
}

/// Boot the desktop with the two test apps, in `theme`.
pub fn boot_desktop(theme: &'static str) -> Desktop {
    let extra: Vec<(Manifest, weft_kernel_hosted::ProgramMain)> = vec![
        (app_manifest("sketch", "Sketch", "files", "\"draw\", \"paint\""), sketch),
        (app_manifest("notes", "Notes", "info", "\"write\""), notes),
    ];
    Desktop::boot(DesktopOptions { theme, extra, ..DesktopOptions::default() }).expect("the desktop boots")
}

/// A colour of the built-in theme `kind`, as RGB.
pub fn rgb(
    kind: ThemeKind,
    pick: impl Fn(&weft_toolkit::theme::Palette) -> weft_toolkit::theme::Color,
) -> [u8; 3] {
    let color = pick(&Theme::builtin(kind).palette);
    [color.red, color.green, color.blue]
}

/// A window of `width` × `height` content pixels filled with `color`
/// (below the panel, whose task buttons use the accent colour too).
pub fn window_of(snapshot: &Snapshot, color: [u8; 3], width: u32, height: u32) -> Option<(u32, u32)> {
    let ((x0, y0, x1, y1), count) = find_near(snapshot, color, 0, 41)?;
    (x1 - x0 == width && y1 - y0 == height && count == width * height).then_some((x0, y0))
}

/// Bytes the compositor has mapped (client buffers and its own).
pub fn compositor_mapped(desktop: &Desktop) -> u64 {
    let processes = desktop.processes().expect("processes");
    processes.iter().filter(|p| p.name == "compositor").map(|p| p.mapped_bytes).sum()
}
