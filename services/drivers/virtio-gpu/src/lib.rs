//! weft-virtio-gpu — the display service for QEMU's virtio-gpu.
//!
//! Serves `weft.display` (see `display-api`): one output, one shared
//! framebuffer (a physically contiguous memory object the device reads
//! with DMA, handed to the compositor read/write), and flushes of only the
//! damaged rectangles: a `TRANSFER_TO_HOST_2D` and a `RESOURCE_FLUSH` per
//! rectangle, answered once the device has done both. The service holds
//! only its device's `mmio:`/`irq:` capabilities and its own DMA memory.
//!
//! At start it paints the framebuffer the desktop's background colour and
//! logs `virtio-gpu: first frame` once that is on screen (boot-time
//! benchmarks read that line).
#![allow(unsafe_code, reason = "a driver shares DMA buffers with its device")]
#![no_std]

extern crate alloc;

mod commands;
mod gpu;

use alloc::format;
use alloc::vec;
use alloc::vec::Vec;

use weft_display_api::{
    DisplayError, DisplayProtocol, DisplayRequest, DisplayResponse, OutputInfo, PixelFormat, SurfaceRect,
};
use weft_ipc::Startup;
use weft_ipc::program::ProgramError;
use weft_rt::Rights;
use weft_virtio::Device;

use gpu::Gpu;

/// The background painted before the compositor draws (BGRX).
const BACKGROUND: [u8; 4] = [0x3a, 0x2a, 0x1e, 0xff];

fn output(gpu: &Gpu) -> OutputInfo {
    OutputInfo {
        id: 0,
        name: "virtio-gpu-0".into(),
        width: gpu.width,
        height: gpu.height,
        refresh_millihertz: 60_000,
        scale: 1.0,
        format: PixelFormat::Bgra8,
    }
}

fn flush(gpu: &mut Gpu, rects: &[SurfaceRect]) -> DisplayResponse {
    for rect in rects {
        let rect = rect.clamp_to(gpu.width, gpu.height);
        if let Err(error) = gpu.flush(rect) {
            weft_rt::error!("flush failed: {error}");
            return DisplayResponse::Error(DisplayError::Device(error));
        }
    }
    DisplayResponse::Flushed
}

fn answer(gpu: &mut Gpu, request: DisplayRequest) -> (DisplayResponse, Vec<weft_rt::Handle>) {
    match request {
        DisplayRequest::Outputs => (DisplayResponse::Outputs(vec![output(gpu)]), Vec::new()),
        DisplayRequest::Framebuffer { output: 0 } => {
            let rights = Rights::READ | Rights::WRITE | Rights::MAP | Rights::TRANSFER;
            match gpu.framebuffer().handle().duplicate(rights) {
                Ok(handle) => {
                    (DisplayResponse::Framebuffer { info: output(gpu), stride: gpu.stride() }, vec![handle])
                }
                Err(error) => (DisplayResponse::Error(DisplayError::Device(format!("{error}"))), Vec::new()),
            }
        }
        DisplayRequest::Flush { output: 0, rects } => (flush(gpu, &rects), Vec::new()),
        DisplayRequest::Framebuffer { .. } | DisplayRequest::Flush { .. } => {
            (DisplayResponse::Error(DisplayError::NoSuchOutput), Vec::new())
        }
    }
}

/// The service's `main`.
pub fn main(mut startup: Startup) -> Result<(), ProgramError> {
    let name = alloc::string::String::from(startup.arg("device").unwrap_or("virtio-gpu"));
    let device = Device::open(&mut startup, &name)?;
    let mut gpu = Gpu::new(device, (1280, 800)).map_err(ProgramError)?;
    if let Some(pixels) = gpu.pixels() {
        for pixel in pixels.chunks_exact_mut(4) {
            pixel.copy_from_slice(&BACKGROUND);
        }
    }
    let whole = SurfaceRect::new(0, 0, gpu.width, gpu.height);
    if let DisplayResponse::Error(error) = flush(&mut gpu, &[whole]) {
        return Err(ProgramError(format!("first flush: {error:?}")));
    }
    weft_rt::info!("virtio-gpu: first frame, {}x{} scanout ready", gpu.width, gpu.height);
    weft_ipc::serve::<DisplayProtocol>(&startup, |_, incoming| Some(answer(&mut gpu, incoming.request)))?;
    Ok(())
}

/// The program's entry: run [`main`] on the bootstrap channel.
pub fn entry(bootstrap: u32) -> i32 {
    weft_ipc::program::run(bootstrap, main)
}
