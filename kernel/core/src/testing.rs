//! A scripted backend for the core's tests: flat user memory, a set clock, a log of requests.

use alloc::collections::BTreeMap;
use alloc::rc::Rc;
use alloc::string::String;
use alloc::vec::Vec;
use core::cell::RefCell;
use weft_abi::{Error, Instant, Koid, MapFlags, Principal, Signals, Syscall};

use crate::backend::{Backend, ImageEntry, MemoryObject};
use crate::handles::HandleTable;
use crate::kernel::{Kernel, KernelConfig, Outcome};
use crate::object::ObjectData;
use crate::process::{Process, ProcessState, Thread, ThreadState};
use crate::scheduler::PRIORITY_DEFAULT;
use crate::store::ObjectStore;
use crate::syscall::SyscallArgs;

/// Where every test process's memory starts, and how big it is.
pub const USER_BASE: usize = 0x10000;
pub const USER_SIZE: usize = 0x10000;

/// What the core asked the backend to do, in order (copies are not logged).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Event {
    Ready(Koid),
    Ended(Koid),
    Deadline(Option<Instant>),
    Masked(u32, bool),
    SpaceGone(Koid),
    Unmapped(usize, usize),
    Debug(Vec<u8>),
    Entropy(Vec<u8>),
}

/// A memory object: plain bytes.
pub struct Bytes(RefCell<Vec<u8>>);

impl MemoryObject for Bytes {
    fn size(&self) -> usize {
        self.0.borrow().len()
    }

    fn read(&self, offset: usize, out: &mut [u8]) -> Result<(), Error> {
        let bytes = self.0.borrow();
        let end = offset.checked_add(out.len()).ok_or(Error::OutOfRange)?;
        out.copy_from_slice(bytes.get(offset..end).ok_or(Error::OutOfRange)?);
        Ok(())
    }

    fn write(&self, offset: usize, data: &[u8]) -> Result<(), Error> {
        let mut bytes = self.0.borrow_mut();
        let end = offset.checked_add(data.len()).ok_or(Error::OutOfRange)?;
        bytes.get_mut(offset..end).ok_or(Error::OutOfRange)?.copy_from_slice(data);
        Ok(())
    }
}

type Shared = Rc<RefCell<Vec<u8>>>;

/// The backend the core's tests run on.
#[derive(Default)]
pub struct TestBackend {
    pub now: Instant,
    pub log: Vec<Event>,
    spaces: BTreeMap<Koid, Shared>,
    next_map: usize,
}

impl TestBackend {
    /// Write into a process's user memory.
    pub fn poke(&self, process: Koid, address: usize, data: &[u8]) {
        let space = &self.spaces[&process];
        let start = address - USER_BASE;
        space.borrow_mut()[start..start + data.len()].copy_from_slice(data);
    }

    /// Read a process's user memory.
    pub fn peek(&self, process: Koid, address: usize, len: usize) -> Vec<u8> {
        let start = address - USER_BASE;
        self.spaces[&process].borrow()[start..start + len].to_vec()
    }

    pub fn poke_pod<T: bytemuck::Pod>(&self, process: Koid, address: usize, value: &T) {
        self.poke(process, address, bytemuck::bytes_of(value));
    }

    pub fn peek_pod<T: bytemuck::Pod>(&self, process: Koid, address: usize) -> T {
        bytemuck::pod_read_unaligned(&self.peek(process, address, core::mem::size_of::<T>()))
    }

    /// Take the log so far.
    pub fn take_log(&mut self) -> Vec<Event> {
        core::mem::take(&mut self.log)
    }
}

fn user_range(address: usize, len: usize) -> Result<core::ops::Range<usize>, Error> {
    let start = address.checked_sub(USER_BASE).ok_or(Error::BadAddress)?;
    let end = start.checked_add(len).ok_or(Error::BadAddress)?;
    if end > USER_SIZE {
        return Err(Error::BadAddress);
    }
    Ok(start..end)
}

impl Backend for TestBackend {
    type Memory = Bytes;
    type AddressSpace = Shared;
    type ThreadContext = ();
    type CallContext = ();

    fn now(&self) -> Instant {
        self.now
    }

    fn create_memory(&mut self, size: usize, _contiguous: bool) -> Result<Bytes, Error> {
        Ok(Bytes(RefCell::new(alloc::vec![0; size])))
    }

    fn physical_memory(&mut self, _base: u64, size: usize) -> Result<Bytes, Error> {
        Ok(Bytes(RefCell::new(alloc::vec![0; size])))
    }

    fn create_address_space(&mut self, process: Koid) -> Result<Shared, Error> {
        let space = Rc::new(RefCell::new(alloc::vec![0; USER_SIZE]));
        self.spaces.insert(process, Rc::clone(&space));
        Ok(space)
    }

    fn destroy_address_space(&mut self, process: Koid, _space: Shared) {
        self.log.push(Event::SpaceGone(process));
    }

