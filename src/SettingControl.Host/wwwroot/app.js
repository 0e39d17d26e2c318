// SettingControl therapist dashboard: one vanilla ES module, no framework, no build step.
// Talks to the RoomHub over SignalR (global `signalR` from lib/signalr/signalr.min.js).
//
// Rules this file keeps:
// - Sliders and toggles only ever take their value from a snapshot's `desired`, never from `actual`.
// - A control the user is touching (or whose command is still in flight) is never overwritten.
// - Commands are sent on release (`change`), not on every `input`.

const HUB_URL = '/hubs/rooms';
const THEME_KEY = 'settingcontrol.theme';
const RETRY_MS = 4000;
const INPUT_GRACE_MS = 400;
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

// ---------------------------------------------------------------- small helpers

function h(tag, attrs = {}, ...children) {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v == null || v === false) continue;
    if (k === 'class') el.className = v;
    else if (k.startsWith('on') && typeof v === 'function') el.addEventListener(k.slice(2), v);
    else el.setAttribute(k, v === true ? '' : String(v));
  }
  for (const c of children.flat()) {
    if (c == null || c === false) continue;
    el.append(c instanceof Node ? c : String(c));
  }
  return el;
}

function setText(el, text) {
  const s = String(text);
  if (el.textContent !== s) el.textContent = s;
}

function storageGet(key) {
  try { return window.localStorage.getItem(key); } catch { return null; }
}

function storageSet(key, value) {
  try { window.localStorage.setItem(key, value); } catch { /* private mode: not persisted */ }
}

function pct(n) {
  return n == null ? '—' : `${Math.round(n)}%`;
}

function kelvin(n) {
  return n == null ? '—' : `${Math.round(n)} K`;
}

function formatDuration(ms) {
  if (ms == null) return '—';
  if (ms === 0) return 'instant';
  if (ms < 60000) return `${+(ms / 1000).toFixed(1)} s`;
  return `${+(ms / 60000).toFixed(1)} min`;
}

function ago(iso) {
  if (!iso) return 'never';
  const t = Date.parse(iso);
  if (Number.isNaN(t)) return String(iso);
  const s = Math.round((Date.now() - t) / 1000);
  if (s < 5) return 'just now';
  if (s < 60) return `${s} s ago`;
  if (s < 3600) return `${Math.floor(s / 60)} min ago`;
  if (s < 86400) return `${Math.floor(s / 3600)} h ago`;
  if (s < 7 * 86400) return `${Math.floor(s / 86400)} d ago`;
  return new Date(t).toLocaleDateString();
}

function clockTime(iso) {
  const t = Date.parse(iso);
  if (Number.isNaN(t)) return '';
  return new Date(t).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' });
}

/** A HubException arrives as "An unexpected error occurred invoking 'X' on the server. HubException: <message>". */
function hubMessage(err) {
  const raw = err && err.message ? String(err.message) : String(err);
  const m = raw.match(/HubException:\s*([\s\S]*)$/);
  if (m && m[1].trim()) return m[1].trim();
  if (/not in the 'Connected' State/i.test(raw)) return 'Not connected to the controller: the change was not sent.';
  if (/Invocation canceled/i.test(raw)) return 'The connection dropped: the change may not have been applied.';
  return raw;
}

// ---------------------------------------------------------------- theme (night mode)

const nightButton = document.getElementById('night-toggle');

function applyTheme(night) {
  const root = document.documentElement;
  root.classList.toggle('theme-night', night);
  root.classList.toggle('theme-dark', !night);
  nightButton.setAttribute('aria-pressed', String(night));
  const meta = document.querySelector('meta[name="theme-color"]');
  if (meta) meta.setAttribute('content', night ? '#0a0202' : '#0d0b09');
}

applyTheme(storageGet(THEME_KEY) === 'night');
nightButton.addEventListener('click', () => {
  const night = !document.documentElement.classList.contains('theme-night');
  applyTheme(night);
  storageSet(THEME_KEY, night ? 'night' : 'dark');
});

// ---------------------------------------------------------------- error banner

const banner = document.querySelector('[data-testid="error-banner"]');
const bannerText = banner.querySelector('.error-text');
banner.querySelector('.error-dismiss').addEventListener('click', () => clearError());

function showError(message) {
  setText(bannerText, message);
  banner.hidden = false;
}

function clearError() {
  banner.hidden = true;
  setText(bannerText, '');
}

// ---------------------------------------------------------------- state

/** roomId -> latest RoomSnapshot */
const rooms = new Map();
/** order of rooms as GetRooms returned them */
let roomOrder = [];
/** rooms whose group this connection has joined */
let joined = new Set();
/** roomId -> message, for rooms whose JoinRoom failed */
const joinErrors = new Map();
let syncGeneration = 0;
let connState = 'connecting';
let route = parseRoute();
let view = null;
/** The fade for lighting commands; back to the default on every room page so a long fade is never left armed. */
let transitionMs = DEFAULT_TRANSITION_MS;

