//! The output: a framebuffer from the display service, flushed by rects.

use alloc::vec::Vec;
use weft_display_api::{
    DisplayProtocol, DisplayRequest, DisplayResponse, OutputInfo, PixelFormat, SurfaceRect,
};
use weft_ipc::Client;
use weft_rt::{Deadline, Mapping, Vmo};
use weft_scene::{OutputFormat, Region};

/// Why the output could not be set up or flushed.
#[derive(Debug)]
pub enum OutputError {
    /// The display service refused or failed.
    Display(alloc::string::String),
    /// It offered no output.
    NoOutput,
    /// Mapping the framebuffer failed.
    Kernel(weft_rt::Error),
}

impl core::fmt::Display for OutputError {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        match self {
            OutputError::Display(e) => write!(f, "display service: {e}"),
            OutputError::NoOutput => f.write_str("the display service has no output"),
            OutputError::Kernel(e) => write!(f, "framebuffer: {e}"),
        }
    }
}

/// The mapped framebuffer of output 0.
pub struct Output {
    display: Client<DisplayProtocol>,
    /// What the display service said about it.
    pub info: OutputInfo,
    stride: u32,
    mapping: Mapping,
    _memory: Vmo,
}

fn describe(error: weft_ipc::IpcError) -> OutputError {
    OutputError::Display(weft_ipc::describe(&error))
}

impl Output {
    /// Ask for the framebuffer of output 0 and map it.
    pub fn open(display: Client<DisplayProtocol>) -> Result<Output, OutputError> {
        let outputs = match display.call(&DisplayRequest::Outputs).map_err(describe)? {
            DisplayResponse::Outputs(outputs) => outputs,
            other => return Err(OutputError::Display(alloc::format!("{other:?}"))),
        };
        if outputs.is_empty() {
            return Err(OutputError::NoOutput);
        }
        let (info, stride, memory) = Self::framebuffer(&display)?;
        let len = stride as usize * info.height as usize;
        let mapping = memory.map_write(0, len).map_err(OutputError::Kernel)?;
        Ok(Output { display, info, stride, mapping, _memory: memory })
    }

    fn framebuffer(display: &Client<DisplayProtocol>) -> Result<(OutputInfo, u32, Vmo), OutputError> {
        let (response, mut handles) = display
            .call_with(&DisplayRequest::Framebuffer { output: 0 }, Vec::new(), Deadline::INFINITE)
            .map_err(describe)?;
        match response {
            DisplayResponse::Framebuffer { info, stride } if !handles.is_empty() => {
                Ok((info, stride, Vmo::from_handle(handles.remove(0))))
            }
            other => Err(OutputError::Display(alloc::format!("{other:?}"))),
        }
    }

    /// The output changed: get a fresh framebuffer and map it.
    pub fn refresh(&mut self) -> Result<(), OutputError> {
        let (info, stride, memory) = Self::framebuffer(&self.display)?;
        let len = stride as usize * info.height as usize;
        self.mapping = memory.map_write(0, len).map_err(OutputError::Kernel)?;
        self._memory = memory;
        self.info = info;
        self.stride = stride;
        Ok(())
    }

    /// The display service connection (to watch for events).
    pub fn display(&self) -> &Client<DisplayProtocol> {
        &self.display
    }

    /// Pixel format for the renderer's final copy.
    pub fn format(&self) -> OutputFormat {
        match self.info.format {
            PixelFormat::Bgra8 => OutputFormat::Bgra8,
            PixelFormat::Rgba8 => OutputFormat::Rgba8,
        }
    }

    /// Copy `damage` from the renderer and flush it.
    pub fn present(&mut self, renderer: &weft_scene::Renderer, damage: &Region) -> Result<(), OutputError> {
        if damage.is_empty() {
            return Ok(());
        }
        let format = self.format();
        let stride = self.stride as usize;
        if let Some(bytes) = self.mapping.bytes_mut() {
            renderer.copy_to(damage, bytes, stride, format);
        }
        let rects = damage
            .rects()
            .iter()
            .map(|r| SurfaceRect::new(r.x.max(0) as u32, r.y.max(0) as u32, r.width, r.height))
            .collect();
        match self.display.call(&DisplayRequest::Flush { output: 0, rects }).map_err(describe)? {
            DisplayResponse::Flushed => Ok(()),
            other => Err(OutputError::Display(alloc::format!("{other:?}"))),
        }
    }
}
