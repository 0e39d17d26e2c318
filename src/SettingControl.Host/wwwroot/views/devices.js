// One row per device on the room page: availability, what it reports, and whether it is still moving to target;
// and the list of such rows a panel shows for the devices it is about.

import { h, setText } from '../lib/dom.js';
import { ago, kelvin, pct } from '../lib/format.js';

export function makeDeviceRow(d) {
  const id = d.deviceId;
  const name = h('span', { class: 'device-name' }, id);
  const badge = h('span', { class: 'badge', 'data-testid': `device-${id}-availability` });
  const meta = h('div', { class: 'device-meta' });
  const seen = h('span', {});
  meta.append(seen);
  const fill = h('span', { class: 'meter-fill' });
  const isLight = d.kind === 'light';
  const isMask = d.kind === 'mask';
  const number = h('span', {
    class: 'meter-number',
    'data-testid': isLight ? `device-${id}-actual-brightness` : isMask ? `device-${id}-actual-light` : null,
  });
  const meterLabel = isLight ? 'Brightness' : isMask ? 'Light' : 'Level';
  const meter = h('div', { class: 'meter' },
    h('span', { class: 'meter-label' }, meterLabel),
    h('span', { class: 'meter-bar', 'aria-hidden': 'true' }, fill),
    number);
  const facts = h('div', { class: 'device-facts' });
  const root = h('li', { class: 'device', 'data-testid': `device-${id}` },
    h('div', { class: 'device-head' }, name, badge), meta, meter, facts);

  function fact(text, cls) {
    return h('span', { class: `fact ${cls ?? ''}`.trim() }, text);
  }

  function update(dev, desired) {
    const availability = dev.availability ?? 'unknown';
    setText(badge, availability);
    badge.dataset.availability = ['online', 'offline', 'unknown'].includes(availability) ? availability : 'unknown';
    root.dataset.availability = badge.dataset.availability;

    const kindText = isLight ? 'Light' : isMask ? 'Eye mask' : (dev.kind ?? 'Device');
    const info = [kindText, dev.model, dev.firmware ? `fw ${dev.firmware}` : null].filter(Boolean).join(' · ');
    if (dev.lastSeen) seen.dataset.ts = dev.lastSeen; else delete seen.dataset.ts;
    seen.dataset.prefix = `${info} · seen `;
    setText(seen, `${info} · seen ${ago(dev.lastSeen)}`);

    const a = dev.actual;
    const level = a ? (isLight ? a.brightness : isMask ? a.light : (a.brightness ?? a.light)) : null;
    setText(number, pct(level));
    fill.style.width = `${Math.max(0, Math.min(100, level ?? 0))}%`;
    meter.classList.toggle('is-off', !a || !a.on);

    const items = [];
    if (!a) {
      items.push(fact('No report yet', 'muted'));
    } else {
      items.push(fact(a.on ? 'On' : 'Off', a.on ? 'is-on' : 'is-off'));
      if (isLight || a.colorTempK != null) items.push(fact(kelvin(a.colorTempK)));
      if (isMask) {
        if (a.worn != null) items.push(fact(a.worn ? 'Worn' : 'Not worn', a.worn ? '' : 'warn'));
        if (a.battery != null) items.push(fact(`Battery ${pct(a.battery)}`, a.battery < 20 ? 'warn' : ''));
      }
      if (availability === 'online' && differsFromTarget(dev, desired)) items.push(fact('moving to target…', 'moving'));
    }
    facts.replaceChildren(...items);
  }

  return { root, kind: d.kind, update };
}

/**
 * The rows of the room's devices that `belongs` picks, each kept in place from when it first appeared; a device whose
 * kind changes gets a new row. `emptyText`, when given, stands in for no device at all.
 */
export function deviceList(belongs, emptyText) {
  const root = h('ul', { class: 'device-list' });
  const rows = new Map();

  function update(snap) {
    const seen = new Set();
    for (const d of (snap.devices ?? []).filter(belongs)) {
      seen.add(d.deviceId);
      let row = rows.get(d.deviceId);
      if (!row || row.kind !== d.kind) {
        if (row) row.root.remove();
        row = makeDeviceRow(d);
        rows.set(d.deviceId, row);
      }
      if (row.root.parentNode !== root) root.append(row.root);
      row.update(d, snap.desired);
    }
    for (const [id, row] of rows) {
      if (!seen.has(id)) {
        row.root.remove();
        rows.delete(id);
      }
    }
    if (emptyText) {
      const empty = root.querySelector('.device-empty');
      const hasRows = root.querySelector('.device') !== null;
      if (!hasRows && !empty) root.append(h('li', { class: 'device-empty muted' }, emptyText));
      if (hasRows && empty) empty.remove();
    }
  }

  return { root, update };
}

function differsFromTarget(dev, desired) {
  const a = dev.actual;
  if (!a || !desired) return false;
  if (dev.kind === 'light') {
    const L = desired.lighting ?? {};
    if (!!a.on !== !!L.on) return true;
    if (!L.on) return false;
    return (a.brightness != null && a.brightness !== L.brightness) || (a.colorTempK != null && a.colorTempK !== L.colorTempK);
  }
  if (dev.kind === 'mask') {
    const M = desired.mask ?? {};
    if (!!a.on !== !!M.on) return true;
    return !!M.on && a.light != null && a.light !== M.light;
  }
  return false;
}