/** Keeps the newest snapshot. `replace` accepts it whatever its version (fresh join, server may have restarted). */
function storeSnapshot(snap, replace) {
  if (!snap || typeof snap.roomId !== 'string') return false;
  const current = rooms.get(snap.roomId);
  if (!replace && current && Number(snap.version) < Number(current.version)) return false;
  rooms.set(snap.roomId, snap);
  joinErrors.delete(snap.roomId);
  return true;
}

// ---------------------------------------------------------------- touch guard for controls

/** el -> { pressed, lastInput, pending } */
const guards = new WeakMap();
const pressed = new Set();

function guard(el) {
  let g = guards.get(el);
  if (!g) {
    g = { pressed: false, lastInput: -Infinity, pending: 0 };
    guards.set(el, g);
  }
  return g;
}

/** True while the user touches the control, just moved it, or its command is in flight. */
function isHeld(el) {
  const g = guard(el);
  return g.pressed || g.pending > 0 || performance.now() - g.lastInput < INPUT_GRACE_MS;
}

function releaseAll() {
  if (pressed.size === 0) return;
  for (const g of pressed) g.pressed = false;
  pressed.clear();
  // A remote change may have been held back while the finger was down: draw it once the grace is over.
  setTimeout(refreshView, INPUT_GRACE_MS + 50);
}

for (const type of ['pointerup', 'touchend', 'touchcancel', 'mouseup']) {
  window.addEventListener(type, releaseAll, { passive: true });
}
window.addEventListener('blur', releaseAll);

function wireSlider(el, { onInput, onCommit }) {
  const g = guard(el);
  const press = () => {
    g.pressed = true;
    pressed.add(g);
  };
  el.addEventListener('pointerdown', press);
  el.addEventListener('touchstart', press, { passive: true });
  el.addEventListener('mousedown', press);
  el.addEventListener('input', () => {
    g.lastInput = performance.now();
    onInput();
  });
  el.addEventListener('change', () => {
    g.pressed = false;
    pressed.delete(g);
    onCommit(Number(el.value));
  });
}

/** Sends a command for a room; `el` stays held until the answer so late pushes cannot bounce it. */
async function send(method, roomId, body, el) {
  const g = el ? guard(el) : null;
  if (g) g.pending++;
  try {
    const snap = await connection.invoke(method, roomId, body);
    storeSnapshot(snap, false);
  } catch (err) {
    showError(hubMessage(err));
  } finally {
    if (g) {
      g.pending--;
      g.lastInput = -Infinity;
    }
    refreshView();
  }
}

// ---------------------------------------------------------------- connection

const connection = new signalR.HubConnectionBuilder()
  .withUrl(HUB_URL)
  .withAutomaticReconnect()
  .build();

connection.on('RoomChanged', (snap) => {
  if (storeSnapshot(snap, false)) refreshView(snap.roomId);
});

connection.onreconnecting(() => {
  setConnState('reconnecting');
});

connection.onreconnected(() => {
  setConnState('connected');
  joined = new Set(); // a new connection id: the server forgot our groups
  syncGroups();
});

connection.onclose(() => {
  setConnState('disconnected');
  joined = new Set();
  scheduleStart();
});

let retryTimer = null;

function scheduleStart() {
  if (retryTimer !== null) return;
  retryTimer = setTimeout(() => {
    retryTimer = null;
    startConnection();
  }, RETRY_MS);
}

async function startConnection() {
  if (connection.state !== signalR.HubConnectionState.Disconnected) return;
  if (connState !== 'disconnected') setConnState('connecting');
  try {
    await connection.start();
    setConnState('connected');
    joined = new Set();
    await syncGroups();
  } catch {
    setConnState('disconnected');
    scheduleStart();
  }
}

function retryNow() {
  if (connection.state === signalR.HubConnectionState.Disconnected) {
    if (retryTimer !== null) {
      clearTimeout(retryTimer);
      retryTimer = null;
    }
    startConnection();
  }
}

document.addEventListener('visibilitychange', () => {
  if (document.visibilityState === 'visible') retryNow();
});
window.addEventListener('online', retryNow);

const pill = document.querySelector('[data-testid="connection-status"]');
const pillText = pill.querySelector('.conn-text');
const CONN_LABELS = {
  connecting: 'connecting…',
  connected: 'connected',
  reconnecting: 'reconnecting…',
  disconnected: 'disconnected · retrying',
};

