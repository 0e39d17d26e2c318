// The staff console's devices table: every device that announced itself, with its room picker. The console refreshes it
// every few seconds; each row is kept and updated in place, so the facts stay fresh while a room staff picked (or the
// picker they are using) stays as it is until they press the button or pick the saved room again.

import { h, setText } from '../lib/dom.js';
import { api } from '../lib/api.js';
import { guarded, table, when } from './staff-parts.js';

/** How each device convention is named for staff (docs/devices.md); a device that says none speaks protocol v1. */
const CONVENTION_TEXT = {
  'settingcontrol-v1': 'SettingControl v1',
  zigbee2mqtt: 'Zigbee2MQTT',
  tasmota: 'Tasmota',
  'homeassistant-json': 'Home Assistant JSON',
};

/** One device's row; `move(deviceId, roomId)` saves a pick ('' releases the device). */
function deviceRow(deviceId, move) {
  const cell = (attrs) => h('td', attrs ?? {});
  const name = cell();
  const kind = cell();
  const convention = cell({ 'data-testid': `staff-device-${deviceId}-convention` });
  const model = cell();
  const firmware = cell();
  const availability = cell();
  const seen = cell();
  const target = h('select', { 'aria-label': `Room for ${deviceId}`, 'data-testid': `device-room-${deviceId}` });
  const apply = h('button', { class: 'btn', type: 'button', 'data-testid': `device-assign-${deviceId}`, onclick: () => move(deviceId, target.value) });
  const root = h('tr', { 'data-testid': `staff-device-${deviceId}` },
    name, kind, convention, model, firmware, availability, seen, h('td', {}, target), h('td', { class: 'actions' }, apply));
  let saved = '';
  const label = () => setText(apply, !target.value ? 'Release' : saved ? 'Move' : 'Assign');
  target.addEventListener('change', label);

  function update(d, rooms) {
    root.dataset.availability = d.availability;
    name.replaceChildren(d.name ? h('span', {}, h('strong', {}, d.name), h('br'), h('small', {}, d.deviceId)) : d.deviceId);
    setText(kind, d.kind ?? '—');
    setText(convention, CONVENTION_TEXT[d.convention ?? 'settingcontrol-v1'] ?? d.convention);
    setText(model, [d.vendor, d.model].filter(Boolean).join(' ') || '—');
    setText(firmware, d.firmware ?? '—');
    availability.replaceChildren(h('span', { class: `avail avail-${d.availability}` }, d.availability));
    setText(seen, when(d.lastSeen));
    const room = d.roomId ?? '';
    const unsaved = target.value !== saved && target.value !== room;
    if (!unsaved && document.activeElement !== target) {
      saved = room;
      target.replaceChildren(h('option', { value: '' }, '(unassigned)'),
        ...rooms.map((r) => h('option', { value: r.roomId, selected: r.roomId === room }, r.name)));
      target.value = room;
    }
    label();
  }

  return { root, update };
}

/** Puts `children` in `parent` in this order, moving only the ones out of place (a moved element loses focus). */
function keepInOrder(parent, children) {
  const wanted = new Set(children);
  for (const old of [...parent.children]) if (!wanted.has(old)) old.remove();
  let at = parent.firstElementChild;
  for (const child of children) {
    if (child === at) at = at.nextElementSibling;
    else parent.insertBefore(child, at);
  }
}

/**
 * The devices table of the console's Devices section `part`; `rooms()` are the rooms to pick from and `moved()` runs
 * after a device was moved (the rooms' device counts change).
 */
export function devicesTable(part, rooms, moved) {
  const wrap = table(['Device', 'Kind', 'Speaks', 'Model', 'Firmware', 'Availability', 'Last seen', 'Room', ''], [], 'devices-table');
  const body = wrap.querySelector('tbody');
  wrap.hidden = true;
  const empty = h('p', { class: 'placeholder' }, 'No device has announced itself yet.');
  const root = h('div', {}, wrap, empty,
    h('p', { class: 'hint' }, 'A device that announces itself shows here. It controls nothing until it is assigned to a room.'));
  const rows = new Map();

  const move = (deviceId, roomId) => guarded(part, async () => {
    const url = `/api/devices/${encodeURIComponent(deviceId)}/room`;
    if (roomId) await api('PUT', url, { roomId });
    else await api('DELETE', url);
    await moved();
  });

  async function load() {
    await guarded(part, async () => {
      const list = await api('GET', '/api/devices');
      const ids = new Set(list.map((d) => d.deviceId));
      for (const id of rows.keys()) if (!ids.has(id)) rows.delete(id);
      keepInOrder(body, list.map((d) => {
        let row = rows.get(d.deviceId);
        if (!row) rows.set(d.deviceId, row = deviceRow(d.deviceId, move));
        row.update(d, rooms());
        return row.root;
      }));
      wrap.hidden = list.length === 0;
      empty.hidden = list.length > 0;
    });
  }

  return { root, load };
}
