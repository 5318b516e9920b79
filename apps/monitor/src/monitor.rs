//! The monitor: samples the system every second and shows it. Independent
//! of the window system, so tests drive it headless.

use alloc::format;
use alloc::string::String;
use alloc::vec;
use alloc::vec::Vec;
use core::cmp::Ordering;

use weft_app_support::format::{bytes, clock, percent};
use weft_app_support::status::StatusSource;
use weft_app_support::tree::compare_names;
use weft_toolkit::prelude::*;
use weft_toolkit::widgets::{Column, DataRow, Navigation, TableHeader};

use crate::graph::{Graph, GraphColor};
use crate::sampler::{ProcessSample, Sample, Sampler};

/// Samples kept in the graphs: one minute at one per second.
pub const HISTORY: usize = 60;
/// Rows on a page for Page Up and Page Down.
const PAGE_ROWS: usize = 10;

/// What the window's widgets report.
#[derive(Clone, Debug, PartialEq)]
pub enum Message {
    /// A column header was clicked.
    Sort(usize),
    /// A row was clicked.
    Select(usize),
    /// A navigation key on a row.
    Navigate(Navigation),
}

/// The process table's columns, in order.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Field {
    /// Process name.
    Name,
    /// Kernel object id.
    Koid,
    /// Running, exited, …
    State,
    /// Live threads.
    Threads,
    /// Handles held.
    Handles,
    /// Bytes mapped.
    Memory,
    /// CPU use over the last second.
    Cpu,
}

const FIELDS: [Field; 7] =
    [Field::Name, Field::Koid, Field::State, Field::Threads, Field::Handles, Field::Memory, Field::Cpu];

fn columns() -> Vec<Column> {
    vec![
        Column::fill("Name"),
        Column::number("PID", 56.0),
        Column::text("State", 72.0),
        Column::number("Threads", 60.0),
        Column::number("Handles", 62.0),
        Column::number("Memory", 76.0),
        Column::number("CPU", 60.0),
    ]
}

fn cells(process: &ProcessSample) -> Vec<String> {
    let info = &process.info;
    vec![
        info.name.clone(),
        format!("{}", info.koid),
        info.state.clone(),
        format!("{}", info.threads),
        format!("{}", info.handles),
        bytes(info.mapped_bytes),
        process.cpu.map_or(String::from("—"), percent),
    ]
}

fn compare(a: &ProcessSample, b: &ProcessSample, field: Field) -> Ordering {
    let cpu = |process: &ProcessSample| process.cpu.unwrap_or(-1.0);
    match field {
        Field::Name => compare_names(&a.info.name, &b.info.name),
        Field::Koid => a.info.koid.cmp(&b.info.koid),
        Field::State => a.info.state.cmp(&b.info.state),
        Field::Threads => a.info.threads.cmp(&b.info.threads),
        Field::Handles => a.info.handles.cmp(&b.info.handles),
        Field::Memory => a.info.mapped_bytes.cmp(&b.info.mapped_bytes),
        Field::Cpu => cpu(a).partial_cmp(&cpu(b)).unwrap_or(Ordering::Equal),
    }
}

struct Ids {
    cpu_value: WidgetId,
    cpu_graph: WidgetId,
    memory_value: WidgetId,
    memory_caption: WidgetId,
    memory_graph: WidgetId,
    uptime: WidgetId,
    processes: WidgetId,
    threads: WidgetId,
    services: WidgetId,
    count: WidgetId,
    error: WidgetId,
    header: WidgetId,
    list: WidgetId,
}

/// The monitor over a status source.
pub struct Monitor<S: StatusSource> {
    source: S,
    sampler: Sampler,
    processes: Vec<ProcessSample>,
    sort: (Field, bool),
    selected: Option<u64>,
    rows: Vec<WidgetId>,
    ids: Option<Ids>,
    samples: u64,
}

fn card(ui: &mut Ui<Message>, parent: WidgetId) -> WidgetId {
    ui.add(parent, Container::column().gap(6.0).padding(14.0).card())
}

fn card_title(ui: &mut Ui<Message>, card: WidgetId, title: &str) -> WidgetId {
    let row = ui.add(card, Container::row().gap(8.0));
    ui.add(row, Label::new(title).role(TextRole::Strong).grow(1.0));
    ui.add(row, Label::new("—").role(TextRole::Title))
}

/// A row of the System card: a name on the left, its value on the right.
fn figure(ui: &mut Ui<Message>, figures: WidgetId, name: &str) -> WidgetId {
    let row = ui.add(figures, Container::row().gap(8.0));
    ui.add(row, Label::new(name).muted().grow(1.0));
    ui.add(row, Label::new("—").role(TextRole::Strong))
}