function setConnState(state) {
  connState = state;
  pill.dataset.state = state;
  setText(pillText, CONN_LABELS[state] ?? state);
  document.body.dataset.connection = state;
  refreshView();
}

/** Joins the groups the current page needs and leaves the others; redraws from the fresh snapshots. */
async function syncGroups() {
  if (connection.state !== signalR.HubConnectionState.Connected) return;
  const gen = ++syncGeneration;
  const wanted = new Set();
  try {
    if (route.name === 'list') {
      const list = await connection.invoke('GetRooms');
      if (gen !== syncGeneration) return;
      roomOrder = [];
      for (const snap of list ?? []) {
        storeSnapshot(snap, true);
        roomOrder.push(snap.roomId);
        wanted.add(snap.roomId);
      }
      // Rooms that disappeared from the server.
      for (const id of [...rooms.keys()]) if (!wanted.has(id)) rooms.delete(id);
      refreshView();
    } else {
      wanted.add(route.roomId);
    }
  } catch (err) {
    if (gen === syncGeneration) showError(hubMessage(err));
    return;
  }

  for (const id of [...joined]) {
    if (!wanted.has(id)) {
      joined.delete(id);
      connection.invoke('LeaveRoom', id).catch(() => { /* best effort */ });
    }
  }

  await Promise.all([...wanted].filter((id) => !joined.has(id)).map(async (id) => {
    try {
      const snap = await connection.invoke('JoinRoom', id);
      joined.add(id);
      storeSnapshot(snap, true);
      if (!isWanted(id)) {
        joined.delete(id);
        connection.invoke('LeaveRoom', id).catch(() => { /* best effort */ });
      }
    } catch (err) {
      const message = hubMessage(err);
      joinErrors.set(id, message);
      if (isWanted(id)) showError(message);
    }
  }));
  refreshView();
}

function isWanted(id) {
  return route.name === 'list' ? roomOrder.includes(id) : route.roomId === id;
}

// ---------------------------------------------------------------- routing

