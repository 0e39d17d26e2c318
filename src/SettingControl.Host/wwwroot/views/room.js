// The room page (#/rooms/<id>): lights, mask, Lights up, music, session, reminders, notes, chart and devices.

import { h, s, setHidden, setText } from '../lib/dom.js';
import { actorLabel, ago, clockTime, formatDuration, kelvin, pct } from '../lib/format.js';
import { loadProtocols, protocols, protocolsError } from '../lib/catalog.js';
import { holdButton, isHeld, slider, toggle, wireSlider } from '../lib/controls.js';
import { busy, call, connState, joined, send } from '../lib/hub.js';
import { LIGHTS_UP_AGAIN_HINT, LIGHTS_UP_HINT, lightsUpStatus, pressLightsUp } from '../lib/lights-up.js';
import { storageProblem, storageWarning } from '../lib/room-status.js';
import { recordLoader } from '../lib/session-record.js';
import { isActiveSession, joinErrors, rooms } from '../lib/store.js';
import { makeDeviceRow } from './devices.js';
import { mountMusic } from './music.js';
import { mountNotes } from './notes.js';
import { overridePill } from './overrides.js';
import { mountReminders } from './reminders.js';
import { mountChart } from './session-chart.js';
import { mountSession } from './session.js';

const TRANSITIONS = [
  [0, 'Instant'],
  [1000, '1 s'],
  [5000, '5 s'],
  [30000, '30 s'],
  [120000, '2 min'],
  [300000, '5 min'],
  [1200000, '20 min'],
];

const DEFAULT_TRANSITION_MS = 1000;

/** The fade for lighting commands; back to the default on every room page so a long fade is never left armed. */
let transitionMs = DEFAULT_TRANSITION_MS;

