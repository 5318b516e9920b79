//! Processes and threads.

use weft_abi::{Error, HandleValue, Koid, PRINCIPAL_KERNEL, ResourceKind, Rights, limits};

use super::{Step, StepResult, done};
use crate::backend::Backend;
use crate::kernel::Kernel;
use crate::object::ObjectData;
use crate::process::ProcessState;

impl<B: Backend> Kernel<B> {
    fn user_name(
        &self,
        process: Koid,
        cx: &B::CallContext,
        address: usize,
        len: usize,
    ) -> Result<alloc::string::String, Error> {
        if len > limits::NAME_BYTES {
            return Err(Error::OutOfRange);
        }
        let bytes = self.user_read_vec(process, cx, address, len)?;
        alloc::string::String::from_utf8(bytes).map_err(|_| Error::InvalidArgs)
    }

    pub(crate) fn sys_process_create(
        &mut self,
        process: Koid,
        cx: &B::CallContext,
        resource: HandleValue,
        name: usize,
        len: usize,
        principal: u64,
    ) -> StepResult {
        self.require_resource(process, resource, Rights::MANAGE, ResourceKind::Process, 0, 0)?;
        if principal == PRINCIPAL_KERNEL {
            return Err(Error::InvalidArgs);
        }
        let name = self.user_name(process, cx, name, len)?;
        let koid = self.create_process(&name, principal)?;
        match self.install_handle(process, koid, Rights::DEFAULT | Rights::MANAGE) {
            Ok(value) => done(value as usize),
            Err(error) => {
                self.kill_process(koid, ProcessState::Killed);
                Err(error)
            }
        }
    }

    pub(crate) fn sys_process_start(
        &mut self,
        process: Koid,
        target: HandleValue,
        image: HandleValue,
        bootstrap: HandleValue,
    ) -> StepResult {
        let target = self.handle(process, target, Rights::MANAGE)?;
        let image = self.handle(process, image, Rights::READ)?;
        let bootstrap_entry = self.handle(process, bootstrap, Rights::TRANSFER)?;
        if !matches!(self.object(target.koid)?.data, ObjectData::Process(_)) {
            return Err(Error::WrongType);
        }
        let image_len = match &self.object(image.koid)?.data {
            ObjectData::Vmo(vmo) => vmo.size,
            _ => return Err(Error::WrongType),
        };
        if !matches!(self.object(bootstrap_entry.koid)?.data, ObjectData::Channel(_)) {
            return Err(Error::WrongType);
        }
        self.start_process(target.koid, image.koid, bootstrap_entry.koid, image_len)?;
        // The bootstrap handle moved into the new process (same reference).
        self.process_mut(process)?.handles.remove(bootstrap)?;
        done(0)
    }

    pub(crate) fn sys_process_kill(
        &mut self,
        thread: Koid,
        process: Koid,
        handle: HandleValue,
    ) -> StepResult {
        let entry = self.handle(process, handle, Rights::MANAGE)?;
        if !matches!(self.object(entry.koid)?.data, ObjectData::Process(_)) {
            return Err(Error::WrongType);
        }
        self.kill_process(entry.koid, ProcessState::Killed);
        if self.thread_is_dead(thread) {
            return Ok(Step::Ended);
        }
        done(0)
    }

    #[allow(clippy::too_many_arguments)]
    pub(crate) fn sys_thread_create(
        &mut self,
        process: Koid,
        cx: &B::CallContext,
        entry: usize,
        argument: usize,
        stack: usize,
        name: usize,
        len: usize,
    ) -> StepResult {
        let name = self.user_name(process, cx, name, len)?;
        let thread = self.create_thread(process, &name, entry, stack, argument)?;
        match self.install_handle(process, thread, Rights::DEFAULT | Rights::MANAGE) {
            Ok(value) => done(value as usize),
            Err(error) => {
                self.end_thread(thread);
                Err(error)
            }
        }
    }
}
