//! The client registry: surfaces, buffers and roles, and what the surface tree answers.
//!
//! Popup chains, layer surfaces and the work area they leave are read
//! from here.

use alloc::collections::BTreeMap;
use alloc::string::String;
use alloc::vec::Vec;
use weft_compositor_api::{
    Anchor, BufferId, BufferLayout, CursorImage, Event, KeyboardInteractivity, Layer, ProtocolError, Size,
    SurfaceId,
};

use crate::layout::Area;
use crate::outbox::Outbox;
use crate::state::{Client, ClientConfig, ClientId, LayerSurface, Role, Surface, SurfaceKey};
use crate::{MAX_BUFFERS, MAX_SURFACES, Output};

/// Popup chains longer than this are cut (a client cannot make us loop).
const MAX_POPUP_DEPTH: usize = 64;

/// Connected clients by id.
#[derive(Default)]
pub(crate) struct Clients(BTreeMap<ClientId, Client>);

impl Clients {
    pub fn add(&mut self, id: ClientId, config: ClientConfig) {
        let client = Client {
            config,
            surfaces: BTreeMap::new(),
            buffers: BTreeMap::new(),
            cursor: CursorImage::Default,
        };
        self.0.insert(id, client);
    }

    pub fn remove(&mut self, id: ClientId) -> Option<Client> {
        self.0.remove(&id)
    }

    pub fn get(&self, id: ClientId) -> Option<&Client> {
        self.0.get(&id)
    }

    pub fn get_mut(&mut self, id: ClientId) -> Option<&mut Client> {
        self.0.get_mut(&id)
    }

    /// Every surface of every client, by client then surface id.
    pub fn surfaces(&self) -> impl Iterator<Item = (SurfaceKey, &Surface)> {
        self.0.iter().flat_map(|(cid, c)| c.surfaces.iter().map(move |(sid, s)| ((*cid, *sid), s)))
    }

    pub fn surface(&self, key: SurfaceKey) -> Option<&Surface> {
        self.0.get(&key.0)?.surfaces.get(&key.1)
    }

    pub fn surface_mut(&mut self, key: SurfaceKey) -> Option<&mut Surface> {
        self.0.get_mut(&key.0)?.surfaces.get_mut(&key.1)
    }

    /// The surface exists, or the client named someone else's.
    pub fn known(&self, key: SurfaceKey) -> Result<(), ProtocolError> {
        self.surface(key).map(drop).ok_or(ProtocolError::UnknownSurface(key.1))
    }

    pub fn role(&self, key: SurfaceKey) -> Option<&Role> {
        self.surface(key)?.role.as_ref()
    }

    /// A client's name in the service graph (empty if unknown).
    pub fn owner(&self, client: ClientId) -> String {
        self.0.get(&client).map(|c| c.config.name.clone()).unwrap_or_default()
    }

    pub fn register_buffer(
        &mut self,
        client: ClientId,
        buffer: BufferId,
        layout: BufferLayout,
    ) -> Result<(), ProtocolError> {
        layout.validate()?;
        let record = self.0.get_mut(&client).ok_or(ProtocolError::Malformed)?;
        if record.buffers.contains_key(&buffer) {
            return Err(ProtocolError::DuplicateId);
        }
        if record.buffers.len() >= MAX_BUFFERS {
            return Err(ProtocolError::LimitReached);
        }
        record.buffers.insert(buffer, layout);
        Ok(())
    }

    /// Forget a buffer; returns the surfaces still showing it (to unmap).
    pub fn unregister_buffer(
        &mut self,
        client: ClientId,
        buffer: BufferId,
    ) -> Result<Vec<SurfaceId>, ProtocolError> {
        let record = self.0.get_mut(&client).ok_or(ProtocolError::Malformed)?;
        if record.buffers.remove(&buffer).is_none() {
            return Err(ProtocolError::UnknownBuffer(buffer));
        }
        Ok(record.surfaces.iter().filter(|(_, s)| s.buffer == Some(buffer)).map(|(id, _)| *id).collect())
    }