impl<S: StatusSource> Monitor<S> {
    /// A monitor reading `source`; sorted by CPU use, busiest first.
    pub fn new(source: S) -> Monitor<S> {
        Monitor {
            source,
            sampler: Sampler::new(),
            processes: Vec::new(),
            sort: (Field::Cpu, false),
            selected: None,
            rows: Vec::new(),
            ids: None,
            samples: 0,
        }
    }

    /// The status source.
    pub fn source_mut(&mut self) -> &mut S {
        &mut self.source
    }

    /// The processes in table order.
    pub fn processes(&self) -> &[ProcessSample] {
        &self.processes
    }

    /// The table's row widgets, in order.
    pub fn rows(&self) -> &[WidgetId] {
        &self.rows
    }

    /// The selected process.
    pub fn selected(&self) -> Option<u64> {
        self.selected
    }

    /// The CPU graph widget.
    pub fn cpu_graph(&self) -> Option<WidgetId> {
        self.ids.as_ref().map(|ids| ids.cpu_graph)
    }

    /// The memory graph widget.
    pub fn memory_graph(&self) -> Option<WidgetId> {
        self.ids.as_ref().map(|ids| ids.memory_graph)
    }

    /// Samples taken so far.
    pub fn samples(&self) -> u64 {
        self.samples
    }

    /// Builds the window's widgets.
    pub fn build(&mut self, ui: &mut Ui<Message>) {
        let root = ui.root();
        let page = ui.add(root, Container::column().gap(12.0).padding(16.0).grow(1.0).min_height(0.0));
        let summary = ui.add(page, Container::grid(3).gap(12.0));

        let cpu = card(ui, summary);
        let cpu_value = card_title(ui, cpu, "CPU");
        let cpu_graph = ui.add(cpu, Graph::new("CPU", HISTORY, GraphColor::Accent).ceiling(100.0));
        ui.add(cpu, Label::new("All processes, share of one core").role(TextRole::Small).muted().ellipsis());

        let memory = card(ui, summary);
        let memory_value = card_title(ui, memory, "Memory");
        let memory_graph = ui.add(memory, Graph::new("Memory", HISTORY, GraphColor::Success));
        let memory_caption =
            ui.add(memory, Label::new("In memory objects").role(TextRole::Small).muted().ellipsis());

        let system = card(ui, summary);
        ui.add(system, Label::new("System").role(TextRole::Strong));
        let figures = ui.add(system, Container::column().gap(6.0));
        ui.adjust_layout(figures, |style| style.padding.top = 4.0);
        let uptime = figure(ui, figures, "Uptime");
        let processes = figure(ui, figures, "Processes");
        let threads = figure(ui, figures, "Threads");
        let services = figure(ui, figures, "Services");

        let table = ui.add(page, Container::column().card().padding(8.0).grow(1.0).min_height(0.0));
        let title = ui.add(table, Container::row().gap(8.0).padding_insets(Insets::symmetric(6.0, 12.0)));
        ui.add(title, Label::new("Processes").role(TextRole::Title));
        let count = ui.add(title, Label::new("").muted().grow(1.0));
        let error = ui.add(table, Label::new("").color(ColorRole::Danger));
        ui.adjust_layout(error, |style| style.padding = Insets::symmetric(4.0, 12.0));
        ui.set_hidden(error, true);
        let header = ui.add(table, TableHeader::new(&columns()).on_sort(Message::Sort));
        let list = ui.add(table, ScrollView::new().gap(2.0));
        ui.adjust_layout(list, |style| style.padding.top = 4.0);
        self.ids = Some(Ids {
            cpu_value,
            cpu_graph,
            memory_value,
            memory_caption,
            memory_graph,
            uptime,
            processes,
            threads,
            services,
            count,
            error,
            header,
            list,
        });
        self.show_sort(ui);
    }

    /// Takes a sample and shows it (the app calls this every second).
    pub fn tick(&mut self, ui: &mut Ui<Message>) {
        let Some(ids) = &self.ids else { return };
        let error = ids.error;
        let snapshot = self.source.system().and_then(|system| Ok((system, self.source.processes()?)));
        let (system, processes) = match snapshot {
            Ok(snapshot) => snapshot,
            Err(problem) => {
                ui.update::<Label, _>(error, |label| {
                    label.set_text(format!("Cannot read the system: {problem}"))
                });
                ui.set_hidden(error, false);
                return;
            }
        };
        ui.set_hidden(error, true);
        let sample = self.sampler.sample(system, processes);
        self.samples += 1;
        self.show_summary(ui, &sample);
        self.processes = sample.processes;
        self.sort_processes();
        self.show_rows(ui);
    }

