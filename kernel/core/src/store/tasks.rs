//! Process and thread queries: what backends and statistics ask about the tasks in the store.

use alloc::string::String;
use alloc::vec::Vec;
use weft_abi::{Error, Instant, Koid, ProcessRecord, limits, process_state};

use super::ObjectStore;
use crate::backend::Backend;
use crate::object::ObjectData;
use crate::process::{ProcessState, ThreadState};

impl<B: Backend> ObjectStore<B> {
    /// The process a thread belongs to.
    pub fn thread_process(&self, thread: Koid) -> Result<Koid, Error> {
        Ok(self.thread(thread)?.process)
    }

    /// Whether the thread has ended (exited, or its process was killed).
    pub fn thread_is_dead(&self, thread: Koid) -> bool {
        self.thread(thread).map_or(true, |t| t.state == ThreadState::Dead)
    }

    /// Whether the thread is blocked in a system call.
    pub fn thread_is_blocked(&self, thread: Koid) -> bool {
        self.thread(thread).is_ok_and(|t| t.state == ThreadState::Blocked)
    }

    /// The deadline a blocked thread waits for, if any.
    pub fn thread_deadline(&self, thread: Koid) -> Option<Instant> {
        self.thread(thread).ok().and_then(|t| t.deadline)
    }

    /// A thread's name and its process's name, for diagnostics.
    pub fn thread_names(&self, thread: Koid) -> Option<(String, String)> {
        let state = self.thread(thread).ok()?;
        let process = self.process(state.process).ok()?;
        Some((process.name.clone(), state.name.clone()))
    }

    /// The backend state of a live thread.
    pub fn thread_context(&self, thread: Koid) -> Option<&B::ThreadContext> {
        self.thread(thread).ok().and_then(|t| t.context.as_ref())
    }

    /// The backend state of a live thread, mutably (backends that keep a
    /// thread's registers there).
    pub fn thread_context_mut(&mut self, thread: Koid) -> Option<&mut B::ThreadContext> {
        self.thread_mut(thread).ok().and_then(|t| t.context.as_mut())
    }

    /// Add CPU time to a thread's process (backends that measure it).
    pub fn charge_cpu(&mut self, thread: Koid, nanoseconds: u64) {
        if let Ok(process) = self.thread_process(thread)
            && let Ok(target) = self.process_mut(process)
        {
            target.cpu_time = target.cpu_time.saturating_add(nanoseconds);
        }
    }

    /// Number of handles a process holds (tests, statistics).
    pub fn handle_count(&self, process: Koid) -> Result<usize, Error> {
        Ok(self.process(process)?.handles.len())
    }

    /// A summary of one process.
    pub fn process_record(&self, koid: Koid) -> Result<ProcessRecord, Error> {
        let process = self.process(koid)?;
        let mut name = [0u8; limits::NAME_BYTES];
        for (slot, byte) in name.iter_mut().zip(process.name.bytes()) {
            *slot = byte;
        }
        let (state, exit_code) = match process.state {
            ProcessState::New => (process_state::NEW, 0),
            ProcessState::Running => (process_state::RUNNING, 0),
            ProcessState::Exited(code) => (process_state::EXITED, code),
            ProcessState::Killed => (process_state::KILLED, -1),
        };
        Ok(ProcessRecord {
            koid,
            principal: process.principal,
            mapped_bytes: process.mapped_bytes(),
            cpu_time: process.cpu_time,
            created_at: process.created_at,
            state,
            exit_code,
            threads: process.threads.iter().filter(|&&t| !self.thread_is_dead(t)).count() as u32,
            handles: process.handles.len() as u32,
            name,
        })
    }

    /// Every live process, in creation order.
    pub fn process_records(&self) -> Vec<ProcessRecord> {
        self.objects
            .iter()
            .filter(|(_, object)| matches!(&object.data, ObjectData::Process(p) if p.is_alive()))
            .filter_map(|(&koid, _)| self.process_record(koid).ok())
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::{TestBackend, bare_process, bare_thread};

    #[test]
    fn thread_queries_treat_unknown_threads_as_dead() {
        let mut objects = ObjectStore::<TestBackend>::new();
        let p = bare_process(&mut objects);
        let t = bare_thread(&mut objects, p);
        assert_eq!(objects.thread_process(t), Ok(p));
        assert!(!objects.thread_is_dead(t));
        assert!(objects.thread_is_dead(p), "a process is no thread");
        assert!(objects.thread_is_dead(t + 100));
        assert!(!objects.thread_is_blocked(t + 100));
        assert_eq!(objects.thread_names(t), Some((String::from("bare"), String::from("bare"))));
        assert_eq!(objects.thread_context(t), None);
    }

    #[test]
    fn records_count_live_threads_and_cpu_time() {
        let mut objects = ObjectStore::<TestBackend>::new();
        let p = bare_process(&mut objects);
        let threads = [bare_thread(&mut objects, p), bare_thread(&mut objects, p)];
        objects.process_mut(p).unwrap().threads.extend(threads);
        objects.thread_mut(threads[0]).unwrap().state = ThreadState::Dead;
        objects.charge_cpu(threads[1], 40);
        objects.charge_cpu(threads[0], 2);
        let record = objects.process_record(p).unwrap();
        assert_eq!((record.threads, record.cpu_time, record.state), (1, 42, process_state::RUNNING));
        assert_eq!(&record.name[..5], b"bare\0");
        objects.process_mut(p).unwrap().state = ProcessState::Exited(3);
        assert_eq!(objects.process_records(), []);
        assert_eq!(objects.process_record(p).unwrap().exit_code, 3);
    }
}