    fn map(
        &mut self,
        _space: &mut Shared,
        _memory: &Bytes,
        _offset: usize,
        len: usize,
        _flags: MapFlags,
    ) -> Result<usize, Error> {
        let address = 0x1000_0000 + self.next_map;
        self.next_map += len;
        Ok(address)
    }

    fn unmap(&mut self, _space: &mut Shared, address: usize, len: usize) {
        self.log.push(Event::Unmapped(address, len));
    }

    fn copy_from_user(&self, space: &Shared, _cx: &(), address: usize, out: &mut [u8]) -> Result<(), Error> {
        let range = user_range(address, out.len())?;
        out.copy_from_slice(&space.borrow()[range]);
        Ok(())
    }

    fn copy_to_user(&self, space: &Shared, _cx: &(), address: usize, data: &[u8]) -> Result<(), Error> {
        let range = user_range(address, data.len())?;
        space.borrow_mut()[range].copy_from_slice(data);
        Ok(())
    }

    fn load_image(
        &mut self,
        _process: Koid,
        _space: &mut Shared,
        image: &Bytes,
        image_len: usize,
    ) -> Result<ImageEntry, Error> {
        let mut magic = [0u8; 4];
        image.read(0, &mut magic)?;
        if image_len < 4 || &magic != b"weft" {
            return Err(Error::InvalidArgs);
        }
        Ok(ImageEntry { entry: 0x1000, stack: 0 })
    }

    fn create_thread(
        &mut self,
        _process: Koid,
        _thread: Koid,
        _space: &mut Shared,
        _entry: usize,
        _stack: usize,
        _argument: usize,
    ) -> Result<(), Error> {
        Ok(())
    }

    fn thread_ready(&mut self, thread: Koid, _context: &mut ()) {
        self.log.push(Event::Ready(thread));
    }

    fn thread_ended(&mut self, thread: Koid, _context: ()) {
        self.log.push(Event::Ended(thread));
    }

    fn debug_write(&mut self, bytes: &[u8]) {
        self.log.push(Event::Debug(bytes.to_vec()));
    }

    fn set_interrupt_masked(&mut self, vector: u32, masked: bool) {
        self.log.push(Event::Masked(vector, masked));
    }

    fn fill_random(&mut self, out: &mut [u8]) {
        out.fill(0x5a);
    }

    fn add_entropy(&mut self, bytes: &[u8]) {
        self.log.push(Event::Entropy(bytes.to_vec()));
    }

    fn next_deadline_changed(&mut self, deadline: Option<Instant>) {
        self.log.push(Event::Deadline(deadline));
    }
}

/// A kernel on the test backend.
pub fn kernel() -> Kernel<TestBackend> {
    Kernel::new(TestBackend::default(), KernelConfig { memory_total: 1 << 20 })
}

/// A running process with one thread the backend already runs.
pub fn spawn(kernel: &mut Kernel<TestBackend>, name: &str, principal: Principal) -> (Koid, Koid) {
    let process = kernel.create_process(name, principal).unwrap();
    let thread = kernel.adopt_thread(process, "main", ()).unwrap();
    (process, thread)
}

/// Make a system call from `thread`.
pub fn call(kernel: &mut Kernel<TestBackend>, thread: Koid, number: Syscall, args: &[usize]) -> Outcome {
    let mut raw = SyscallArgs { number: number as usize, args: [0; 6] };
    raw.args[..args.len()].copy_from_slice(args);
    kernel.syscall(thread, raw, &())
}

/// The value of a call that must succeed.
pub fn ok(outcome: Outcome) -> usize {
    match outcome {
        Outcome::Done(raw) => Error::decode_result(raw).unwrap(),
        other => panic!("expected a value, got {other:?}"),
    }
}

/// The error of a call that must fail.
pub fn err(outcome: Outcome) -> Error {
    match outcome {
        Outcome::Done(raw) => Error::decode_result(raw).unwrap_err(),
        other => panic!("expected an error, got {other:?}"),
    }
}

/// A running process straight in the store, with no address space.
pub fn bare_process(objects: &mut ObjectStore<TestBackend>) -> Koid {
    objects.insert(
        ObjectData::Process(Process {
            name: String::from("bare"),
            principal: 5,
            handles: HandleTable::new(),
            space: None,
            mappings: BTreeMap::new(),
            threads: Vec::new(),
            state: ProcessState::Running,
            created_at: 0,
            cpu_time: 0,
        }),
        Signals::empty(),
    )
}

/// A ready thread straight in the store, without a backend context.
pub fn bare_thread(objects: &mut ObjectStore<TestBackend>, process: Koid) -> Koid {
    objects.insert(
        ObjectData::Thread(Thread {
            process,
            name: String::from("bare"),
            state: ThreadState::Ready,
            priority: PRIORITY_DEFAULT,
            waiting_on: Vec::new(),
            deadline: None,
            call: None,
            context: None,
        }),
        Signals::empty(),
    )
}