function parseRoute() {
  const hash = location.hash.replace(/^#/, '');
  const m = hash.match(/^\/rooms\/([^/?#]+)\/?$/);
  if (m) {
    try {
      return { name: 'room', roomId: decodeURIComponent(m[1]) };
    } catch { /* fall through to the list */ }
  }
  return { name: 'list' };
}

function roomHref(roomId) {
  return `#/rooms/${encodeURIComponent(roomId)}`;
}

const main = document.getElementById('view');

function mountView() {
  main.replaceChildren();
  delete document.body.dataset.lastVersion;
  view = route.name === 'room' ? mountRoom(route.roomId) : mountList();
  document.body.dataset.page = view.kind;
  refreshView();
}

function refreshView(roomId) {
  if (!view) return;
  if (roomId !== undefined && view.kind === 'room' && view.roomId !== roomId) return;
  view.update();
}

window.addEventListener('hashchange', () => {
  route = parseRoute();
  clearError();
  mountView();
  main.focus({ preventScroll: true });
  window.scrollTo(0, 0);
  syncGroups();
});

// ---------------------------------------------------------------- room list

function healthOf(snap) {
  const devices = snap.devices ?? [];
  const count = (a) => devices.filter((d) => d.availability === a).length;
  const online = count('online');
  const offline = count('offline');
  const unknown = devices.length - online - offline;
  const parts = [`${online}/${devices.length} online`];
  if (offline) parts.push(`${offline} offline`);
  if (unknown) parts.push(`${unknown} unknown`);
  const level = devices.length === 0 ? 'unknown' : offline ? 'bad' : unknown ? 'warn' : 'ok';
  return { text: parts.join(' · '), level };
}

function mountList() {
  const grid = h('div', { class: 'room-grid' });
  const empty = h('p', { class: 'placeholder' }, 'Loading rooms…');
  main.append(h('h1', { class: 'page-title' }, 'Rooms'), empty, grid);
  const cards = new Map();

  function makeCard(roomId) {
    const c = {
      name: h('span', { class: 'card-name' }),
      lights: h('span', { class: 'card-value' }),
      mask: h('span', { class: 'card-value' }),
      health: h('span', { class: 'card-health', 'data-testid': `room-card-${roomId}-health` }),
      change: h('span', { class: 'card-change' }),
    };
    c.root = h('a', { class: 'room-card', href: roomHref(roomId), 'data-testid': `room-card-${roomId}` },
      h('span', { class: 'card-top' }, c.name, h('span', { class: 'card-chevron', 'aria-hidden': 'true' }, '›')),
      h('span', { class: 'card-row' }, h('span', { class: 'card-label' }, 'Lights'), c.lights),
      h('span', { class: 'card-row' }, h('span', { class: 'card-label' }, 'Mask'), c.mask),
      h('span', { class: 'card-foot' }, c.health, c.change));
    return c;
  }

  function update() {
    const ids = roomOrder.filter((id) => rooms.has(id));
    for (const id of rooms.keys()) if (!ids.includes(id)) ids.push(id);
    for (const [id, c] of cards) {
      if (!ids.includes(id)) {
        c.root.remove();
        cards.delete(id);
      }
    }
    ids.forEach((id, i) => {
      const snap = rooms.get(id);
      let c = cards.get(id);
      if (!c) {
        c = makeCard(id);
        cards.set(id, c);
      }
      if (grid.children[i] !== c.root) grid.insertBefore(c.root, grid.children[i] ?? null);
      const L = snap.desired?.lighting ?? {};
      const M = snap.desired?.mask ?? {};
      setText(c.name, snap.name || id);
      const nb = (t) => t.replace(/ /g, '\u00a0');
      setText(c.lights, L.on ? `On · ${pct(L.brightness)} · ${nb(kelvin(L.colorTempK))}` : 'Off');
      c.lights.classList.toggle('is-off', !L.on);
      setText(c.mask, M.on ? `On · light ${pct(M.light)}` : 'Off');
      c.mask.classList.toggle('is-off', !M.on);
      const health = healthOf(snap);
      setText(c.health, health.text);
      c.health.dataset.level = health.level;
      if (snap.lastChange) {
        c.change.dataset.ts = snap.lastChange.at;
        c.change.dataset.prefix = 'Changed ';
        setText(c.change, `Changed ${ago(snap.lastChange.at)}`);
      } else {
        delete c.change.dataset.ts;
        setText(c.change, 'No changes yet');
      }
    });
    empty.hidden = ids.length > 0;
    if (ids.length === 0) {
      setText(empty, connState === 'connected' ? 'No rooms are configured.' : 'Waiting for the controller…');
    }
  }

  return { kind: 'list', update };
}

// ---------------------------------------------------------------- room page

function slider({ id, testid, min, max, step, label, targetTestid, legend, extraClass }) {
  const input = h('input', {
    type: 'range', id, min, max, step, class: `slider ${extraClass ?? ''}`.trim(), 'data-testid': testid,
  });
  const target = h('output', { class: 'target-value', for: id, 'data-testid': targetTestid });
  const block = h('div', { class: 'control' },
    h('div', { class: 'control-head' },
      h('label', { for: id }, label, h('span', { class: 'muted' }, ' · target')),
      target),
    input,
    legend ? h('div', { class: 'slider-legend', 'aria-hidden': 'true' }, legend.map((t) => h('span', {}, t))) : null);
  return { input, target, block };
}

function toggle({ id, testid, label }) {
  const input = h('input', { type: 'checkbox', role: 'switch', id, class: 'switch', 'data-testid': testid });
  const state = h('span', { class: 'switch-state', 'aria-hidden': 'true' }, 'Off');
  const block = h('label', { class: 'switch-wrap', for: id },
    h('span', { class: 'visually-hidden' }, label), input, state);
  return { input, state, block };
}

function mountRoom(roomId) {
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

  const content = h('div', { class: 'room-content', hidden: true },
    lastChange, staleNote,
    h('div', { class: 'panels' },
      h('section', { class: 'panel panel-lights', 'aria-labelledby': 'lights-h' },
        h('div', { class: 'panel-head' }, h('h2', { id: 'lights-h' }, 'Lights'), lightOn.block),
        lightsFieldset,
        h('h3', { class: 'actual-head' }, 'Actual', h('span', { class: 'muted' }, ' · as the lights report')),
        lightDevices),
      h('section', { class: 'panel panel-mask', 'aria-labelledby': 'mask-h' },
        h('div', { class: 'panel-head' }, h('h2', { id: 'mask-h' }, 'Mask'), maskOn.block),
        maskFieldset,
        h('h3', { class: 'actual-head' }, 'Actual', h('span', { class: 'muted' }, ' · as the mask reports')),
        maskDevices)),
    otherSection);
  const loading = h('p', { class: 'placeholder' }, 'Loading room…');

  main.append(
    h('div', { class: 'room-head' }, h('a', { class: 'back-link', href: '#/' }, h('span', { class: 'back-arrow', 'aria-hidden': 'true' }, '‹'), 'Rooms'), title),
    loading, notFound, content);

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
  }

  return { kind: 'room', roomId, update };
}

function makeDeviceRow(d) {
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

// ---------------------------------------------------------------- relative times tick

setInterval(() => {
  for (const el of document.querySelectorAll('[data-ts]')) {
    setText(el, `${el.dataset.prefix ?? ''}${ago(el.dataset.ts)}`);
  }
}, 5000);

// ---------------------------------------------------------------- go

mountView();
startConnection();