    pub fn buffer(&self, client: ClientId, buffer: BufferId) -> Option<BufferLayout> {
        self.0.get(&client)?.buffers.get(&buffer).copied()
    }

    /// Whether any surface of `client` shows `buffer`.
    pub fn shows(&self, client: ClientId, buffer: BufferId) -> bool {
        self.0.get(&client).is_some_and(|c| c.surfaces.values().any(|s| s.buffer == Some(buffer)))
    }

    /// Release `buffer` unless another surface of the client still shows it.
    pub fn release_if_unused(&self, client: ClientId, buffer: BufferId, outbox: &mut Outbox) {
        if !self.shows(client, buffer) {
            outbox.client(client, Event::BufferReleased { buffer });
        }
    }

    /// Logical size a surface shows at.
    pub fn surface_size(&self, key: SurfaceKey, scale: f32) -> Size {
        self.surface(key).map(|s| s.logical_size(scale)).unwrap_or_default()
    }

    /// The toplevel or layer surface a popup chain hangs from.
    pub fn root_surface(&self, key: SurfaceKey) -> SurfaceKey {
        let mut current = key;
        for _ in 0..MAX_POPUP_DEPTH {
            match self.role(current) {
                Some(Role::Popup(popup)) => current = (current.0, popup.parent),
                _ => return current,
            }
        }
        current
    }

    /// How many popups deep `key` sits under `root` (parents sort first).
    pub fn popup_depth(&self, root: SurfaceKey, key: SurfaceKey) -> usize {
        let mut depth = 0;
        let mut current = key;
        while current != root && depth < MAX_POPUP_DEPTH {
            current = match self.role(current) {
                Some(Role::Popup(popup)) => (root.0, popup.parent),
                _ => root,
            };
            depth += 1;
        }
        depth
    }

    /// Mapped popups anywhere in `root`'s chain.
    pub fn popups_of(&self, root: SurfaceKey) -> Vec<SurfaceId> {
        let Some(client) = self.0.get(&root.0) else {
            return Vec::new();
        };
        client
            .surfaces
            .iter()
            .filter(|(id, s)| {
                matches!(s.role, Some(Role::Popup(_)))
                    && s.mapped()
                    && self.root_surface((root.0, **id)) == root
            })
            .map(|(id, _)| *id)
            .collect()
    }

    /// Popups whose parent is `key` itself.
    pub fn children(&self, key: SurfaceKey) -> Vec<SurfaceId> {
        let Some(client) = self.0.get(&key.0) else {
            return Vec::new();
        };
        client
            .surfaces
            .iter()
            .filter(|(_, s)| matches!(&s.role, Some(Role::Popup(p)) if p.parent == key.1))
            .map(|(id, _)| *id)
            .collect()
    }

    /// Mapped popups holding a grab (a click elsewhere dismisses them).
    pub fn grabbing_popups(&self) -> Vec<SurfaceKey> {
        self.surfaces()
            .filter(|(_, s)| matches!(&s.role, Some(Role::Popup(p)) if p.grab) && s.mapped())
            .map(|(key, _)| key)
            .collect()
    }

    /// Every layer surface, mapped or not.
    pub fn layers(&self) -> impl Iterator<Item = (SurfaceKey, &Surface, &LayerSurface)> {
        self.surfaces().filter_map(|(key, s)| match &s.role {
            Some(Role::Layer(layer)) => Some((key, s, layer)),
            _ => None,
        })
    }

    /// The surface that must have the keyboard regardless of clicks: an
    /// exclusive layer surface (lock screen), topmost layer first.
    pub fn exclusive_surface(&self) -> Option<SurfaceKey> {
        let mut best: Option<(Layer, SurfaceKey)> = None;
        for (key, surface, layer) in self.layers() {
            if surface.mapped()
                && layer.role.keyboard == KeyboardInteractivity::Exclusive
                && best.is_none_or(|(l, _)| layer.role.layer >= l)
            {
                best = Some((layer.role.layer, key));
            }
        }
        best.map(|(_, key)| key)
    }

