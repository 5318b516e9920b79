//! A terminal session: the emulator, the widget showing it and the shell
//! behind it, independent of the window system (tests drive it headless).

use alloc::vec::Vec;

use weft_opsh::{Host, Shell};
use weft_toolkit::prelude::*;
use weft_toolkit::widgets::{Menu, MenuItem};
use weft_vt::input::encode_paste;
use weft_vt::{TerminalHandle, TerminalView};

/// What the window's widgets report.
#[derive(Clone, Debug, PartialEq)]
pub enum Message {
    /// Bytes typed or pasted.
    Input(Vec<u8>),
    /// A secondary click asked for the context menu here.
    ContextMenu(Point),
    /// Copy the selection.
    Copy,
    /// Paste the clipboard.
    Paste,
    /// Clear the screen.
    Clear,
}

/// The terminal, its view and the shell.
pub struct Session<H: Host> {
    terminal: TerminalHandle,
    shell: Shell<H>,
    view: Option<WidgetId>,
}

impl<H: Host> Session<H> {
    /// A session with the shell over `host`.
    pub fn new(host: H) -> Session<H> {
        Session { terminal: TerminalHandle::new(), shell: Shell::new(host), view: None }
    }

    /// The emulator.
    pub fn terminal(&self) -> &TerminalHandle {
        &self.terminal
    }

    /// The shell.
    pub fn shell(&self) -> &Shell<H> {
        &self.shell
    }

    /// The shell, to change.
    pub fn shell_mut(&mut self) -> &mut Shell<H> {
        &mut self.shell
    }

    /// The terminal widget.
    pub fn view(&self) -> Option<WidgetId> {
        self.view
    }

    /// Builds the window: one terminal filling it, focused, showing the
    /// shell's greeting.
    pub fn build(&mut self, ui: &mut Ui<Message>) {
        let root = ui.root();
        let view = ui.add(
            root,
            TerminalView::new(&self.terminal).on_input(Message::Input).on_context_menu(Message::ContextMenu),
        );
        ui.set_focus(Some(view));
        // Lay out now so the shell learns the real width before printing.
        let _ = ui.rect(view);
        self.view = Some(view);
        self.sync_width();
        let greeting = self.shell.start();
        self.print(ui, greeting.as_bytes());
    }

    fn sync_width(&mut self) {
        let (columns, _) = self.terminal.size();
        self.shell.set_width(columns);
    }

    fn print(&mut self, ui: &mut Ui<Message>, bytes: &[u8]) {
        if bytes.is_empty() {
            return;
        }
        self.terminal.feed(bytes);
        self.terminal.damage(ui);
    }

    /// Handles a message from the widgets.
    pub fn update(&mut self, ui: &mut Ui<Message>, message: Message) {
        match message {
            Message::Input(bytes) => self.input(ui, &bytes),
            Message::ContextMenu(at) => {
                let has_selection = self.terminal.selected_text().is_some();
                let mut items = Vec::new();
                if has_selection {
                    items.push(MenuItem::new("Copy", Message::Copy));
                }
                items.push(MenuItem::new("Paste", Message::Paste));
                items.push(MenuItem::new("Clear", Message::Clear));
                ui.show_popup(Menu::new(items), at);
            }
            Message::Copy => {
                if let Some(text) = self.terminal.selected_text() {
                    ui.set_clipboard(text);
                }
            }
            Message::Paste => {
                let text = alloc::string::String::from(ui.clipboard());
                let modes = self.terminal.terminal().screen().modes();
                self.input(ui, &encode_paste(&text, modes));
            }
            Message::Clear => self.input(ui, &[0x0c]),
        }
    }

    /// Sends bytes to the shell and shows what it prints.
    pub fn input(&mut self, ui: &mut Ui<Message>, bytes: &[u8]) {
        self.sync_width();
        let output = self.shell.feed(bytes);
        self.print(ui, output.as_bytes());
    }

    /// Shows what a running command printed since the last call.
    pub fn poll(&mut self, ui: &mut Ui<Message>) {
        let output = self.shell.poll();
        self.print(ui, output.as_bytes());
    }

    /// Whether the shell has exited (the window should close).
    pub fn has_exited(&self) -> bool {
        self.shell.has_exited()
    }
}
