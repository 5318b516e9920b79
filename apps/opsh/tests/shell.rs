//! The operator shell against a stand-in host: what a person typing at
//! it sees.

use std::string::String;
use std::vec::Vec;

use weft_app_support::FileTree;
use weft_log_api::{Entry, Filter};
use weft_opsh::{Host, HostError, LogPage, Shell};
use weft_status_api::{ProcessInfo, ServiceState, ServiceStatus, SystemInfo};

const SECOND: u64 = 1_000_000_000;

struct FakeHost {
    files: FileTree,
    manage: bool,
    restarted: Vec<String>,
    log: Vec<Entry>,
    following: Option<Filter>,
    pending: Vec<Entry>,
}

fn entry(sequence: u64, level: u8, source: &str, message: &str) -> Entry {
    Entry {
        sequence,
        time: sequence * SECOND,
        level,
        source: source.into(),
        principal: 16,
        koid: 3,
        target: source.into(),
        message: message.into(),
    }
}

fn service(name: &str, state: ServiceState, restarts: u32) -> ServiceStatus {
    ServiceStatus {
        name: name.into(),
        description: format!("The {name} service"),
        state,
        koid: 10,
        principal: 17,
        restarts,
        started_at: SECOND,
        last_exit: None,
        detail: String::new(),
    }
}

impl FakeHost {
    fn new() -> FakeHost {
        FakeHost {
            files: FileTree::new(vec![
                ("README.md".into(), b"# Weft\nA capability OS.\n".to_vec()),
                ("docs/abi.md".into(), b"system calls".to_vec()),
                ("docs/protocols.md".into(), b"protocols".to_vec()),
                ("images/logo.bin".into(), vec![0, 1, 2, 255]),
            ]),
            manage: false,
            restarted: Vec::new(),
            log: vec![
                entry(1, 3, "root", "boot bundle `hosted`: 4 services"),
                entry(2, 2, "config", "no persisted settings"),
                entry(3, 1, "status", "lost a client"),
                entry(4, 4, "log", "store at 1%"),
                entry(5, 3, "config", "serving weft.config"),
            ],
            following: None,
            pending: Vec::new(),
        }
    }
}

impl Host for FakeHost {
    fn files(&self) -> &FileTree {
        &self.files
    }

    fn now(&self) -> u64 {
        186 * SECOND
    }

    fn processes(&mut self) -> Result<Vec<ProcessInfo>, HostError> {
        let process = |koid, name: &str| ProcessInfo {
            koid,
            name: name.into(),
            principal: 16,
            state: "running".into(),
            threads: 2,
            handles: 12,
            mapped_bytes: 3 * 1024 * 1024,
            cpu_time: 1_250_000_000,
            created_at: 0,
        };
        Ok(vec![process(9, "config"), process(4, "root"), process(7, "log")])
    }

    fn services(&mut self) -> Result<Vec<ServiceStatus>, HostError> {
        Ok(vec![
            service("log", ServiceState::Running, 0),
            service("config", ServiceState::Running, 2),
            service("status", ServiceState::Restarting, 1),
        ])
    }

    fn system(&mut self) -> Result<SystemInfo, HostError> {
        Ok(SystemInfo {
            version: "0.1.0".into(),
            platform: "hosted".into(),
            uptime: 185 * SECOND,
            processes: 3,
            threads: 6,
            memory_used: 12 * 1024 * 1024,
            services_running: 2,
            services_total: 3,
            ..SystemInfo::default()
        })
    }

    fn restart(&mut self, name: &str) -> Result<(), HostError> {
        if !self.manage {
            return Err(HostError::Refused("restarting services needs the manage grant".into()));
        }
        self.restarted.push(name.into());
        Ok(())
    }

    fn read_log(&mut self, after: u64, max: u32, filter: &Filter) -> Result<LogPage, HostError> {
        let entries: Vec<Entry> = self
            .log
            .iter()
            .filter(|e| e.sequence > after && filter.accepts(e))
            .take(max as usize)
            .cloned()
            .collect();
        let next = entries.last().map_or(after, |e| e.sequence);
        Ok(LogPage { entries, next, lost: 0 })
    }

    fn follow_log(&mut self, filter: &Filter) -> Result<(), HostError> {
        self.following = Some(filter.clone());
        Ok(())
    }

    fn poll_log(&mut self) -> Result<Vec<Entry>, HostError> {
        let filter = self.following.clone().unwrap_or_default();
        Ok(std::mem::take(&mut self.pending).into_iter().filter(|e| filter.accepts(e)).collect())
    }

    fn stop_log(&mut self) {
        self.following = None;
    }
}

