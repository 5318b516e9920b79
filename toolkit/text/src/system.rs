//! The font database and glyph cache shared by all text in a UI.

use alloc::string::String;

use cosmic_text::fontdb::Database;
use cosmic_text::{FontSystem, SwashCache};
use weft_theme::fonts;

/// Fonts plus the rasterised-glyph cache. One per UI; not thread-shared.
pub struct TextSystem {
    pub(crate) fonts: FontSystem,
    pub(crate) glyphs: SwashCache,
}

impl Default for TextSystem {
    fn default() -> TextSystem {
        TextSystem::new()
    }
}

impl core::fmt::Debug for TextSystem {
    fn fmt(&self, formatter: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        formatter.debug_struct("TextSystem").finish_non_exhaustive()
    }
}

impl TextSystem {
    /// A text system with Weft's bundled fonts.
    pub fn new() -> TextSystem {
        let mut database = Database::new();
        for font in fonts::ALL {
            database.load_font_data(font.into());
        }
        database.set_sans_serif_family(fonts::SANS_FAMILY);
        database.set_monospace_family(fonts::MONO_FAMILY);
        let fonts = FontSystem::new_with_locale_and_db(String::from("en-US"), database);
        TextSystem {
            fonts,
            glyphs: SwashCache::new(),
        }
    }

    /// The underlying cosmic-text font system (to load more fonts).
    pub fn font_system(&mut self) -> &mut FontSystem {
        &mut self.fonts
    }

    /// Number of rasterised glyphs held in the cache.
    pub fn cached_glyphs(&self) -> usize {
        self.glyphs.image_cache.len()
    }
}
