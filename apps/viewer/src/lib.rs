//! weft-viewer — placeholder.