/// Output without escape sequences and carriage returns.
fn plain(text: &str) -> String {
    let mut out = String::new();
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\x1b' => {
                if chars.peek() == Some(&'[') {
                    chars.next();
                    for c in chars.by_ref() {
                        if ('@'..='~').contains(&c) {
                            break;
                        }
                    }
                }
            }
            '\r' | '\x07' => {}
            c => out.push(c),
        }
    }
    out
}

fn shell() -> Shell<FakeHost> {
    let mut shell = Shell::new(FakeHost::new());
    shell.set_width(80);
    shell.start();
    shell
}

#[test]
fn echo_prints_its_arguments() {
    let mut shell = shell();
    assert_eq!(shell.execute("echo hi"), "hi\r\n");
    assert_eq!(plain(&shell.execute("echo  'two  spaces'   and\\ more")), "two  spaces and more\n");
    assert_eq!(shell.execute("echo -n x"), "x");
}

#[test]
fn typing_a_line_runs_it_and_prompts_again() {
    let mut shell = shell();
    let output = plain(&shell.feed(b"echo hi"));
    assert!(output.ends_with("weft:/$ echo hi"), "{output:?}");
    let output = plain(&shell.feed(b"\r"));
    assert!(output.starts_with("\nhi\n"), "{output:?}");
    assert!(output.ends_with("weft:/$ "), "{output:?}");
}

#[test]
fn unknown_commands_and_bad_arguments_say_what_is_wrong() {
    let mut shell = shell();
    let output = shell.execute("frobnicate");
    assert!(output.contains("\x1b[31m"), "errors are red: {output:?}");
    assert!(plain(&output).contains("unknown command `frobnicate`"), "{output:?}");
    assert!(plain(&shell.execute("lss")).contains("did you mean `ls`?"));
    let output = plain(&shell.execute("svc explode"));
    assert!(
        output.contains("svc: unknown subcommand `explode`") && output.contains("usage: svc"),
        "{output}"
    );
    assert!(plain(&shell.execute("log -n many")).contains("-n needs a number"));
    assert!(plain(&shell.execute("echo 'open")).contains("unclosed ' quote"));
    // The prompt's `$` turns red after a failure.
    assert!(shell.feed(b"").is_empty());
    assert!(shell.feed(b"x\x7f").contains("\x1b[31m$"));
}

#[test]
fn history_recalls_earlier_lines() {
    let mut shell = shell();
    shell.feed(b"echo one\r");
    shell.feed(b"echo two\r");
    // Up twice reaches the first line; Enter runs it again.
    let output = plain(&shell.feed(b"\x1b[A\x1b[A"));
    assert!(output.ends_with("weft:/$ echo one"), "{output:?}");
    let output = plain(&shell.feed(b"\r"));
    assert!(output.contains("\none\n"), "{output:?}");
    // Down past the newest returns to the (empty) new line.
    let output = plain(&shell.feed(b"\x1b[A\x1b[B"));
    assert!(output.ends_with("weft:/$ "), "{output:?}");
    assert_eq!(shell.history().lines(), ["echo one", "echo two", "echo one"]);
    assert!(plain(&shell.execute("history")).contains("2  echo two"));
}

#[test]
fn line_editing_moves_by_character_and_word() {
    let mut shell = shell();
    // "ech hi": Home, Ctrl+Right to the end of "ech", type "o".
    shell.feed(b"ech hi\x01\x1b[1;5Co");
    // "world" typed, then Ctrl+W removes it, Delete at the end is harmless.
    shell.feed(b" world\x17\x1b[3~");
    let output = plain(&shell.feed(b"\r"));
    assert!(output.contains("\nhi \n") || output.contains("\nhi\n"), "{output:?}");
    // Left/Right, Backspace and Delete in the middle.
    shell.feed(b"echo abXc\x1b[D\x7f\x1b[C\x1b[D\x1b[D\x1b[3~\x1b[F!");
    let output = plain(&shell.feed(b"\r"));
    assert!(output.contains("\nac!\n"), "{output:?}");
}

#[test]
fn files_can_be_listed_read_and_walked() {
    let mut shell = shell();
    let listing = plain(&shell.execute("ls"));
    assert!(
        listing.contains("docs/") && listing.contains("images/") && listing.contains("README.md"),
        "{listing}"
    );
    let long = plain(&shell.execute("ls -l docs"));
    assert!(long.contains("12 B  abi.md") && long.contains("9 B  protocols.md"), "{long}");
    assert_eq!(plain(&shell.execute("cat README.md")), "# Weft\nA capability OS.\n");
    assert!(plain(&shell.execute("cat images/logo.bin")).contains("binary file (4 B)"));
    assert!(plain(&shell.execute("cat docs")).contains("/docs: is a directory"));
    assert!(plain(&shell.execute("ls nowhere")).contains("/nowhere: no such file or directory"));
    assert!(shell.execute("cd docs").is_empty());
    assert_eq!(shell.execute("pwd"), "/docs\r\n");
    assert_eq!(plain(&shell.execute("cat abi.md ../README.md")), "system calls\n# Weft\nA capability OS.\n");
    assert!(plain(&shell.feed(b"")).is_empty());
    assert!(plain(&shell.feed(b" \x7f")).ends_with("weft:/docs$ "));
    assert!(plain(&shell.execute("cd ../README.md")).contains("not a directory"));
}