    /// The output minus the exclusive zones of layer surfaces, logical.
    pub fn work_area(&self, output: Output) -> Area {
        let (width, height) = output.logical();
        let (mut left, mut top, mut right, mut bottom) = (0i32, 0i32, width as i32, height as i32);
        for (_, surface, layer) in self.layers() {
            if !surface.mapped() || layer.role.exclusive_zone == 0 {
                continue;
            }
            let zone = (layer.role.exclusive_zone + layer.role.margin) as i32;
            let a = layer.role.anchor;
            let horizontal = a.contains(Anchor::LEFT) == a.contains(Anchor::RIGHT);
            let vertical = a.contains(Anchor::TOP) == a.contains(Anchor::BOTTOM);
            if a.contains(Anchor::TOP) && !a.contains(Anchor::BOTTOM) && horizontal {
                top = top.max(zone);
            } else if a.contains(Anchor::BOTTOM) && !a.contains(Anchor::TOP) && horizontal {
                bottom = bottom.min(height as i32 - zone);
            } else if a.contains(Anchor::LEFT) && !a.contains(Anchor::RIGHT) && vertical {
                left = left.max(zone);
            } else if a.contains(Anchor::RIGHT) && !a.contains(Anchor::LEFT) && vertical {
                right = right.min(width as i32 - zone);
            }
        }
        Area { x: left, y: top, width: (right - left).max(1) as u32, height: (bottom - top).max(1) as u32 }
    }

    /// Lay out layer surfaces on `output`; returns those whose size
    /// changed, to configure.
    pub fn arrange_layers(&mut self, output: Output) -> Vec<(SurfaceKey, Size)> {
        let (width, height) = output.logical();
        let mut configures = Vec::new();
        for (client_id, client) in self.0.iter_mut() {
            for (surface_id, surface) in client.surfaces.iter_mut() {
                // Placed by what it shows, or by what it was asked for.
                let shown = surface.buffer.is_some().then(|| surface.logical_size(output.scale));
                let Some(Role::Layer(layer)) = &mut surface.role else {
                    continue;
                };
                let role = &layer.role;
                let margin = role.margin as i32;
                let a = role.anchor;
                let stretch_x = a.contains(Anchor::LEFT | Anchor::RIGHT);
                let stretch_y = a.contains(Anchor::TOP | Anchor::BOTTOM);
                let want = Size::new(
                    if stretch_x { width.saturating_sub(2 * role.margin) } else { role.size.width },
                    if stretch_y { height.saturating_sub(2 * role.margin) } else { role.size.height },
                );
                if want != layer.size {
                    layer.size = want;
                    configures.push(((*client_id, *surface_id), want));
                }
                let shown = shown.unwrap_or(want);
                layer.x = if a.contains(Anchor::LEFT) {
                    margin
                } else if a.contains(Anchor::RIGHT) {
                    width as i32 - shown.width as i32 - margin
                } else {
                    (width as i32 - shown.width as i32) / 2
                };
                layer.y = if a.contains(Anchor::TOP) {
                    margin
                } else if a.contains(Anchor::BOTTOM) {
                    height as i32 - shown.height as i32 - margin
                } else {
                    (height as i32 - shown.height as i32) / 2
                };
            }
        }
        configures
    }

