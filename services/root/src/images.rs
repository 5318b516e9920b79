//! Program images as memory objects: one per image in the bundle, shared
//! by every program that image runs.

use alloc::collections::BTreeMap;
use alloc::string::String;
use alloc::vec::Vec;
use weft_manifest::Bundle;
use weft_rt::Vmo;

/// The bundle's images, and which one runs each program.
pub struct Images {
    memory: Vec<Vmo>,
    programs: BTreeMap<String, usize>,
}

impl Images {
    /// Copy every image of `bundle` into a memory object of its own.
    pub fn load(bundle: &Bundle) -> Result<Images, weft_rt::Error> {
        let mut memory = Vec::new();
        let mut index = BTreeMap::new();
        for image in &bundle.images {
            let vmo = Vmo::create(image.bytes.len().max(1))?;
            vmo.write(0, &image.bytes)?;
            index.insert(image.name.as_str(), memory.len());
            memory.push(vmo);
        }
        let programs = bundle
            .programs
            .iter()
            .filter_map(|(program, image)| Some((program.clone(), *index.get(image.as_str())?)))
            .collect();
        Ok(Images { memory, programs })
    }

    /// The image that runs `program`.
    pub fn get(&self, program: &str) -> Option<&Vmo> {
        self.memory.get(*self.programs.get(program)?)
    }
}