#[test]
fn processes_and_services_come_from_the_host() {
    let mut shell = shell();
    let ps = plain(&shell.execute("ps"));
    let lines: Vec<&str> = ps.lines().collect();
    assert!(lines[0].contains("KOID") && lines[0].contains("NAME"), "{ps}");
    assert!(lines[1].trim_start().starts_with("4 ") && lines[1].ends_with("root"), "sorted by koid: {ps}");
    assert!(ps.contains("3 MiB") && ps.contains("1.25s") && ps.contains("3 processes"), "{ps}");

    let list = plain(&shell.execute("svc"));
    assert!(list.contains("config") && list.contains("running") && list.contains("3m 05s"), "{list}");
    assert!(list.contains("2 of 3 running"), "{list}");
    let status = plain(&shell.execute("svc status status"));
    assert!(status.contains("state     restarting") && status.contains("restarts  1"), "{status}");
    assert!(plain(&shell.execute("svc status nope")).contains("no service named `nope`"));

    let refused = plain(&shell.execute("svc restart config"));
    assert!(
        refused.contains("not allowed to restart config") && refused.contains("`manage` grant"),
        "{refused}"
    );
    shell.host_mut().manage = true;
    assert!(plain(&shell.execute("svc restart config")).contains("restarting config"));
    assert_eq!(shell.host().restarted, ["config"]);

    assert_eq!(plain(&shell.execute("uname")), "Weft\n");
    assert_eq!(plain(&shell.execute("uname -a")), "Weft 0.1.0 hosted\n");
    let uptime = plain(&shell.execute("uptime"));
    assert!(uptime.starts_with("up 3m 05s") && uptime.contains("2 of 3 services running"), "{uptime}");
}

#[test]
fn the_log_is_filtered_tailed_and_followed() {
    let mut shell = shell();
    let all = plain(&shell.execute("log"));
    assert_eq!(all.lines().count(), 5, "{all}");
    assert!(all.contains("1.000 INFO  root"), "{all}");
    let warnings = plain(&shell.execute("log -l warn"));
    assert_eq!(warnings.lines().count(), 2, "{warnings}");
    assert!(warnings.contains("WARN  config") && warnings.contains("ERROR status"), "{warnings}");
    let config = plain(&shell.execute("log -s config -n 1"));
    assert_eq!(config.lines().count(), 1);
    assert!(config.contains("serving weft.config"));

    shell.feed(b"log -f -s config\r");
    assert!(shell.is_following());
    shell.host_mut().pending = vec![entry(6, 3, "config", "saved"), entry(7, 3, "root", "not shown")];
    let more = plain(&shell.poll());
    assert!(more.contains("saved") && !more.contains("not shown"), "{more}");
    // Typing does nothing while following; Ctrl+C returns to the prompt.
    assert!(shell.feed(b"ls").is_empty());
    let stopped = plain(&shell.feed(b"\x03"));
    assert!(stopped.starts_with("^C\n") && stopped.ends_with("weft:/$ "), "{stopped:?}");
    assert!(!shell.is_following() && shell.host().following.is_none());
}

#[test]
fn tab_completes_commands_paths_and_services() {
    let mut shell = shell();
    assert!(plain(&shell.feed(b"ec\t")).ends_with("weft:/$ echo "));
    shell.feed(b"\x15cat do\t");
    assert!(plain(&shell.feed(b"")).is_empty());
    let output = plain(&shell.feed(b"a\t"));
    assert!(output.ends_with("cat docs/abi.md "), "{output:?}");
    shell.feed(b"\x15svc st\t");
    let output = plain(&shell.feed(b"co\t"));
    assert!(output.ends_with("svc status config "), "{output:?}");
    // Several choices with nothing in common to add: they are listed.
    let output = plain(&shell.feed(b"\x15svc status \t"));
    assert!(output.contains("config  log  status"), "{output:?}");
}

#[test]
fn help_exit_and_clear() {
    let mut shell = shell();
    let help = plain(&shell.execute("help"));
    for command in ["help", "ls", "cat", "echo", "ps", "svc", "log", "uname", "uptime", "clear", "exit"] {
        assert!(help.contains(&format!("  {command}")), "help lists {command}: {help}");
    }
    assert!(plain(&shell.execute("help svc")).contains("svc [list | status <name> | restart <name>]"));
    assert!(shell.execute("clear").contains("\x1b[2J"));
    assert!(!shell.has_exited());
    shell.feed(b"exit\r");
    assert!(shell.has_exited());
}