    fn show_summary(&mut self, ui: &mut Ui<Message>, sample: &Sample) {
        let Some(ids) = &self.ids else { return };
        let system = &sample.system;
        if let Some(cpu) = sample.cpu {
            ui.update::<Graph, _>(ids.cpu_graph, |graph| graph.push(cpu));
            ui.update::<Label, _>(ids.cpu_value, |label| label.set_text(percent(cpu)));
        }
        let used = system.memory_used as f32;
        let total = system.memory_total;
        ui.update::<Graph, _>(ids.memory_graph, |graph| {
            graph.set_ceiling((total > 0).then_some(total as f32));
            graph.push(used);
        });
        ui.update::<Label, _>(ids.memory_value, |label| label.set_text(bytes(system.memory_used)));
        let caption = if total > 0 {
            format!("In use of {} · {}", bytes(total), percent(used * 100.0 / total as f32))
        } else {
            String::from("In memory objects")
        };
        ui.update::<Label, _>(ids.memory_caption, |label| label.set_text(caption));
        ui.update::<Label, _>(ids.uptime, |label| label.set_text(clock(system.uptime)));
        ui.update::<Label, _>(ids.processes, |label| label.set_text(format!("{}", system.processes)));
        ui.update::<Label, _>(ids.threads, |label| label.set_text(format!("{}", system.threads)));
        let services = format!("{} of {}", system.services_running, system.services_total);
        ui.update::<Label, _>(ids.services, |label| label.set_text(services));
        let count = match sample.processes.len() {
            1 => String::from("1 running"),
            count => format!("{count} running"),
        };
        ui.update::<Label, _>(ids.count, |label| label.set_text(count));
    }

    fn sort_processes(&mut self) {
        let (field, ascending) = self.sort;
        self.processes.sort_by(|a, b| {
            let order = compare(a, b, field).then_with(|| a.info.koid.cmp(&b.info.koid));
            if ascending { order } else { order.reverse() }
        });
    }

    /// Updates the rows in place, adding or removing as the count changes.
    fn show_rows(&mut self, ui: &mut Ui<Message>) {
        let Some(ids) = &self.ids else { return };
        let list = ids.list;
        let columns = columns();
        while self.rows.len() > self.processes.len() {
            if let Some(row) = self.rows.pop() {
                ui.remove(row);
            }
        }
        for (index, process) in self.processes.iter().enumerate() {
            let selected = Some(process.info.koid) == self.selected;
            match self.rows.get(index) {
                Some(row) => {
                    let fresh = cells(process);
                    ui.update::<DataRow<Message>, _>(*row, |row| {
                        if row.cells() != fresh.as_slice() {
                            row.set_cells(fresh);
                        }
                        row.set_selected(selected);
                    });
                }
                None => {
                    let row = ui.add(
                        list,
                        DataRow::new(&columns, cells(process))
                            .icon("monitor")
                            .muted_from(1)
                            .selected(selected)
                            .on_select(Message::Select(index))
                            .on_activate(Message::Select(index))
                            .on_navigate(Message::Navigate),
                    );
                    self.rows.push(row);
                }
            }
        }
    }

    fn show_sort(&mut self, ui: &mut Ui<Message>) {
        let Some(ids) = &self.ids else { return };
        let column = FIELDS.iter().position(|field| *field == self.sort.0);
        let ascending = self.sort.1;
        ui.update::<TableHeader<Message>, _>(ids.header, |header| {
            header.set_sort(column.map(|c| (c, ascending)))
        });
    }

    /// Handles a message from the widgets.
    pub fn update(&mut self, ui: &mut Ui<Message>, message: Message) {
        match message {
            Message::Sort(column) => {
                let field = FIELDS.get(column).copied().unwrap_or(Field::Name);
                // Names and ids read best ascending, figures biggest first.
                let natural = matches!(field, Field::Name | Field::Koid | Field::State);
                self.sort = if self.sort.0 == field { (field, !self.sort.1) } else { (field, natural) };
                self.sort_processes();
                self.show_sort(ui);
                self.show_rows(ui);
            }
            Message::Select(index) => self.select(ui, index, false),
            Message::Navigate(navigation) => {
                let count = self.processes.len();
                if count == 0 {
                    return;
                }
                let current =
                    self.selected.and_then(|koid| self.processes.iter().position(|p| p.info.koid == koid));
                let target = match navigation {
                    Navigation::Previous => current.map_or(0, |index| index.saturating_sub(1)),
                    Navigation::Next => current.map_or(0, |index| (index + 1).min(count - 1)),
                    Navigation::PageUp => current.map_or(0, |index| index.saturating_sub(PAGE_ROWS)),
                    Navigation::PageDown => current.map_or(0, |index| (index + PAGE_ROWS).min(count - 1)),
                    Navigation::First => 0,
                    Navigation::Last => count - 1,
                    Navigation::Parent | Navigation::Back | Navigation::Forward => return,
                };
                self.select(ui, target, true);
            }
        }
    }

    fn select(&mut self, ui: &mut Ui<Message>, index: usize, focus: bool) {
        let Some(process) = self.processes.get(index) else { return };
        self.selected = Some(process.info.koid);
        self.show_rows(ui);
        if focus && let Some(row) = self.rows.get(index) {
            ui.set_focus(Some(*row));
            ui.reveal(*row);
        }
    }
}