export function mountRoom(main, roomId) {
  const title = h('h1', { class: 'room-title', 'data-testid': 'room-title' }, roomId);
  const lastChange = h('p', { class: 'last-change', 'data-testid': 'last-change' }, 'No changes yet');
  const staleNote = h('p', { class: 'stale-note', hidden: true },
    'Not connected: showing the last known state. Controls are paused until the connection is back.');
  const notFound = h('div', { class: 'not-found', hidden: true },
    h('p', { class: 'placeholder not-found-text' }),
    h('a', { class: 'btn', href: '#/' }, 'Back to all rooms'));

  // LIGHTS
  const lightOn = toggle({ id: 'light-on', testid: 'light-on-toggle', label: 'Lights on' });
  const bright = slider({
    id: 'brightness', testid: 'brightness-slider', targetTestid: 'brightness-target',
    min: 0, max: 100, step: 1, label: 'Brightness', legend: ['0%', '50%', '100%'], extraClass: 'slider-brightness',
  });
  const ct = slider({
    id: 'colortemp', testid: 'colortemp-slider', targetTestid: 'colortemp-target',
    min: 1800, max: 6500, step: 50, label: 'Colour temperature', legend: ['warm 1800 K', 'cool 6500 K'], extraClass: 'slider-ct',
  });
  const select = h('select', { id: 'transition', class: 'select', 'data-testid': 'transition-select' },
    TRANSITIONS.map(([ms, text]) => h('option', { value: ms }, text)));
  transitionMs = DEFAULT_TRANSITION_MS;
  select.value = String(transitionMs);
  select.addEventListener('change', () => {
    transitionMs = Number(select.value);
  });
  const lastFade = h('span', { class: 'muted last-fade' });
  const lightDevices = h('ul', { class: 'device-list' });

  // MASK
  const maskOn = toggle({ id: 'mask-on', testid: 'mask-on-toggle', label: 'Mask on' });
  const maskLight = slider({
    id: 'mask-light', testid: 'mask-light-slider', targetTestid: 'mask-light-target',
    min: 0, max: 100, step: 1, label: 'Mask light', legend: ['0%', '50%', '100%'], extraClass: 'slider-brightness',
  });
  const maskDevices = h('ul', { class: 'device-list' });
  const otherDevices = h('ul', { class: 'device-list' });
  const otherSection = h('section', { class: 'panel panel-other', 'aria-labelledby': 'other-h', hidden: true },
    h('h2', { id: 'other-h' }, 'Other devices'), otherDevices);

  const lightsFieldset = h('fieldset', { class: 'controls' },
    h('legend', { class: 'visually-hidden' }, 'Lighting target'),
    bright.block, ct.block,
    h('div', { class: 'control control-inline' },
      h('label', { for: 'transition' }, 'Fade'), select, lastFade));
  const maskFieldset = h('fieldset', { class: 'controls' },
    h('legend', { class: 'visually-hidden' }, 'Mask target'), maskLight.block);

  // OVERRIDES: a "Manual · hand back" pill next to each control the therapist has taken over.
  const pills = {
    lightsOn: overridePill(roomId, 'lightsOn'),
    brightness: overridePill(roomId, 'brightness'),
    colorTempK: overridePill(roomId, 'colorTempK'),
    maskOn: overridePill(roomId, 'maskOn'),
    maskLight: overridePill(roomId, 'maskLight'),
  };
  bright.slot.append(pills.brightness.btn);
  ct.slot.append(pills.colorTempK.btn);
  maskLight.slot.append(pills.maskLight.btn);

  // LIGHTS UP: hold to trigger, from a dock fixed to the bottom of the screen so it is at hand whatever the
  // scroll position; it can be held again while on (re-sent to every light). A banner on every dashboard of the
  // room while it is on.
  const lightsUp = holdButton({
    testid: 'lights-up-button',
    label: 'Lights up',
    hint: LIGHTS_UP_HINT,
    onFire: () => pressLightsUp(roomId),
  });
  const lightsUpStatusEl = h('p', { class: 'lights-up-status', 'data-testid': 'lights-up-status', role: 'status', hidden: true });
  const storageText = h('span', { class: 'storage-text' });
  const storageDetail = h('span', { class: 'storage-detail' });
  const storageWarningEl = h('p', { class: 'storage-warning', 'data-testid': 'storage-warning', role: 'alert', hidden: true },
    storageText, storageDetail);
  const lightsUpDock = h('div', { class: 'lights-up-dock', 'data-testid': 'lights-up-dock' },
    h('div', { class: 'dock-inner' },
      h('div', { class: 'dock-info' }, storageWarningEl, lightsUpStatusEl),
      lightsUp.btn));
  // The page keeps room below its content for the dock, however tall the dock grows (a wrapped warning).
  const dockSize = new ResizeObserver(() => {
    document.body.style.setProperty('--dock-h', `${Math.ceil(lightsUpDock.getBoundingClientRect().height)}px`);
  });
  dockSize.observe(lightsUpDock);
  const lightsUpText = h('span', { class: 'lights-up-text' });
  const lightsUpResume = h('button', { type: 'button', class: 'btn lights-up-resume', 'data-testid': 'lights-up-resume' }, 'Resume program');
  lightsUpResume.addEventListener('click', () => call('LightsUpResume', [roomId], 'lights-up-resume'));
  const lightsUpBanner = h('div', { class: 'lights-up-banner', 'data-testid': 'lights-up-banner', role: 'alert' },
    h('span', { class: 'lights-up-icon', 'aria-hidden': 'true' }, '☀'), lightsUpText, lightsUpResume);

  // SESSION, REMINDERS, NOTES, CHART
  const session = mountSession(roomId);
  const reminders = mountReminders(roomId);
  const notes = mountNotes(roomId);
  const chart = mountChart();
  const music = mountMusic(roomId);
  const sessionGrid = h('div', { class: 'session-grid' }, reminders.root, notes.root);
  let disposed = false;
  const record = recordLoader(roomId, () => {
    if (!disposed) update();
  });

  const content = h('div', { class: 'room-content', hidden: true },
    lastChange, staleNote,
    session.root,
    sessionGrid,
    h('div', { class: 'panels' },
      h('section', { class: 'panel panel-lights', 'aria-labelledby': 'lights-h' },
        h('div', { class: 'panel-head' }, h('h2', { id: 'lights-h' }, 'Lights'), lightOn.block),
        h('div', { class: 'head-pill' }, pills.lightsOn.btn),
        lightsFieldset,
        h('h3', { class: 'actual-head' }, 'Actual', h('span', { class: 'muted' }, ' · as the lights report')),
        lightDevices),
      h('section', { class: 'panel panel-mask', 'aria-labelledby': 'mask-h' },
        h('div', { class: 'panel-head' }, h('h2', { id: 'mask-h' }, 'Mask'), maskOn.block),
        h('div', { class: 'head-pill' }, pills.maskOn.btn),
        maskFieldset,
        h('h3', { class: 'actual-head' }, 'Actual', h('span', { class: 'muted' }, ' · as the mask reports')),
        maskDevices)),
    music.root,
    chart.root,
    otherSection);
  const loading = h('p', { class: 'placeholder' }, 'Loading room…');

  main.append(
    h('div', { class: 'room-head' },
      h('a', { class: 'back-link', href: '#/' }, h('span', { class: 'back-arrow', 'aria-hidden': 'true' }, '‹'), 'Rooms'),
      title),
    lightsUpDock,
    loading, notFound, content);
  loadProtocols(true);

  // -- events: commands go out on release, with the chosen fade for lighting.
  const lightCmd = (body, el) => send('SetLighting', roomId, { ...body, transitionMs }, el);
  const maskCmd = (body, el) => send('SetMask', roomId, body, el);

  lightOn.input.addEventListener('change', () => {
    setText(lightOn.state, lightOn.input.checked ? 'On' : 'Off');
    lightCmd({ on: lightOn.input.checked }, lightOn.input);
  });
  maskOn.input.addEventListener('change', () => {
    setText(maskOn.state, maskOn.input.checked ? 'On' : 'Off');
    maskCmd({ on: maskOn.input.checked }, maskOn.input);
  });
  wireSlider(bright.input, {
    onInput: () => setText(bright.target, pct(bright.input.value)),
    onCommit: (v) => lightCmd({ brightness: v }, bright.input),
  });
  wireSlider(ct.input, {
    onInput: () => setText(ct.target, kelvin(ct.input.value)),
    onCommit: (v) => lightCmd({ colorTempK: v }, ct.input),
  });
  wireSlider(maskLight.input, {
    onInput: () => setText(maskLight.target, pct(maskLight.input.value)),
    onCommit: (v) => maskCmd({ light: v }, maskLight.input),
  });

  const rows = new Map();

  function syncSlider(s, value, format) {
    if (isHeld(s.input)) {
      setText(s.target, format(s.input.value));
      return;
    }
    if (value != null && s.input.value !== String(value)) s.input.value = String(value);
    setText(s.target, format(value));
  }

  function syncToggle(t, on) {
    if (isHeld(t.input)) return;
    t.input.checked = !!on;
    setText(t.state, on ? 'On' : 'Off');
  }

  function update() {
    const snap = rooms.get(roomId);
    const error = joinErrors.get(roomId);
    const live = connState === 'connected' && joined.has(roomId);
    if (!snap) {
      content.hidden = true;
      loading.hidden = !!error;
      notFound.hidden = !error;
      if (error) {
        setText(notFound.querySelector('.not-found-text'), error);
        setText(title, 'Room not available');
      }
      return;
    }
    loading.hidden = true;
    notFound.hidden = true;
    content.hidden = false;
    setText(title, snap.name || roomId);
    document.title = `${snap.name || roomId} · SettingControl`;
    document.body.dataset.lastVersion = String(snap.version);

    staleNote.hidden = connState === 'connected';
    lightsFieldset.disabled = !live;
    maskFieldset.disabled = !live;
    lightOn.input.disabled = !live;
    maskOn.input.disabled = !live;

    const L = snap.desired?.lighting ?? {};
    const M = snap.desired?.mask ?? {};
    syncToggle(lightOn, L.on);
    syncSlider(bright, L.brightness, pct);
    syncSlider(ct, L.colorTempK, kelvin);
    syncToggle(maskOn, M.on);
    syncSlider(maskLight, M.light, pct);
    lightsFieldset.classList.toggle('is-off', !L.on);
    maskFieldset.classList.toggle('is-off', !M.on);
    setText(lastFade, snap.lastTransitionMs != null ? `last fade ${formatDuration(snap.lastTransitionMs)}` : '');

    if (snap.lastChange) {
      const c = snap.lastChange;
      lastChange.dataset.ts = c.at;
      lastChange.dataset.prefix = `Last change: ${c.what} · by ${c.by} · ${clockTime(c.at)}, `;
      setText(lastChange, `${lastChange.dataset.prefix}${ago(c.at)}`);
    } else {
      delete lastChange.dataset.ts;
      setText(lastChange, 'No changes yet');
    }

    const seen = new Set();
    for (const d of snap.devices ?? []) {
      seen.add(d.deviceId);
      const list = d.kind === 'light' ? lightDevices : d.kind === 'mask' ? maskDevices : otherDevices;
      let row = rows.get(d.deviceId);
      if (!row || row.kind !== d.kind) {
        if (row) row.root.remove();
        row = makeDeviceRow(d);
        rows.set(d.deviceId, row);
      }
      if (row.root.parentNode !== list) list.append(row.root);
      row.update(d, snap.desired);
    }
    for (const [id, row] of rows) {
      if (!seen.has(id)) {
        row.root.remove();
        rows.delete(id);
      }
    }
    for (const [list, text] of [[lightDevices, 'No lights in this room.'], [maskDevices, 'No mask in this room.']]) {
      let empty = list.querySelector('.device-empty');
      const hasRows = list.querySelector('.device') !== null;
      if (!hasRows && !empty) list.append(h('li', { class: 'device-empty muted' }, text));
      if (hasRows && empty) empty.remove();
    }
    otherSection.hidden = otherDevices.children.length === 0;

    // Lights up: never disabled for want of a link (a press then is held and sent when the link is back).
    const up = snap.lightsUp?.active ? snap.lightsUp : null;
    lightsUp.setHint(up ? LIGHTS_UP_AGAIN_HINT : LIGHTS_UP_HINT);
    const status = lightsUpStatus(snap);
    setText(lightsUpStatusEl, status.text);
    lightsUpStatusEl.dataset.level = status.level;
    setHidden(lightsUpStatusEl, !status.text);
    const warning = storageWarning(snap);
    const problem = storageProblem(snap);
    setText(storageText, warning ?? '');
    setText(storageDetail, problem);
    setHidden(storageDetail, !problem);
    setHidden(storageWarningEl, !warning);
    if (up) {
      setText(lightsUpText, `LIGHTS UP since ${clockTime(up.since)} by ${actorLabel(up.by)}`);
      if (lightsUpBanner.parentNode !== content) content.prepend(lightsUpBanner);
    } else if (lightsUpBanner.parentNode) {
      lightsUpBanner.remove();
    }
    lightsUpResume.disabled = !live || busy.has('lights-up-resume');

    // Session, overrides, reminders, notes, chart
    if (!protocols && !protocolsError && !isActiveSession(snap.session)) loadProtocols(false);
    for (const pill of Object.values(pills)) pill.update(snap.session, live);
    session.update(snap, live);
    reminders.update(snap, live);
    record.want(snap);
    const rec = record.rec.data;
    notes.update(snap, live, rec);
    setHidden(sessionGrid, !isActiveSession(snap.session));
    chart.update(snap, rec, record.rec.error);
    music.update(snap, live);
  }

  function tick() {
    const snap = rooms.get(roomId);
    if (!snap) return;
    session.tick(snap);
    reminders.tick();
    music.tick();
  }

  let chartTimer = setInterval(() => chart.draw(), 15000);

  function dispose() {
    disposed = true;
    record.dispose();
    chart.dispose();
    clearInterval(chartTimer);
    chartTimer = null;
    lightsUp.cancel();
    dockSize.disconnect();
    document.body.style.removeProperty('--dock-h');
  }

  return { kind: 'room', roomId, update, tick, dispose };
}
