//! A program inside the graph that a test drives.
//!
//! A test cannot hold a Weft handle itself: handles belong to processes,
//! and the test thread is none. A [`Probe`] is a program the root manager
//! starts like any other (from a manifest, with the routes and grants the
//! manifest names); it builds its state from its startup message — the
//! clients it connects, a toolkit UI it runs — and then runs, inside the
//! graph, each closure the test sends it, returning the closure's result.

use std::sync::mpsc::{Receiver, Sender, channel};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use weft_ipc::Startup;
use weft_ipc::program::{ProgramError, run_with};
use weft_kernel_hosted::ProgramClosure;

/// Generous: CI machines are slow and share two cores.
pub const ANSWER_WAIT: Duration = Duration::from_secs(30);

type Job<S> = Box<dyn FnOnce(&mut S) + Send>;

/// The test's side of a probe whose state is `S` (clones drive the same
/// probe).
pub struct Probe<S> {
    jobs: Sender<Job<S>>,
}

impl<S> Clone for Probe<S> {
    fn clone(&self) -> Self {
        Probe { jobs: self.jobs.clone() }
    }
}

impl<S: 'static> Probe<S> {
    /// A probe and its program (register it on the hosted kernel under the
    /// program name its manifest gives). `setup` makes the state inside
    /// the graph, from the startup message; the probe ends when the test
    /// drops its side.
    pub fn new(
        setup: impl Fn(&mut Startup) -> Result<S, ProgramError> + Send + Sync + 'static,
    ) -> (Probe<S>, ProgramClosure) {
        let (jobs, inbox) = channel::<Job<S>>();
        let inbox = Arc::new(Mutex::new(inbox));
        let setup = Arc::new(setup);
        let program: ProgramClosure = Arc::new(move |bootstrap| {
            let inbox = Arc::clone(&inbox);
            let setup = Arc::clone(&setup);
            run_with(bootstrap, move |mut startup| {
                let mut state = setup(&mut startup)?;
                weft_rt::info!("probe {} ready", startup.name);
                serve(&inbox, &mut state);
                Ok(())
            })
        });
        (Probe { jobs }, program)
    }

    /// Run `job` inside the graph and return what it returns. Panics (the
    /// test fails) if the probe does not answer within [`ANSWER_WAIT`].
    pub fn run<R: Send + 'static>(&self, job: impl FnOnce(&mut S) -> R + Send + 'static) -> R {
        let (reply, answer) = channel();
        let sent = self.jobs.send(Box::new(move |state: &mut S| {
            let _ = reply.send(job(state));
        }));
        assert!(sent.is_ok(), "the probe has ended");
        match answer.recv_timeout(ANSWER_WAIT) {
            Ok(value) => value,
            Err(error) => panic!("the probe did not answer: {error}"),
        }
    }
}

/// Run jobs until the test's side is gone. Jobs come through a lock: a
/// restarted probe takes over the same inbox.
fn serve<S>(inbox: &Mutex<Receiver<Job<S>>>, state: &mut S) {
    loop {
        let job = match inbox.lock() {
            Ok(inbox) => inbox.recv_timeout(Duration::from_millis(200)),
            Err(_) => return,
        };
        match job {
            Ok(job) => job(state),
            Err(std::sync::mpsc::RecvTimeoutError::Timeout) => weft_rt::sleep(Duration::from_millis(1)),
            Err(std::sync::mpsc::RecvTimeoutError::Disconnected) => return,
        }
    }
}
