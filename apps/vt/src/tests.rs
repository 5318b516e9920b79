//! Emulator behaviour, byte stream in, screen out.

use alloc::string::String;
use alloc::vec::Vec;

use crate::{Attributes, Color, Granularity, Position, Selection, Terminal};

fn run(columns: usize, rows: usize, bytes: &[u8]) -> Terminal {
    let mut terminal = Terminal::new(columns, rows);
    terminal.feed(bytes);
    terminal
}

fn lines(terminal: &Terminal) -> Vec<String> {
    terminal.screen().lines()
}

#[test]
fn text_wraps_and_scrolls_into_the_history() {
    let terminal = run(5, 2, b"helloworld\r\nok");
    assert_eq!(lines(&terminal), ["world", "ok"]);
    let screen = terminal.screen();
    assert_eq!(screen.history(), 1);
    assert_eq!(screen.line(0).unwrap().text(), "hello");
    assert!(screen.line(0).unwrap().wrapped);
    assert_eq!((screen.cursor().row, screen.cursor().column), (1, 2));
}

#[test]
fn colours_and_attributes_land_in_cells() {
    let terminal = run(20, 2, b"\x1b[1;31mred\x1b[0m \x1b[38;5;120mx\x1b[48;2;1;2;3my\x1b[7mz\x1b[m.");
    let screen = terminal.screen();
    let cell = |column| *screen.cell(0, column).unwrap();
    assert_eq!(cell(0).character, 'r');
    assert_eq!(cell(0).style.foreground, Color::Indexed(1));
    assert!(cell(0).style.attributes.contains(Attributes::BOLD));
    assert_eq!(cell(3).style.foreground, Color::Default);
    assert_eq!(cell(4).style.foreground, Color::Indexed(120));
    assert_eq!(cell(5).style.background, Color::Rgb(1, 2, 3));
    assert!(cell(6).style.attributes.contains(Attributes::INVERSE));
    assert_eq!(cell(7).style, Default::default());
}

#[test]
fn cursor_motion_and_erasing() {
    let mut terminal = run(10, 3, b"abcdefghij\r\n0123456789\r\nxyz");
    terminal.feed(b"\x1b[2;4H\x1b[K");
    assert_eq!(lines(&terminal)[1], "012");
    terminal.feed(b"\x1b[1;1H\x1b[2P");
    assert_eq!(lines(&terminal)[0], "cdefghij");
    terminal.feed(b"\x1b[3@");
    assert_eq!(lines(&terminal)[0], "   cdefghi");
    terminal.feed(b"\x1b[3;2H\x1b[1K");
    assert_eq!(lines(&terminal)[2], "  z");
    terminal.feed(b"\x1b[2J");
    assert!(lines(&terminal).iter().all(String::is_empty));
    terminal.feed(b"\x1b[5;50H!");
    assert_eq!(lines(&terminal)[2], "         !", "motion is clamped to the screen");
}

#[test]
fn scroll_regions_and_line_insertion() {
    let mut terminal = run(4, 4, b"a\r\nb\r\nc\r\nd");
    terminal.feed(b"\x1b[2;3r\x1b[3;1H\n");
    assert_eq!(lines(&terminal), ["a", "c", "", "d"]);
    assert_eq!(terminal.screen().history(), 0, "a partial region never feeds the history");
    terminal.feed(b"\x1b[r\x1b[2;1H\x1b[L");
    assert_eq!(lines(&terminal), ["a", "", "c", ""]);
    terminal.feed(b"\x1b[1;1H\x1b[2M");
    assert_eq!(lines(&terminal), ["c", "", "", ""]);
    terminal.feed(b"\x1bM");
    assert_eq!(lines(&terminal), ["", "c", "", ""]);
}

#[test]
fn alternate_screen_keeps_the_primary_intact() {
    let mut terminal = run(6, 2, b"shell$");
    terminal.feed(b"\x1b[?1049h\x1b[Hfull");
    assert!(terminal.screen().is_alternate());
    assert_eq!(lines(&terminal), ["full", ""]);
    terminal.feed(b"\x1b[?1049l");
    assert_eq!(lines(&terminal), ["shell$", ""]);
    assert_eq!(terminal.screen().cursor().column, 5);
}

#[test]
fn reports_tabs_titles_and_line_drawing() {
    let mut terminal = run(20, 2, b"a\tb\x1b[6n\x1b]0;My title\x07\x1b(0lqk\x1b(B");
    assert_eq!(lines(&terminal)[0], "a       b┌─┐");
    assert_eq!(terminal.screen_mut().take_replies(), b"\x1b[1;10R");
    assert_eq!(terminal.screen().title(), Some("My title"));
}

#[test]
fn resizing_keeps_the_cursor_and_returns_history() {
    let mut terminal = run(10, 4, b"1\r\n2\r\n3\r\n4");
    terminal.screen_mut().resize(10, 2);
    assert_eq!(lines(&terminal), ["3", "4"]);
    assert_eq!(terminal.screen().history(), 2);
    terminal.screen_mut().resize(5, 4);
    assert_eq!(lines(&terminal), ["1", "2", "3", "4"]);
    assert_eq!(terminal.screen().cursor().row, 3);
    assert!(terminal.screen().row(0).unwrap().cells.len() == 5);
}

#[test]
fn scrollback_is_bounded_and_line_ids_stay_stable() {
    let mut terminal = Terminal::new(8, 2);
    terminal.screen_mut().set_scrollback_limit(3);
    for line in 0..10 {
        terminal.feed(alloc::format!("line {line}\r\n").as_bytes());
    }
    let screen = terminal.screen();
    assert_eq!(screen.history(), 3);
    assert_eq!(screen.first_line_id(), 6);
    assert_eq!(screen.line(6).unwrap().text(), "line 6");
    assert!(screen.line(5).is_none());
}

#[test]
fn selections_copy_words_lines_and_wrapped_text() {
    let terminal = run(10, 3, b"echo hello\r\nwrapped-lo\x1b[1mng\x1b[m");
    let screen = terminal.screen();
    let at = |line, column| Position { line, column };
    let mut word = Selection::new(at(0, 7), Granularity::Word);
    assert_eq!(word.text(screen), "hello");
    word.extend(at(0, 1));
    assert_eq!(word.text(screen), "echo hello");
    let lines = Selection::new(at(1, 3), Granularity::Line);
    assert_eq!(lines.text(screen), "wrapped-lo");
    let mut across = Selection::new(at(1, 8), Granularity::Cell);
    across.extend(at(2, 1));
    assert_eq!(across.text(screen), "long", "a wrapped line copies without a line break");
    assert!(Selection::new(at(0, 0), Granularity::Cell).is_empty());
}
