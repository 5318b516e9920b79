//! The one EL0 image: every program of [`weft_programs::PROGRAMS`], run by
//! the name its startup message gives.
#![cfg_attr(target_os = "none", no_std, no_main)]

weft_rt::entry!(weft_programs::dispatch);
