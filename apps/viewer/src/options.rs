//! The command line.

use std::path::PathBuf;
use std::time::Duration;

use weft_wlstream::keys::AppId;

use crate::error::ViewerError;
use crate::link::LinkOptions;
use crate::script::Action;

/// Usage text.
pub const USAGE: &str = "usage: weft-viewer [options]

Shows Weft app windows streamed over the Zenoh mesh and sends input back.

mesh:
  --connect ENDPOINT    connect to a peer, e.g. tcp/192.168.1.20:7447 (repeatable)
  --listen ENDPOINT     listen for peers, e.g. tcp/0.0.0.0:7447 (repeatable)
  --no-scouting         no multicast discovery (use explicit endpoints)

what to show:
  --app ID              open this app's stream (repeatable; default: every app found)
  --list                print the machines and apps found, then exit
  --timeout SECS        how long to wait for apps or frames (default 10)
  --screenshot FILE     window mode: save the first presented picture as PNG and exit

headless (no window):
  --headless            write frames as PNG files instead of opening windows
  --out DIR             where to write them (required with --headless)
  --frames N            stop after N frames (default 1)
  --type TEXT           type TEXT after the first frame
  --click X,Y           click at X,Y after the first frame
  --resize W,H          announce a W×H viewer after the first frame
  (input actions run in the order given)";

/// What the viewer should do.
#[derive(Clone, Debug, PartialEq)]
pub struct Options {
    /// How to reach the mesh.
    pub link: LinkOptions,
    /// Apps to open (empty: all found).
    pub apps: Vec<AppId>,
    /// List and exit.
    pub list: bool,
    /// Headless mode output directory (`None`: windows).
    pub headless: Option<PathBuf>,
    /// Frames to write in headless mode.
    pub frames: u32,
    /// Scripted input.
    pub actions: Vec<Action>,
    /// Discovery and frame timeout.
    pub timeout: Duration,
    /// Window mode: save the first presented picture here and exit.
    pub screenshot: Option<PathBuf>,
}

/// Parse arguments (without the program name). `Ok(None)` means help was
/// asked for.
pub fn parse(arguments: &[String]) -> Result<Option<Options>, ViewerError> {
    let mut options = Options {
        link: LinkOptions::default(),
        apps: Vec::new(),
        list: false,
        headless: None,
        frames: 1,
        actions: Vec::new(),
        timeout: Duration::from_secs(10),
        screenshot: None,
    };
    let mut headless = false;
    let mut out = None;
    let mut iterator = arguments.iter();
    while let Some(argument) = iterator.next() {
        let mut value = |name: &str| {
            iterator
                .next()
                .cloned()
                .ok_or_else(|| ViewerError::Usage(format!("{name} needs a value\n\n{USAGE}")))
        };
        match argument.as_str() {
            "--help" | "-h" => return Ok(None),
            "--connect" => options.link.connect.push(value("--connect")?),
            "--listen" => options.link.listen.push(value("--listen")?),
            "--no-scouting" => options.link.scouting = false,
            "--app" => {
                let id = value("--app")?;
                options.apps.push(
                    AppId::new(&id).map_err(|error| ViewerError::Usage(format!("--app {id:?}: {error}")))?,
                );
            }
            "--list" => options.list = true,
            "--timeout" => {
                let seconds: f64 = value("--timeout")?
                    .parse()
                    .map_err(|_| ViewerError::Usage("--timeout needs seconds".into()))?;
                if !(seconds.is_finite() && seconds > 0.0) {
                    return Err(ViewerError::Usage("--timeout needs positive seconds".into()));
                }
                options.timeout = Duration::from_secs_f64(seconds);
            }
            "--screenshot" => options.screenshot = Some(PathBuf::from(value("--screenshot")?)),
            "--headless" => headless = true,
            "--out" => out = Some(PathBuf::from(value("--out")?)),
            "--frames" => {
                options.frames = value("--frames")?
                    .parse()
                    .map_err(|_| ViewerError::Usage("--frames needs a count".into()))?;
            }
            "--type" => options.actions.push(Action::Type(value("--type")?)),
            "--click" => options.actions.push(Action::click(&value("--click")?)?),
            "--resize" => options.actions.push(Action::resize(&value("--resize")?)?),
            other => {
                return Err(ViewerError::Usage(format!("unknown option {other:?}\n\n{USAGE}")));
            }
        }
    }
    if headless {
        options.headless = Some(out.ok_or_else(|| ViewerError::Usage("--headless needs --out DIR".into()))?);
    } else if out.is_some() || !options.actions.is_empty() {
        return Err(ViewerError::Usage("--out, --type, --click and --resize need --headless".into()));
    }
    Ok(Some(options))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn arguments(text: &str) -> Vec<String> {
        text.split_whitespace().map(String::from).collect()
    }

    #[test]
    fn headless_command_line() {
        let options = parse(&arguments(
            "--headless --out /tmp/x --frames 3 --app term --connect tcp/127.0.0.1:7447 --no-scouting --type hi --click 1,2 --resize 640,480",
        ))
        .unwrap()
        .unwrap();
        assert_eq!(options.headless, Some(PathBuf::from("/tmp/x")));
        assert_eq!(options.frames, 3);
        assert_eq!(options.apps[0].as_str(), "term");
        assert!(!options.link.scouting);
        assert_eq!(options.actions.len(), 3);
    }

    #[test]
    fn refuses_bad_input() {
        assert!(parse(&arguments("--headless")).is_err());
        assert!(parse(&arguments("--type hi")).is_err());
        assert!(parse(&arguments("--app a/b")).is_err());
        assert!(parse(&arguments("--bogus")).is_err());
        assert_eq!(parse(&arguments("--help")).unwrap(), None);
    }
}
