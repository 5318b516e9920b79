//! Process and thread system calls: create, start and kill processes, create threads.

use weft_abi::{Error, HandleValue, Koid, PRINCIPAL_KERNEL, ResourceKind, Rights};

use super::{Step, StepResult, done};
use crate::backend::Backend;
use crate::kernel::Kernel;
use crate::object::ObjectData;
use crate::process::ProcessState;
use crate::user::Caller;

impl<B: Backend> Kernel<B> {
    pub(crate) fn process_create(
        &mut self,
        caller: Caller<'_, B>,
        resource: HandleValue,
        name: usize,
        len: usize,
        principal: u64,
    ) -> StepResult {
        let process = caller.process;
        self.objects.resource(process, resource, Rights::MANAGE)?.require(ResourceKind::Process, 0, 0)?;
        if principal == PRINCIPAL_KERNEL {
            return Err(Error::InvalidArgs);
        }
        let name = caller.user(&self.objects, &self.backend).read_name(name, len)?;
        let koid = self.create_process(&name, principal)?;
        match self.objects.install_handle(process, koid, Rights::DEFAULT | Rights::MANAGE) {
            Ok(value) => done(value as usize),
            Err(error) => {
                self.kill_process(koid, ProcessState::Killed);
                Err(error)
            }
        }
    }

    pub(crate) fn process_start(
        &mut self,
        process: Koid,
        target: HandleValue,
        image: HandleValue,
        bootstrap: HandleValue,
    ) -> StepResult {
        let target = self.objects.handle(process, target, Rights::MANAGE)?;
        let image = self.objects.handle(process, image, Rights::READ)?;
        let bootstrap_entry = self.objects.handle(process, bootstrap, Rights::TRANSFER)?;
        if !matches!(self.objects.get(target.koid)?.data, ObjectData::Process(_)) {
            return Err(Error::WrongType);
        }
        let image_len = match &self.objects.get(image.koid)?.data {
            ObjectData::Vmo(vmo) => vmo.size,
            _ => return Err(Error::WrongType),
        };
        if !matches!(self.objects.get(bootstrap_entry.koid)?.data, ObjectData::Channel(_)) {
            return Err(Error::WrongType);
        }
        self.start_process(target.koid, image.koid, bootstrap_entry.koid, image_len)?;
        // The bootstrap handle moved into the new process (same reference).
        self.objects.process_mut(process)?.handles.remove(bootstrap)?;
        done(0)
    }

    pub(crate) fn process_kill(&mut self, thread: Koid, process: Koid, handle: HandleValue) -> StepResult {
        let entry = self.objects.handle(process, handle, Rights::MANAGE)?;
        if !matches!(self.objects.get(entry.koid)?.data, ObjectData::Process(_)) {
            return Err(Error::WrongType);
        }
        self.kill_process(entry.koid, ProcessState::Killed);
        if self.objects.thread_is_dead(thread) {
            return Ok(Step::Ended);
        }
        done(0)
    }

    #[allow(clippy::too_many_arguments)]
    pub(crate) fn thread_create(
        &mut self,
        caller: Caller<'_, B>,
        entry: usize,
        argument: usize,
        stack: usize,
        name: usize,
        len: usize,
    ) -> StepResult {
        let process = caller.process;
        let name = caller.user(&self.objects, &self.backend).read_name(name, len)?;
        let thread = self.create_thread(process, &name, entry, stack, argument)?;
        match self.objects.install_handle(process, thread, Rights::DEFAULT | Rights::MANAGE) {
            Ok(value) => done(value as usize),
            Err(error) => {
                self.end_thread(thread);
                Err(error)
            }
        }
    }
}