    /// A new surface for `client`, within the per-client limit.
    pub fn create_surface(&mut self, client: ClientId, surface: SurfaceId) -> Result<(), ProtocolError> {
        let record = self.0.get_mut(&client).ok_or(ProtocolError::Malformed)?;
        if record.surfaces.contains_key(&surface) {
            return Err(ProtocolError::DuplicateId);
        }
        if record.surfaces.len() >= MAX_SURFACES {
            return Err(ProtocolError::LimitReached);
        }
        record.surfaces.insert(surface, Surface::new());
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use alloc::vec;
    use weft_compositor_api::{LayerRole, Point};
    use weft_scene::{Color, Scene};

    use crate::state::Popup;

    const APP: ClientId = ClientId(1);

    fn surface(clients: &mut Clients, id: u32, role: Role, mapped: bool) -> SurfaceKey {
        let key = (APP, SurfaceId(id));
        clients.create_surface(APP, key.1).unwrap();
        let record = clients.surface_mut(key).unwrap();
        record.role = Some(role);
        if mapped {
            record.buffer = Some(BufferId(id));
            record.pixels = (100, 30);
        }
        key
    }

    fn popup(parent: u32, grab: bool) -> Role {
        Role::Popup(Popup { parent: SurfaceId(parent), position: Point::new(0, 0), grab })
    }

    fn panel(scene: &Scene, keyboard: KeyboardInteractivity) -> Role {
        Role::Layer(LayerSurface {
            role: LayerRole {
                layer: Layer::Top,
                anchor: Anchor::TOP | Anchor::LEFT | Anchor::RIGHT,
                size: Size::new(0, 30),
                exclusive_zone: 30,
                margin: 0,
                keyboard,
            },
            x: 0,
            y: 0,
            size: Size::default(),
            group: scene.root(),
        })
    }

    fn registry() -> Clients {
        let mut clients = Clients::default();
        clients.add(APP, ClientConfig { name: "app".into(), may_use_layers: true });
        clients
    }

    #[test]
    fn popup_chains_lead_to_their_root() {
        let mut clients = registry();
        let root = surface(&mut clients, 1, Role::Cursor, true);
        surface(&mut clients, 2, popup(1, false), true);
        let nested = surface(&mut clients, 3, popup(2, true), true);
        surface(&mut clients, 4, popup(1, false), false);
        assert_eq!(clients.root_surface(nested), root);
        assert_eq!(clients.popup_depth(root, nested), 2);
        assert_eq!(clients.popups_of(root), [SurfaceId(2), SurfaceId(3)], "unmapped popups are left out");
        assert_eq!(clients.children(root), [SurfaceId(2), SurfaceId(4)]);
        assert_eq!(clients.grabbing_popups(), [nested]);
        assert_eq!(clients.owner(APP), "app");
        assert_eq!(clients.owner(ClientId(9)), "");
    }

    #[test]
    fn a_top_panel_shrinks_the_work_area_and_an_exclusive_one_holds_the_keyboard() {
        let scene = Scene::new(1, 1, Color::rgba(0, 0, 0, 255));
        let output = Output { width: 800, height: 600, scale: 1.0 };
        let mut clients = registry();
        assert_eq!(clients.work_area(output), Area { x: 0, y: 0, width: 800, height: 600 });
        let key = surface(&mut clients, 1, panel(&scene, KeyboardInteractivity::Exclusive), true);
        assert_eq!(clients.arrange_layers(output), [(key, Size::new(800, 30))]);
        assert!(clients.arrange_layers(output).is_empty(), "only changes are configured");
        assert_eq!(clients.work_area(output), Area { x: 0, y: 30, width: 800, height: 570 });
        assert_eq!(clients.exclusive_surface(), Some(key));
    }

    #[test]
    fn buffers_are_checked_and_unregistering_names_the_surfaces_showing_them() {
        let mut clients = registry();
        let key = surface(&mut clients, 7, Role::Cursor, true);
        clients.register_buffer(APP, BufferId(7), BufferLayout::packed(4, 4)).unwrap();
        assert_eq!(
            clients.register_buffer(APP, BufferId(7), BufferLayout::packed(4, 4)),
            Err(ProtocolError::DuplicateId)
        );
        assert!(clients.shows(APP, BufferId(7)));
        assert_eq!(clients.surface_size(key, 2.0), Size::new(50, 15));
        assert_eq!(clients.unregister_buffer(APP, BufferId(7)), Ok(vec![SurfaceId(7)]));
        assert_eq!(
            clients.unregister_buffer(APP, BufferId(7)),
            Err(ProtocolError::UnknownBuffer(BufferId(7)))
        );
        assert_eq!(clients.create_surface(APP, SurfaceId(7)), Err(ProtocolError::DuplicateId));
    }
}
