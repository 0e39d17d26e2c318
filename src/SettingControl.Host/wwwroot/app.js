// SettingControl therapist dashboard: one vanilla ES module, no framework, no build step.
// Talks to the RoomHub over SignalR (global `signalR` from lib/signalr/signalr.min.js).
//
// Rules this file keeps:
// - Sliders and toggles only ever take their value from a snapshot's `desired`, never from `actual`.
// - A control the user is touching (or whose command is still in flight) is never overwritten.
// - Commands are sent on release (`change`), not on every `input`.

import { currentUser, signOut } from './lib/api.js';
import { showSignIn } from './views/sign-in.js';
import { mountStaff } from './views/staff.js';
import { h, s, setText, setHidden } from './lib/dom.js';
import { mmss, until, actorLabel, pct, kelvin, formatDuration, ago, clockTime } from './lib/format.js';
import { isRefusal, hubMessage } from './lib/hub-errors.js';
import { storageGet, storageSet } from './lib/storage.js';

const HUB_URL = '/hubs/rooms';
const THEME_KEY = 'settingcontrol.theme';
const RETRY_MS = 3000;
// A silently dead link (Wi-Fi up, nothing carried) must show "not connected" within 5 s: the host pings every 2 s
// (HostingExtensions) and the page gives up after 5 s without a message; the page pings every 2 s so the host
// notices a dead tablet too. A hung request fails after 10 s rather than the library's 100 s.
const SERVER_TIMEOUT_MS = 5000;
const KEEP_ALIVE_MS = 2000;
const HTTP_TIMEOUT_MS = 10000;
/** Reconnect at once, then every few seconds for as long as it takes: a lost link is never given up on. */
const RECONNECT_DELAYS_MS = [0, 1000, 2000];
const RECONNECT_EVERY_MS = 3000;
/** A Lights up the room has not acknowledged within this long is shown as NOT CONFIRMED, full width. */
const LIGHTS_UP_CONFIRM_MS = 3000;
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

/** `kind` 'connection' marks an error the link caused: it goes away by itself once the link is back. */
function showError(message, kind = 'refusal') {
  setText(bannerText, message);
  banner.dataset.kind = kind;
  banner.hidden = false;
}

function showHubError(err) {
  showError(hubMessage(err), isRefusal(err) ? 'refusal' : 'connection');
}

function clearError() {
  banner.hidden = true;
  delete banner.dataset.kind;
  setText(bannerText, '');
}

function clearConnectionError() {
  if (banner.dataset.kind === 'connection') clearError();
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

/** snapshot -> performance.now() when it arrived: the phase clock counts down locally from there. */
const receivedAt = new WeakMap();
/** Protocols from GetProtocols (null until loaded). */
let protocols = null;
let protocolsLoading = false;
/** Why GetProtocols failed (shown in the session panel); not retried until the next room page or reconnect. */
let protocolsError = null;

/** Keeps the newest snapshot. `replace` accepts it whatever its version (fresh join, server may have restarted). */
function storeSnapshot(snap, replace) {
  if (!snap || typeof snap.roomId !== 'string') return false;
  const current = rooms.get(snap.roomId);
  if (!replace && current && Number(snap.version) < Number(current.version)) return false;
  receivedAt.set(snap, performance.now());
  rooms.set(snap.roomId, snap);
  joinErrors.delete(snap.roomId);
  return true;
}

/** The session's phase clock now: counted locally from the snapshot, frozen unless the clock runs. */
function liveClock(snap) {
  const session = snap?.session;
  if (!session) return null;
  const since = receivedAt.get(snap);
  const dt = since == null ? 0 : Math.max(0, (performance.now() - since) / 1000);
  const counting = session.clock === 'running';
  const elapsing = counting || session.clock === 'untimed' || session.clock === 'waitingForDose';
  const remaining = session.phaseRemainingSeconds == null
    ? null
    : Math.max(0, Number(session.phaseRemainingSeconds) - (counting ? dt : 0));
  const elapsed = Number(session.phaseElapsedSeconds ?? 0) + (elapsing ? dt : 0);
  let fade = null;
  if (session.fade && session.fade.durationMs > 0) {
    const p = Math.min(1, Number(session.fade.progress ?? 0) + (dt * 1000) / session.fade.durationMs);
    fade = { progress: p, leftMs: Math.max(0, (1 - p) * session.fade.durationMs) };
  }
  return { remaining, elapsed, fade };
}

function isActiveSession(session) {
  return !!session && !session.endedAt && session.clock !== 'ended';
}

function openReminders(session) {
  return (session?.reminders ?? []).filter((r) => r.state === 'due' || r.state === 'acknowledged');
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
    showHubError(err);
  } finally {
    if (g) {
      g.pending--;
      g.lastInput = -Infinity;
    }
    refreshView();
  }
}

/** Keys of commands in flight (a button stays disabled until its answer). */
const busy = new Set();

/**
 * Invokes a hub method with any arguments; a RoomSnapshot answer is stored. Refusals go to the error banner.
 * Resolves to { ok, result }. A command whose `busyKey` is already in flight is not sent twice.
 */
async function call(method, args, busyKey) {
  if (busyKey) {
    if (busy.has(busyKey)) return { ok: false };
    busy.add(busyKey);
    refreshView();
  }
  try {
    const result = await connection.invoke(method, ...args);
    if (result && typeof result === 'object' && typeof result.roomId === 'string' && 'version' in result) {
      storeSnapshot(result, false);
    }
    return { ok: true, result };
  } catch (err) {
    showHubError(err);
    return { ok: false };
  } finally {
    if (busyKey) busy.delete(busyKey);
    refreshView();
  }
}

async function loadProtocols(force) {
  if (protocolsLoading || ((protocols || protocolsError) && !force)) return;
  if (connection.state !== signalR.HubConnectionState.Connected) return;
  protocolsLoading = true;
  try {
    const list = await connection.invoke('GetProtocols');
    protocols = Array.isArray(list) ? list : [];
    protocolsError = null;
  } catch (err) {
    protocolsError = hubMessage(err);
  } finally {
    protocolsLoading = false;
    refreshView();
  }
}

// ---------------------------------------------------------------- connection

const connection = new signalR.HubConnectionBuilder()
  // WebSockets only: the library would otherwise fall back to long polling when a WebSocket is slow to open, and
  // long polling has no server timeout, so a dead link would go on saying "connected" for as long as a poll lasts.
  .withUrl(HUB_URL, { timeout: HTTP_TIMEOUT_MS, transport: signalR.HttpTransportType.WebSockets })
  .withAutomaticReconnect({
    nextRetryDelayInMilliseconds(context) {
      // Refused (signed out, or no longer allowed): stop; onclose checks the sign-in and shows the form.
      const status = context.retryReason?.statusCode;
      if (status === 401 || status === 403) return null;
      return RECONNECT_DELAYS_MS[context.previousRetryCount] ?? RECONNECT_EVERY_MS;
    },
  })
  .withServerTimeout(SERVER_TIMEOUT_MS)
  .withKeepAliveInterval(KEEP_ALIVE_MS)
  .build();

connection.on('RoomChanged', (snap) => {
  if (storeSnapshot(snap, false)) refreshView(snap.roomId);
});

connection.onreconnecting(() => {
  setConnState('reconnecting');
});

connection.onreconnected(() => {
  protocolsError = null; // worth another try on a fresh connection
  playlistsError = null;
  setConnState('connected');
  joined = new Set(); // a new connection id: the server forgot our groups
  resendLightsUp(); // first: nothing a tablet sends matters more
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
    protocolsError = null;
    playlistsError = null;
    setConnState('connected');
    joined = new Set();
    resendLightsUp();
    await syncGroups();
  } catch {
    // A refused start after sign-in expired: back to the sign-in form rather than retrying forever.
    if (!(await currentUser().catch(() => me))) {
      location.reload();
      return;
    }
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
// Losing the link is an alarm in a treatment room: both ways of being without one say so in the same words.
const CONN_LABELS = {
  connecting: 'connecting…',
  connected: 'connected',
  reconnecting: 'not connected',
  disconnected: 'not connected',
};

function setConnState(state) {
  connState = state;
  pill.dataset.state = state;
  setText(pillText, CONN_LABELS[state] ?? state);
  document.body.dataset.connection = state;
  if (state === 'connected') clearConnectionError();
  refreshView();
}

// ---------------------------------------------------------------- Lights up: confirmed, or loudly not

/**
 * roomId -> a Lights up pressed on this tablet that the room has not acknowledged yet:
 * { roomId, state: 'sending' | 'unconfirmed' | 'refused', reason, inFlight, timer }.
 * 'unconfirmed' is sent again as soon as the link is back, until the room acknowledges it or the therapist cancels.
 */
const lightsUpPending = new Map();
/** roomId -> lightsUp.since of the activation this tablet's press was acknowledged for. */
const lightsUpConfirmed = new Map();

/** A Lights up press: sent now if the link is up, otherwise held and sent the moment it is back. */
function pressLightsUp(roomId) {
  let p = lightsUpPending.get(roomId);
  if (!p) {
    p = { roomId, state: 'sending', reason: null, inFlight: false, timer: null };
    lightsUpPending.set(roomId, p);
  } else if (p.state === 'refused') {
    p.state = 'sending';
    p.reason = null;
  }
  lightsUpConfirmed.delete(roomId);
  clearTimeout(p.timer);
  const pressed = p;
  p.timer = setTimeout(() => {
    if (lightsUpPending.get(roomId) === pressed && pressed.state === 'sending') {
      pressed.state = 'unconfirmed';
      lightsUpChanged();
    }
  }, LIGHTS_UP_CONFIRM_MS);
  lightsUpChanged();
  return sendLightsUp(p);
}

async function sendLightsUp(p) {
  if (p.inFlight) return; // the call under way answers for this press too
  if (connection.state !== signalR.HubConnectionState.Connected) {
    p.state = 'unconfirmed'; // no link: say so at once rather than after the wait
    lightsUpChanged();
    return;
  }
  p.inFlight = true;
  try {
    const snap = await connection.invoke('LightsUp', p.roomId);
    storeSnapshot(snap, false);
    if (lightsUpPending.get(p.roomId) !== p) return; // cancelled meanwhile
    if (snap?.lightsUp?.active) {
      clearTimeout(p.timer);
      lightsUpPending.delete(p.roomId);
      lightsUpConfirmed.set(p.roomId, snap.lightsUp.since ?? '');
    } else {
      p.state = 'refused';
      p.reason = 'The room did not report Lights up.';
    }
  } catch (err) {
    if (lightsUpPending.get(p.roomId) !== p) return;
    if (isRefusal(err)) {
      p.state = 'refused';
      p.reason = hubMessage(err);
    } else {
      p.state = 'unconfirmed'; // the link failed: sent again when it is back
    }
  } finally {
    p.inFlight = false;
    lightsUpChanged();
  }
}

/** The link is back: every press not yet acknowledged (and not cancelled) goes again. */
function resendLightsUp() {
  for (const p of lightsUpPending.values()) {
    if (p.state === 'unconfirmed' || p.state === 'sending') sendLightsUp(p);
  }
}

function cancelLightsUp(roomId) {
  const p = lightsUpPending.get(roomId);
  if (!p) return;
  clearTimeout(p.timer);
  lightsUpPending.delete(roomId);
  lightsUpChanged();
}

function lightsUpChanged() {
  renderLightsUpAlerts();
  refreshView();
}

/** "2/2 lights at 100 %", from what the lights themselves report (online ones only). */
function lightsAtFull(snap) {
  const lights = (snap.devices ?? []).filter((d) => d.kind === 'light');
  if (lights.length === 0) return 'no lights in this room';
  const online = lights.filter((d) => d.availability === 'online');
  const full = online.filter((d) => d.actual && d.actual.on && Number(d.actual.brightness) >= 100).length;
  const silent = lights.length - online.length;
  return `${full}/${lights.length} lights at 100 %${silent ? ` · ${silent} not reporting` : ''}`;
}

/**
 * The room's speakers in plain words for the therapist. The output's name and its technical state (a device name,
 * an errno) are for staff, who see them in the console; here only what it means for the room.
 */
function speakersText(now) {
  if (!now) return { text: 'Music player not started', warning: false };
  const state = String(now.outputState ?? '');
  if (state.startsWith('refused')) return { text: 'Speakers off after a safety check · ask staff to choose the room\'s audio output again', warning: true };
  if (state.startsWith('unavailable')) return { text: 'Speakers not working · the music carries on silently; ask staff to check the room\'s audio output', warning: true };
  if (String(now.output ?? '').startsWith('none')) return { text: 'No speakers chosen for this room', warning: false };
  return { text: 'Playing to the room\'s speakers', warning: false };
}

/** What the Lights up control says for a room: { text, level } with level idle | sending | bad | up. */
function lightsUpStatus(snap) {
  const p = lightsUpPending.get(snap.roomId);
  if (p && p.state === 'sending') return { text: 'Sending Lights up…', level: 'sending' };
  if (p) return { text: 'Lights up NOT CONFIRMED', level: 'bad' };
  const up = snap.lightsUp?.active ? snap.lightsUp : null;
  if (!up) return { text: '', level: 'idle' };
  const confirmed = lightsUpConfirmed.get(snap.roomId) === (up.since ?? '');
  return { text: `Lights up ${confirmed ? 'confirmed' : 'active'} · ${lightsAtFull(snap)}`, level: 'up' };
}

/** The room is running ahead of its storage: said on every dashboard, in plain words. */
function storageWarning(snap) {
  const storage = snap.storage;
  if (!storage || storage.saved !== false) return null;
  return snap.lightsUp?.active
    ? 'Lights up active — not saved: storage failing'
    : 'Changes are not being saved: storage failing';
}

function storageProblem(snap) {
  const problem = snap.storage?.problem;
  return typeof problem === 'string' && problem.trim() ? problem.trim() : '';
}

const lightsUpAlerts = document.querySelector('[data-testid="lights-up-alerts"]');
/** roomId -> { root, room, text, retry } */
const alertRows = new Map();

/** Full width under the top bar, on every page: a Lights up nobody has confirmed cannot be missed. */
function renderLightsUpAlerts() {
  const open = [...lightsUpPending.values()].filter((p) => p.state === 'unconfirmed' || p.state === 'refused');
  for (const [id, row] of alertRows) {
    if (!open.some((p) => p.roomId === id)) {
      row.root.remove();
      alertRows.delete(id);
    }
  }
  for (const p of open) {
    let row = alertRows.get(p.roomId);
    if (!row) row = makeAlertRow(p.roomId);
    setText(row.room, rooms.get(p.roomId)?.name || p.roomId);
    setText(row.text, p.state === 'refused'
      ? `Use the room's wall switch. ${p.reason ?? ''}`.trim()
      : "Use the room's wall switch. It will be sent again as soon as the connection is back.");
    setHidden(row.retry, p.state !== 'refused');
  }
}

function makeAlertRow(roomId) {
  const room = h('span', { class: 'lu-alert-room' });
  const text = h('p', { class: 'lu-alert-text' });
  const retry = h('button', { type: 'button', class: 'btn lu-alert-retry', 'data-testid': `lights-up-retry-${roomId}` }, 'Try again');
  retry.addEventListener('click', () => pressLightsUp(roomId));
  const cancel = h('button', {
    type: 'button', class: 'btn lu-alert-cancel', 'data-testid': `lights-up-cancel-${roomId}`,
  }, 'Cancel');
  cancel.addEventListener('click', () => cancelLightsUp(roomId));
  const root = h('div', { class: 'lu-alert', role: 'alert', 'data-testid': `lights-up-unconfirmed-${roomId}` },
    h('div', { class: 'lu-alert-main' },
      h('p', { class: 'lu-alert-title' }, h('span', { class: 'lu-alert-icon', 'aria-hidden': 'true' }, '☀'),
        'LIGHTS UP NOT CONFIRMED', h('span', { class: 'lu-alert-sep', 'aria-hidden': 'true' }, ' · '), room),
      text),
    h('div', { class: 'lu-alert-actions' }, retry, cancel));
  lightsUpAlerts.append(root);
  const row = { root, room, text, retry };
  alertRows.set(roomId, row);
  return row;
}

/** Joins the groups the current page needs and leaves the others; redraws from the fresh snapshots. */
async function syncGroups() {
  if (connection.state !== signalR.HubConnectionState.Connected) return;
  const gen = ++syncGeneration;
  const wanted = new Set();
  try {
    if (route.name === 'staff') {
      // The console reads REST; it watches no room.
    } else if (route.name === 'list') {
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
    if (gen === syncGeneration) showHubError(err);
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
      // A refusal (no such room, not allowed) is the page's answer; a dropped link is retried on reconnect.
      if (isRefusal(err)) joinErrors.set(id, hubMessage(err));
      if (isWanted(id)) showHubError(err);
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
  if (/^\/staff\/?$/.test(hash)) return { name: 'staff' };
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
  if (view && view.dispose) view.dispose();
  main.replaceChildren();
  delete document.body.dataset.lastVersion;
  if (route.name === 'staff') {
    view = me.canProvision ? mountStaff(main, me) : mountNotAllowed();
  } else {
    view = route.name === 'room' ? mountRoom(route.roomId) : mountList();
  }
  document.body.dataset.page = view.kind;
  refreshView();
}

function refreshView(roomId) {
  if (!view) return;
  if (roomId !== undefined && view.kind === 'room' && view.roomId !== roomId) return;
  view.update();
  if (view.kind === 'room' && me && !me.canControlRooms) makeReadOnly();
}

/** Observers watch: every control on the room page is disabled (the server refuses them as well). */
function makeReadOnly() {
  for (const control of main.querySelectorAll('input, select, textarea, button')) {
    if (!control.disabled) control.disabled = true;
  }
}

function mountNotAllowed() {
  main.append(h('h1', { class: 'page-title' }, 'Staff console'),
    h('p', { class: 'placeholder', 'data-testid': 'not-allowed' }, 'The staff console is for staff and admins. Ask an admin if you need it.'));
  return { kind: 'not-allowed', update() {} };
}

window.addEventListener('hashchange', () => {
  if (!me) return; // the sign-in form stays until someone signs in
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
      lightsUp: h('span', { class: 'card-lights-up', 'data-testid': `room-card-${roomId}-lights-up` }, 'LIGHTS UP'),
      phase: h('span', { class: 'card-value card-phase', 'data-testid': `room-card-${roomId}-phase` }),
      reminders: h('span', { class: 'card-value card-reminders', 'data-testid': `room-card-${roomId}-reminders` }),
    };
    c.badges = h('span', { class: 'card-badges' });
    c.storage = h('span', { class: 'card-storage', 'data-testid': `room-card-${roomId}-storage` });
    // Lights up from the overview, with the same hold as the room page; read-only accounts get none.
    c.hold = me?.canControlRooms
      ? holdButton({
        testid: `room-card-${roomId}-lights-up-button`,
        label: 'Lights up',
        hint: LIGHTS_UP_HINT,
        onFire: () => pressLightsUp(roomId),
        extraClass: 'is-compact',
      })
      : null;
    c.holdStatus = h('span', { class: 'lights-up-status card-lights-up-status', 'data-testid': `room-card-${roomId}-lights-up-status`, hidden: true });
    // The card is a box, not a link: a button cannot sit inside a link. The link's hit area covers the card
    // (CSS), the hold button sits above it.
    c.root = h('div', { class: 'room-card', 'data-testid': `room-card-${roomId}` },
      h('a', { class: 'card-top card-link', href: roomHref(roomId) },
        c.name, h('span', { class: 'card-chevron', 'aria-hidden': 'true' }, '›')),
      c.badges,
      h('span', { class: 'card-row' }, h('span', { class: 'card-label' }, 'Phase'), c.phase),
      h('span', { class: 'card-row card-row-wrap' }, h('span', { class: 'card-label' }, 'Reminders'), c.reminders),
      h('span', { class: 'card-row' }, h('span', { class: 'card-label' }, 'Lights'), c.lights),
      h('span', { class: 'card-row' }, h('span', { class: 'card-label' }, 'Mask'), c.mask),
      h('span', { class: 'card-foot' }, c.health, c.change),
      c.hold ? h('div', { class: 'card-hold' }, c.holdStatus, c.hold.btn) : null);
    return c;
  }

  function cardPhaseText(snap) {
    const session = snap.session;
    if (!session) return 'No session';
    if (!isActiveSession(session)) return `No session · last ended ${clockTime(session.endedAt)}`;
    const clock = liveClock(snap);
    const name = session.phaseName || session.phaseId || 'Phase';
    let when;
    if (session.clock === 'waitingForDose') when = 'waiting for T0';
    else if (clock.remaining == null) when = 'until you move on';
    else when = `${mmss(clock.remaining)} left`;
    if (session.clock === 'held') when += ' · held';
    if (session.clock === 'complete') when = 'complete';
    return `${name} · ${when}`;
  }

  function tick() {
    for (const [id, c] of cards) {
      const snap = rooms.get(id);
      if (snap) setText(c.phase, cardPhaseText(snap));
    }
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

      const session = snap.session;
      const active = isActiveSession(session);
      setText(c.phase, cardPhaseText(snap));
      c.phase.classList.toggle('is-off', !active);
      c.phase.dataset.clock = active ? session.clock : 'none';
      const open = active ? openReminders(session) : [];
      const due = open.filter((r) => r.state === 'due').length;
      setText(c.reminders, !active ? '—' : open.length === 0 ? 'None open'
        : `${open.length} open${due ? ` · ${due} due` : ''}`);
      c.reminders.dataset.due = String(due > 0);
      c.reminders.classList.toggle('is-off', open.length === 0);
      const up = !!snap.lightsUp?.active;
      if (up && c.lightsUp.parentNode !== c.badges) c.badges.prepend(c.lightsUp);
      if (!up && c.lightsUp.parentNode) c.lightsUp.remove();
      const warning = storageWarning(snap);
      setText(c.storage, warning ?? '');
      if (warning && c.storage.parentNode !== c.badges) c.badges.append(c.storage);
      if (!warning && c.storage.parentNode) c.storage.remove();
      const status = lightsUpStatus(snap);
      setText(c.holdStatus, status.text);
      c.holdStatus.dataset.level = status.level;
      setHidden(c.holdStatus, !status.text);
      if (c.hold) c.hold.setHint(up ? LIGHTS_UP_AGAIN_HINT : LIGHTS_UP_HINT);
      c.root.classList.toggle('is-lights-up', up);
      c.root.classList.toggle('has-due', due > 0);
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

  return { kind: 'list', update, tick };
}

// ---------------------------------------------------------------- room page

function slider({ id, testid, min, max, step, label, targetTestid, legend, extraClass }) {
  const input = h('input', {
    type: 'range', id, min, max, step, class: `slider ${extraClass ?? ''}`.trim(), 'data-testid': testid,
  });
  const target = h('output', { class: 'target-value', for: id, 'data-testid': targetTestid });
  const slot = h('span', { class: 'control-slot' });
  const block = h('div', { class: 'control' },
    h('div', { class: 'control-head' },
      h('span', { class: 'control-label' },
        h('label', { for: id }, label, h('span', { class: 'muted' }, ' · target')),
        slot),
      target),
    input,
    legend ? h('div', { class: 'slider-legend', 'aria-hidden': 'true' }, legend.map((t) => h('span', {}, t))) : null);
  return { input, target, block, slot };
}

function toggle({ id, testid, label }) {
  const input = h('input', { type: 'checkbox', role: 'switch', id, class: 'switch', 'data-testid': testid });
  const state = h('span', { class: 'switch-state', 'aria-hidden': 'true' }, 'Off');
  const block = h('label', { class: 'switch-wrap', for: id },
    h('span', { class: 'visually-hidden' }, label), input, state);
  return { input, state, block };
}

// ---------------------------------------------------------------- room page: Lights up

const HOLD_MS = 1000;

/**
 * A button that fires only after being held for HOLD_MS (pointer, or Enter/Space held down), with a
 * fill that shows how far the hold has got. Letting go early does nothing; a plain click does nothing.
 */
function holdButton({ testid, label, hint, onFire, extraClass }) {
  let idleHint = hint;
  const fill = h('span', { class: 'hold-fill', 'aria-hidden': 'true' });
  const labelEl = h('span', { class: 'hold-label' }, label);
  const hintEl = h('span', { class: 'hold-hint' }, hint);
  const btn = h('button', {
    type: 'button',
    class: `lights-up-btn ${extraClass ?? ''}`.trim(),
    'data-testid': testid,
    'aria-label': `${label}: press and hold for 1 second`,
  }, fill, h('span', { class: 'hold-text' }, h('span', { class: 'hold-icon', 'aria-hidden': 'true' }, '☀'), labelEl, hintEl));

  let timer = null;
  let raf = 0;
  let startedAt = 0;
  let pointerId = null;

  function paint() {
    const p = Math.min(1, (performance.now() - startedAt) / HOLD_MS);
    fill.style.transform = `scaleX(${p})`;
    if (timer !== null) raf = requestAnimationFrame(paint);
  }

  function start() {
    if (btn.disabled || timer !== null) return;
    startedAt = performance.now();
    btn.classList.add('is-holding');
    setText(hintEl, 'keep holding…');
    timer = setTimeout(fire, HOLD_MS);
    raf = requestAnimationFrame(paint);
  }

  function reset() {
    if (timer !== null) clearTimeout(timer);
    timer = null;
    cancelAnimationFrame(raf);
    pointerId = null;
    btn.classList.remove('is-holding');
    fill.style.transform = 'scaleX(0)';
    setText(hintEl, idleHint);
  }

  /** The hint shown while nobody is holding it (a hold in progress keeps its own). */
  function setHint(text) {
    idleHint = text;
    if (timer === null && !btn.classList.contains('is-fired')) setText(hintEl, text);
  }

  function cancel() {
    if (timer === null) return;
    reset();
  }

  function fire() {
    timer = null;
    cancelAnimationFrame(raf);
    fill.style.transform = 'scaleX(1)';
    btn.classList.remove('is-holding');
    btn.classList.add('is-fired');
    btn.dataset.fired = String(Number(btn.dataset.fired ?? 0) + 1); // how many holds went off: a hold's own receipt
    setText(hintEl, 'sending…');
    Promise.resolve(onFire()).finally(() => {
      btn.classList.remove('is-fired');
      reset();
    });
  }

  btn.addEventListener('pointerdown', (e) => {
    if (e.pointerType === 'mouse' && e.button !== 0) return;
    pointerId = e.pointerId;
    try { btn.setPointerCapture(e.pointerId); } catch { /* not capturable: fine */ }
    start();
  });
  btn.addEventListener('pointermove', (e) => {
    if (timer === null || e.pointerId !== pointerId) return;
    const r = btn.getBoundingClientRect();
    const slack = 24;
    if (e.clientX < r.left - slack || e.clientX > r.right + slack || e.clientY < r.top - slack || e.clientY > r.bottom + slack) cancel();
  });
  for (const type of ['pointerup', 'pointercancel', 'lostpointercapture']) {
    btn.addEventListener(type, (e) => {
      if (pointerId === null || e.pointerId === pointerId) cancel();
    });
  }
  btn.addEventListener('keydown', (e) => {
    if (e.key !== 'Enter' && e.key !== ' ') return;
    e.preventDefault(); // no click from Enter, no scroll from Space
    if (!e.repeat) start();
  });
  btn.addEventListener('keyup', (e) => {
    if (e.key !== 'Enter' && e.key !== ' ') return;
    e.preventDefault();
    cancel();
  });
  btn.addEventListener('blur', cancel);
  btn.addEventListener('click', (e) => e.preventDefault());
  btn.addEventListener('contextmenu', (e) => e.preventDefault());

  return { btn, cancel, setHint };
}

const LIGHTS_UP_HINT = 'press and hold 1 s';
const LIGHTS_UP_AGAIN_HINT = 'on · hold 1 s to send again';

// ---------------------------------------------------------------- room page: overrides

const OVERRIDE_LABELS = {
  lightsOn: 'Lights on/off',
  brightness: 'Brightness',
  colorTempK: 'Colour temperature',
  maskOn: 'Mask on/off',
  maskLight: 'Mask light',
};

function overridePill(roomId, attribute) {
  const key = `override:${attribute}`;
  const btn = h('button', {
    type: 'button',
    class: 'override-pill',
    'data-testid': `override-${attribute}`,
    'aria-label': `${OVERRIDE_LABELS[attribute]} is set by hand: hand it back to the phase program`,
    hidden: true,
  }, h('span', { class: 'override-dot', 'aria-hidden': 'true' }), 'Manual · hand back');
  btn.addEventListener('click', () => call('ReleaseOverride', [roomId, attribute], key));
  function update(session, live) {
    const on = isActiveSession(session) && (session.overrides ?? []).includes(attribute);
    setHidden(btn, !on);
    btn.disabled = !live || busy.has(key);
  }
  return { btn, update };
}

// ---------------------------------------------------------------- room page: session panel

const CLOCK_TEXT = {
  waitingForDose: 'mark T0 when the dose is given',
  running: '',
  held: 'clock paused',
  untimed: 'lasts until you move on',
  complete: 'last timed phase is over',
  ended: '',
};

function exportLinks(sessionId) {
  const base = `/api/sessions/${encodeURIComponent(sessionId)}/export`;
  return [
    h('a', { class: 'btn btn-small', href: `${base}?format=csv`, download: '', 'data-testid': 'export-csv' }, 'Export CSV'),
    h('a', { class: 'btn btn-small', href: `${base}?format=json`, download: '', 'data-testid': 'export-json' }, 'Export JSON'),
  ];
}

function mountSession(roomId) {
  // ---- no active session: start form (and the last session, if there was one)
  const protocolSelect = h('select', { id: 'protocol', class: 'select select-wide', 'data-testid': 'protocol-select' });
  const protocolDesc = h('p', { class: 'muted protocol-desc' });
  const labelInput = h('input', {
    id: 'session-label-input',
    class: 'text-input',
    type: 'text',
    maxlength: 100,
    autocomplete: 'off',
    spellcheck: 'false',
    placeholder: 'No patient names · e.g. Tue 10:00 room 1',
    'data-testid': 'session-label',
  });
  const startButton = h('button', { type: 'submit', class: 'btn btn-primary', 'data-testid': 'start-session' }, 'Start session');
  const startHint = h('p', { class: 'field-hint', id: 'session-label-hint' },
    'A label for the session record: day, time, room. No patient names.');
  labelInput.setAttribute('aria-describedby', 'session-label-hint');
  const startForm = h('form', { class: 'start-form', novalidate: true },
    h('div', { class: 'field' }, h('label', { for: 'protocol' }, 'Protocol'), protocolSelect, protocolDesc),
    h('div', { class: 'field' }, h('label', { for: 'session-label-input' }, 'Label'), labelInput, startHint),
    h('div', { class: 'form-actions' }, startButton));
  const lastSession = h('div', { class: 'last-session', hidden: true });
  const none = h('div', { class: 'session-none' },
    h('div', { class: 'panel-head' }, h('h2', {}, 'Session'), h('span', { class: 'muted' }, 'no session running')),
    lastSession, startForm);

  startForm.addEventListener('submit', async (e) => {
    e.preventDefault();
    const label = labelInput.value.trim();
    if (!label) {
      startHint.classList.add('is-error');
      setText(startHint, 'Enter a label first (day, time, room — no patient names).');
      labelInput.focus();
      return;
    }
    startHint.classList.remove('is-error');
    setText(startHint, 'A label for the session record: day, time, room. No patient names.');
    const res = await call('StartSession', [roomId, { protocolId: protocolSelect.value, label }], 'start');
    if (res.ok) labelInput.value = '';
  });
  protocolSelect.addEventListener('change', () => showProtocolDesc());

  function showProtocolDesc() {
    const p = (protocols ?? []).find((x) => x.id === protocolSelect.value);
    protocolDesc.classList.toggle('is-error', !protocols && !!protocolsError);
    if (!p) {
      setText(protocolDesc, !protocols && protocolsError ? `Protocols could not be loaded: ${protocolsError}` : '');
      return;
    }
    const phases = (p.phases ?? []).map((ph) => `${ph.name}${ph.durationMinutes != null ? ` ${ph.durationMinutes}′` : ''}`);
    setText(protocolDesc, [p.description, phases.join(' → ')].filter(Boolean).join(' · '));
  }

  let protocolKey = '';
  function syncProtocols() {
    const list = protocols ?? [];
    const key = `${protocolsError ?? ''}\u0002${list.map((p) => `${p.id}\u0000${p.name}`).join('\u0001')}`;
    if (key === protocolKey) return;
    protocolKey = key;
    const keep = protocolSelect.value;
    protocolSelect.replaceChildren(...(list.length === 0
      ? [h('option', { value: '' }, protocols ? 'No protocols configured' : protocolsError ? 'Protocols unavailable' : 'Loading protocols…')]
      : list.map((p) => h('option', { value: p.id }, p.name + (p.builtIn ? '' : ' (custom)')))));
    if (list.some((p) => p.id === keep)) protocolSelect.value = keep;
    showProtocolDesc();
  }

  // ---- active session
  const info = h('span', { class: 'session-info', 'data-testid': 'session-info' });
  const exportsBox = h('span', { class: 'exports' });
  const phaseName = h('div', { class: 'phase-name', 'data-testid': 'phase-name' });
  const clockState = h('span', { class: 'clock-state', 'data-testid': 'clock-state' });
  const clockText = h('span', { class: 'clock-text' });
  const remaining = h('div', { class: 'phase-remaining', 'data-testid': 'phase-remaining' });
  const remainingSub = h('div', { class: 'remaining-sub muted' });
  const markDose = h('button', { type: 'button', class: 'btn btn-primary btn-dose', 'data-testid': 'mark-dose' }, 'Mark T0 (dose given)');
  const doseTime = h('div', { class: 'dose-time', 'data-testid': 'dose-time', hidden: true });
  const holdBtn = h('button', { type: 'button', class: 'btn', 'data-testid': 'hold-clock' }, 'Hold');
  const resumeBtn = h('button', { type: 'button', class: 'btn btn-primary', 'data-testid': 'resume-clock', hidden: true }, 'Resume');
  const extendBtn = h('button', { type: 'button', class: 'btn', 'data-testid': 'extend-5' }, '+5 min');
  const jumpSelect = h('select', { id: 'jump-phase', class: 'select', 'data-testid': 'jump-phase-select', 'aria-label': 'Phase to go to' });
  const jumpBtn = h('button', { type: 'button', class: 'btn', 'data-testid': 'jump-phase' }, 'Go to phase');
  const endBtn = h('button', { type: 'button', class: 'btn btn-end', 'data-testid': 'end-session' }, 'End session');
  const timeline = h('ol', { class: 'timeline', 'data-testid': 'phase-timeline', 'aria-label': 'Protocol timeline' });
  const fadeBar = h('span', { class: 'fade-fill' });
  const fadeProgress = h('div', {
    class: 'fade-progress', role: 'progressbar', 'aria-valuemin': 0, 'aria-valuemax': 100,
    'aria-label': 'Scene fade', 'data-testid': 'fade-progress',
  }, fadeBar);
  const fadeText = h('span', { class: 'fade-text' });
  const fadeBox = h('div', { class: 'fade-box', hidden: true }, fadeText, fadeProgress);

  const live = h('div', { class: 'session-live', hidden: true },
    h('div', { class: 'panel-head session-head' },
      h('h2', {}, 'Session'), info, exportsBox),
    h('div', { class: 'session-status' },
      h('div', { class: 'status-phase' },
        h('div', { class: 'status-label muted' }, 'Phase'),
        phaseName,
        h('div', { class: 'clock-line' }, clockState, clockText)),
      h('div', { class: 'status-remaining' },
        h('div', { class: 'status-label muted' }, 'Left in phase'),
        remaining, remainingSub),
      h('div', { class: 'status-dose' }, markDose, doseTime)),
    h('div', { class: 'session-actions' },
      holdBtn, resumeBtn, extendBtn,
      h('span', { class: 'jump-group' }, jumpSelect, jumpBtn),
      endBtn),
    timeline,
    fadeBox);

  const root = h('section', { class: 'panel session-panel', 'data-testid': 'session-panel', 'aria-label': 'Session' }, none, live);

  markDose.addEventListener('click', () => call('MarkDose', [roomId], 'dose'));
  holdBtn.addEventListener('click', () => call('HoldClock', [roomId], 'clock'));
  resumeBtn.addEventListener('click', () => call('ResumeClock', [roomId], 'clock'));
  extendBtn.addEventListener('click', () => call('ExtendPhase', [roomId, 5], 'extend'));
  jumpBtn.addEventListener('click', () => {
    if (jumpSelect.value) call('JumpToPhase', [roomId, jumpSelect.value], 'jump');
  });

  // End session: the first tap arms the button, a second tap within 5 s ends the session.
  let endArmed = null;
  function disarmEnd() {
    if (endArmed !== null) clearTimeout(endArmed);
    endArmed = null;
    endBtn.classList.remove('is-armed');
    setText(endBtn, 'End session');
  }
  endBtn.addEventListener('click', () => {
    if (endArmed === null) {
      endBtn.classList.add('is-armed');
      setText(endBtn, 'Tap again to end');
      endArmed = setTimeout(disarmEnd, 5000);
      return;
    }
    disarmEnd();
    call('EndSession', [roomId], 'end');
  });

  const segments = new Map();
  let timelineKey = '';
  let jumpKey = '';
  let sessionId = null;

  function buildTimeline(session) {
    const phases = session.phases ?? [];
    const key = `${session.sessionId}|${phases.map((p) => `${p.id}:${p.durationMinutes}:${p.startedAt}`).join(',')}`;
    if (key === timelineKey) return;
    timelineKey = key;
    segments.clear();
    const known = phases.map((p) => p.durationMinutes).filter((m) => m != null && m > 0);
    const openWeight = known.length ? Math.max(8, known.reduce((a, b) => a + b, 0) / known.length) : 15;
    timeline.replaceChildren(...phases.map((p, i) => {
      const weight = p.durationMinutes != null && p.durationMinutes > 0 ? p.durationMinutes : openWeight;
      const fill = h('span', { class: 'seg-fill', 'aria-hidden': 'true' });
      const when = h('span', { class: 'seg-when' });
      const seg = h('li', {
        class: `seg${p.durationMinutes == null ? ' is-open' : ''}${p.startsAtDose ? ' at-dose' : ''}`,
        'data-testid': `timeline-phase-${p.id}`,
        style: `flex-grow: ${weight}`,
      },
      fill,
      p.startsAtDose ? h('span', { class: 'seg-t0', title: 'Starts at T0 (dose given)' }, 'T0') : null,
      h('span', { class: 'seg-name' }, p.name),
      h('span', { class: 'seg-meta' }, p.durationMinutes != null ? `${p.durationMinutes} min` : 'open', when));
      seg.title = `${i + 1}. ${p.name} · ${p.durationMinutes != null ? `${p.durationMinutes} min` : 'until you move on'}${p.fadeSeconds ? ` · fade ${formatDuration(p.fadeSeconds * 1000)}` : ''}`;
      segments.set(p.id, { seg, fill, when, index: i });
      return seg;
    }));
  }

  function syncJump(session) {
    const phases = session.phases ?? [];
    const key = `${session.sessionId}|${phases.map((p) => p.id).join(',')}`;
    if (key !== jumpKey) {
      jumpKey = key;
      jumpSelect.replaceChildren(...phases.map((p, i) => h('option', { value: p.id }, `${i + 1}. ${p.name}`)));
      sessionId = null; // re-pick the default below
    }
    // Default to the next phase; keep the user's choice while the phase does not change.
    const want = `${session.sessionId}|${session.phaseId}`;
    if (sessionId !== want) {
      sessionId = want;
      const next = phases[session.phaseIndex + 1] ?? phases[session.phaseIndex];
      if (next) jumpSelect.value = next.id;
    }
  }

  function update(snap, isLive) {
    const session = snap.session;
    const active = isActiveSession(session);
    setHidden(none, active);
    setHidden(live, !active);
    if (!active) {
      disarmEnd();
      syncProtocols();
      const canStart = isLive && !!protocols && protocols.length > 0 && !busy.has('start');
      startButton.disabled = !canStart;
      protocolSelect.disabled = !isLive;
      labelInput.disabled = !isLive;
      if (session) {
        setHidden(lastSession, false);
        const text = `Last session: ${session.protocolName} · ${session.label} · ${clockTime(session.startedAt)}–${clockTime(session.endedAt)}`;
        if (lastSession.dataset.key !== session.sessionId + text) {
          lastSession.dataset.key = session.sessionId + text;
          lastSession.replaceChildren(h('span', { class: 'last-session-text', 'data-testid': 'last-session' }, text),
            h('span', { class: 'exports' }, exportLinks(session.sessionId)));
        }
      } else {
        setHidden(lastSession, true);
      }
      return;
    }

    setText(info, `${session.protocolName} · ${session.label}`);
    if (exportsBox.dataset.sessionId !== session.sessionId) {
      exportsBox.dataset.sessionId = session.sessionId;
      exportsBox.replaceChildren(...exportLinks(session.sessionId));
    }
    setText(phaseName, session.phaseName || session.phaseId);
    setText(clockState, session.clock);
    clockState.dataset.clock = session.clock;
    setText(clockText, CLOCK_TEXT[session.clock] ?? '');
    live.dataset.clock = session.clock;

    const noDose = !session.doseAt;
    setHidden(markDose, !noDose);
    setHidden(doseTime, noDose);
    markDose.disabled = !isLive || busy.has('dose');
    if (!noDose) {
      doseTime.dataset.ts = session.doseAt;
      doseTime.dataset.prefix = `T0 ${clockTime(session.doseAt)} · `;
      setText(doseTime, `${doseTime.dataset.prefix}${ago(session.doseAt)}`);
    }

    const held = session.clock === 'held';
    setHidden(holdBtn, held);
    setHidden(resumeBtn, !held);
    holdBtn.disabled = !isLive || busy.has('clock');
    resumeBtn.disabled = !isLive || busy.has('clock');
    const timed = session.phaseRemainingSeconds != null;
    extendBtn.disabled = !isLive || !timed || busy.has('extend');
    extendBtn.title = timed ? 'Add 5 minutes to this phase' : 'This phase has no set length';
    syncJump(session);
    jumpSelect.disabled = !isLive;
    jumpBtn.disabled = !isLive || busy.has('jump');
    endBtn.disabled = !isLive || busy.has('end');

    buildTimeline(session);
    for (const [id, sg] of segments) {
      const current = id === session.phaseId;
      const past = sg.index < session.phaseIndex;
      sg.seg.classList.toggle('is-current', current);
      sg.seg.classList.toggle('is-past', past);
      if (current) sg.seg.setAttribute('aria-current', 'step');
      else sg.seg.removeAttribute('aria-current');
      const plan = (session.phases ?? [])[sg.index];
      setText(sg.when, plan?.startedAt && (past || current) ? ` · ${clockTime(plan.startedAt)}` : '');
    }
    tick(snap);
  }

  /** Every second: the local countdown, the current segment's fill and the fade. */
  function tick(snap) {
    const session = snap?.session;
    if (!isActiveSession(session)) return;
    const clock = liveClock(snap);
    if (clock.remaining == null) {
      setText(remaining, 'until you move on');
      remaining.classList.add('is-open');
      setText(remainingSub, `${mmss(clock.elapsed)} in this phase`);
    } else {
      setText(remaining, mmss(clock.remaining));
      remaining.classList.remove('is-open');
      const plan = (session.phases ?? [])[session.phaseIndex];
      setText(remainingSub, plan?.endsAt && session.clock === 'running' ? `ends ${clockTime(plan.endsAt)}` : `${mmss(clock.elapsed)} in this phase`);
    }
    remaining.dataset.clock = session.clock;
    const sg = segments.get(session.phaseId);
    if (sg) {
      const total = clock.remaining == null ? null : clock.elapsed + clock.remaining;
      sg.fill.style.transform = `scaleX(${total ? Math.min(1, clock.elapsed / total) : 0})`;
    }
    for (const [id, other] of segments) if (id !== session.phaseId) other.fill.style.transform = other.seg.classList.contains('is-past') ? 'scaleX(1)' : 'scaleX(0)';

    const fade = clock.fade;
    setHidden(fadeBox, !fade || fade.progress >= 1);
    if (fade) {
      const p = Math.round(fade.progress * 100);
      fadeBar.style.transform = `scaleX(${fade.progress})`;
      fadeProgress.setAttribute('aria-valuenow', String(p));
      setText(fadeText, `Fading into the ${session.phaseName} scene · ${p}% · ${mmss(fade.leftMs / 1000)} left`);
    }
  }

  return { root, update, tick };
}

// ---------------------------------------------------------------- room page: reminders

const PRIORITY_RANK = { high: 0, medium: 1, low: 2 };
const STATE_RANK = { due: 0, acknowledged: 1, scheduled: 2, done: 3 };

function mountReminders(roomId) {
  const openList = h('ul', { class: 'reminder-list reminder-open' });
  const laterHead = h('h3', { class: 'sub-head' }, 'Later');
  const laterList = h('ul', { class: 'reminder-list reminder-later' });
  const doneList = h('ul', { class: 'reminder-list reminder-done-list' });
  const doneSummary = h('summary', { class: 'done-summary' });
  const done = h('details', { class: 'reminder-done-box' }, doneSummary, doneList);
  const empty = h('p', { class: 'muted reminder-empty' }, 'No open reminders.');
  const count = h('span', { class: 'muted panel-count' });

  const title = h('input', { id: 'reminder-title', class: 'text-input', type: 'text', maxlength: 100, autocomplete: 'off', placeholder: 'e.g. Check blood pressure', 'data-testid': 'reminder-title' });
  const priority = h('select', { id: 'reminder-priority', class: 'select', 'data-testid': 'reminder-priority' },
    h('option', { value: 'high' }, 'High'), h('option', { value: 'medium', selected: true }, 'Medium'), h('option', { value: 'low' }, 'Low'));
  const minutes = h('input', { id: 'reminder-minutes', class: 'text-input input-minutes', type: 'number', min: 0, max: 600, step: 1, value: 10, inputmode: 'numeric', 'data-testid': 'reminder-minutes' });
  const add = h('button', { type: 'submit', class: 'btn', 'data-testid': 'add-reminder' }, 'Add reminder');
  const form = h('form', { class: 'reminder-form', novalidate: true },
    h('div', { class: 'field field-grow' }, h('label', { for: 'reminder-title' }, 'New reminder'), title),
    h('div', { class: 'field' }, h('label', { for: 'reminder-priority' }, 'Priority'), priority),
    h('div', { class: 'field' }, h('label', { for: 'reminder-minutes' }, 'Due in (min)'), minutes),
    h('div', { class: 'field field-button' }, add));

  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    const text = title.value.trim();
    if (!text) {
      title.focus();
      return;
    }
    const m = Math.max(0, Math.round(Number(minutes.value) || 0));
    const res = await call('AddReminder', [roomId, { title: text, priority: priority.value, dueInMinutes: m }], 'add-reminder');
    if (res.ok) title.value = '';
  });

  const root = h('section', { class: 'panel reminders-panel', 'data-testid': 'reminders', 'aria-labelledby': 'reminders-h' },
    h('div', { class: 'panel-head' }, h('h2', { id: 'reminders-h' }, 'Reminders'), count),
    empty, openList, laterHead, laterList, done, form);

  const rows = new Map();

  function makeRow(r) {
    const id = r.id;
    const prio = h('span', { class: 'prio' });
    const titleEl = h('span', { class: 'rem-title' });
    const state = h('span', { class: 'rem-state', 'data-testid': `reminder-${id}-state` });
    const meta = h('span', { class: 'rem-meta' });
    const ack = h('button', { type: 'button', class: 'btn btn-ack', 'data-testid': `reminder-ack-${id}` }, 'Acknowledge');
    const doneBtn = h('button', { type: 'button', class: 'btn btn-done', 'data-testid': `reminder-done-${id}` }, 'Done');
    ack.addEventListener('click', () => call('AcknowledgeReminder', [roomId, id], `ack:${id}`));
    doneBtn.addEventListener('click', () => call('CompleteReminder', [roomId, id], `done:${id}`));
    const rootEl = h('li', { class: 'reminder', 'data-testid': `reminder-${id}` },
      h('div', { class: 'rem-main' },
        h('div', { class: 'rem-top' }, prio, titleEl),
        h('div', { class: 'rem-sub' }, state, meta)),
      h('div', { class: 'rem-actions' }, ack, doneBtn));
    return { root: rootEl, prio, titleEl, state, meta, ack, doneBtn };
  }

  function metaText(r) {
    const parts = [];
    if (r.state === 'scheduled') parts.push(`due ${clockTime(r.dueAt)} (${until(r.dueAt)})`);
    else if (r.state === 'due') parts.push(`due ${clockTime(r.dueAt)}`);
    else if (r.state === 'acknowledged') parts.push(`acknowledged${r.acknowledgedBy ? ` by ${actorLabel(r.acknowledgedBy)}` : ''}`);
    else parts.push(`was due ${clockTime(r.dueAt)}`);
    if (r.realertCount > 0 && r.state !== 'done') parts.push(`re-alerted ${r.realertCount}×`);
    if (r.source === 'therapist') parts.push('added by you');
    return parts.join(' · ');
  }

  let lastSession = null;
  let lastList = [];

  function update(snap, isLive) {
    const session = snap.session;
    const active = isActiveSession(session);
    setHidden(root, !active);
    if (!active) return;
    if (lastSession !== session.sessionId) {
      lastSession = session.sessionId;
      for (const row of rows.values()) row.root.remove();
      rows.clear();
    }
    const list = [...(session.reminders ?? [])].sort((a, b) =>
      (STATE_RANK[a.state] ?? 9) - (STATE_RANK[b.state] ?? 9)
      || (a.state === 'scheduled' ? 0 : (PRIORITY_RANK[a.priority] ?? 9) - (PRIORITY_RANK[b.priority] ?? 9))
      || Date.parse(a.dueAt) - Date.parse(b.dueAt));
    lastList = list;
    const seen = new Set();
    const counts = { open: 0, due: 0, scheduled: 0, done: 0 };
    for (const r of list) {
      seen.add(r.id);
      let row = rows.get(r.id);
      if (!row) {
        row = makeRow(r);
        rows.set(r.id, row);
      }
      const target = r.state === 'scheduled' ? laterList : r.state === 'done' ? doneList : openList;
      target.append(row.root); // append in sorted order (moves the node, no rebuild)
      if (r.state === 'due' || r.state === 'acknowledged') counts.open++;
      if (r.state === 'due') counts.due++;
      if (r.state === 'scheduled') counts.scheduled++;
      if (r.state === 'done') counts.done++;
      row.root.dataset.state = r.state;
      row.root.dataset.priority = r.priority;
      setText(row.prio, r.priority === 'high' ? 'HIGH' : r.priority);
      row.prio.dataset.priority = r.priority;
      setText(row.titleEl, r.title);
      setText(row.state, r.state);
      setText(row.meta, metaText(r));
      setHidden(row.ack, r.state !== 'due');
      setHidden(row.doneBtn, r.state === 'done');
      row.ack.disabled = !isLive || busy.has(`ack:${r.id}`);
      row.doneBtn.disabled = !isLive || busy.has(`done:${r.id}`);
      row.doneBtn.classList.toggle('btn-small', r.state === 'scheduled');
    }
    for (const [id, row] of rows) {
      if (!seen.has(id)) {
        row.root.remove();
        rows.delete(id);
      }
    }
    setText(count, counts.due ? `${counts.open} open · ${counts.due} due` : `${counts.open} open`);
    count.classList.toggle('has-due', counts.due > 0);
    setHidden(empty, counts.open > 0);
    setHidden(openList, counts.open === 0);
    setHidden(laterHead, counts.scheduled === 0);
    setHidden(laterList, counts.scheduled === 0);
    setHidden(done, counts.done === 0);
    setText(doneSummary, `Done (${counts.done})`);
    title.disabled = !isLive;
    priority.disabled = !isLive;
    minutes.disabled = !isLive;
    add.disabled = !isLive || busy.has('add-reminder');
  }

  function tick() {
    for (const r of lastList) {
      if (r.state !== 'scheduled') continue;
      const row = rows.get(r.id);
      if (row) setText(row.meta, metaText(r));
    }
  }

  return { root, update, tick };
}

// ---------------------------------------------------------------- room page: notes

const NOTES_SHOWN = 5;

function mountNotes(roomId) {
  const text = h('textarea', { id: 'note-text', class: 'text-input note-text', rows: 3, maxlength: 2000, placeholder: 'Observation for the session record (no patient names)', 'data-testid': 'note-text' });
  const add = h('button', { type: 'submit', class: 'btn', 'data-testid': 'add-note' }, 'Add note');
  const list = h('ul', { class: 'note-list', 'data-testid': 'note-list' });
  const empty = h('p', { class: 'muted note-empty' }, 'No notes yet.');
  const form = h('form', { class: 'note-form', novalidate: true },
    h('label', { for: 'note-text', class: 'visually-hidden' }, 'Note'), text, h('div', { class: 'form-actions' }, add));
  const root = h('section', { class: 'panel notes-panel', 'aria-labelledby': 'notes-h' },
    h('div', { class: 'panel-head' }, h('h2', { id: 'notes-h' }, 'Notes')), form, empty, list);

  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    const value = text.value.trim();
    if (!value) {
      text.focus();
      return;
    }
    const res = await call('AddNote', [roomId, value], 'note');
    if (res.ok) text.value = '';
  });

  let key = '';
  function update(snap, isLive, record) {
    const active = isActiveSession(snap.session);
    setHidden(root, !active);
    text.disabled = !isLive;
    add.disabled = !isLive || busy.has('note');
    const notes = (record && record.sessionId === snap.session?.sessionId ? record.events ?? [] : [])
      .filter((e) => e.type === 'note')
      .sort((a, b) => Date.parse(b.at) - Date.parse(a.at) || b.sequence - a.sequence)
      .slice(0, NOTES_SHOWN);
    const k = notes.map((n) => n.sequence).join(',');
    if (k !== key) {
      key = k;
      list.replaceChildren(...notes.map((n) => h('li', { class: 'note', 'data-testid': `note-${n.sequence}` },
        h('div', { class: 'note-meta muted' }, `${clockTime(n.at)} · ${actorLabel(n.actor)}${n.phase ? ` · ${n.phase}` : ''}`),
        h('div', { class: 'note-body' }, n.note ?? n.summary ?? ''))));
    }
    setHidden(empty, notes.length > 0);
  }

  return { root, update };
}

// ---------------------------------------------------------------- room page: session chart

const CHART_H = 220;
const CT_MIN = 1800;
const CT_MAX = 6500;

/**
 * The desired value over time as points [t, v]: every event with `after` starts a linear ramp from the
 * value at that moment to the new target over transitionMs, then stays flat.
 */
function rampSeries(events, pick, endMs) {
  const pts = [];
  const valueAt = (t) => {
    if (pts.length === 0) return null;
    if (t <= pts[0][0]) return pts[0][1];
    for (let i = pts.length - 1; i >= 0; i--) {
      const [t0, v0] = pts[i];
      if (t0 <= t) {
        const next = pts[i + 1];
        if (!next || next[0] === t0) return next && next[0] === t ? next[1] : v0;
        return v0 + ((next[1] - v0) * (t - t0)) / (next[0] - t0);
      }
    }
    return pts[pts.length - 1][1];
  };
  const cutAt = (t) => {
    const v = valueAt(t);
    while (pts.length && pts[pts.length - 1][0] > t) pts.pop();
    if (v != null && (!pts.length || pts[pts.length - 1][0] !== t || pts[pts.length - 1][1] !== v)) pts.push([t, v]);
    return v;
  };
  for (const e of events) {
    if (!e.after) continue;
    const target = pick(e.after);
    if (target == null || !Number.isFinite(target)) continue;
    const t = Date.parse(e.at);
    if (Number.isNaN(t)) continue;
    const before = e.before ? pick(e.before) : null;
    if (pts.length === 0) {
      pts.push([t, before ?? target]);
    } else if (before != null && before === target) {
      continue; // this event did not retarget the attribute: its ramp (if any) carries on
    } else {
      cutAt(t);
    }
    const d = Math.max(0, Number(e.transitionMs ?? 0));
    pts.push([t + d, target]);
  }
  if (pts.length) cutAt(endMs);
  if (pts.length && pts[pts.length - 1][0] < endMs) pts.push([endMs, pts[pts.length - 1][1]]);
  return pts;
}

function fitText(text, px, charPx = 7.6) {
  const max = Math.floor(px / charPx);
  if (max < 3) return '';
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}

function drawChart(svg, width, session, record) {
  const narrow = width < 520;
  const m = { l: narrow ? 46 : 50, r: narrow ? 46 : 58, t: 28, b: 30 };
  const W = Math.max(240, Math.round(width));
  const pw = W - m.l - m.r;
  const ph = CHART_H - m.t - m.b;
  const own = record && record.sessionId === session.sessionId ? record : null;
  const events = (own?.events ?? []).slice().sort((a, b) => Date.parse(a.at) - Date.parse(b.at) || a.sequence - b.sequence);
  const startMs = Date.parse(own?.startedAt ?? session.startedAt);
  const endIso = own?.endedAt ?? session.endedAt;
  const ended = !!endIso;
  let endMs = ended ? Date.parse(endIso) : Date.now();
  for (const e of events) endMs = Math.max(endMs, Date.parse(e.at));
  endMs = Math.max(endMs, startMs + 60000);
  const span = endMs - startMs;
  const x = (t) => m.l + ((t - startMs) / span) * pw;
  const yB = (v) => m.t + (1 - Math.max(0, Math.min(100, v)) / 100) * ph;
  const yK = (k) => m.t + (1 - (Math.max(CT_MIN, Math.min(CT_MAX, k)) - CT_MIN) / (CT_MAX - CT_MIN)) * ph;
  const f = (n) => Math.round(n * 10) / 10;

  svg.setAttribute('viewBox', `0 0 ${W} ${CHART_H}`);
  svg.setAttribute('width', String(W));
  svg.setAttribute('height', String(CHART_H));
  const parts = [];

  // Phase bands: from the record's phase-started events, else from the plan's start times.
  let starts = events.filter((e) => e.type === 'phase-started').map((e) => ({ at: Date.parse(e.at), name: e.phase ?? e.summary }));
  if (starts.length === 0) {
    starts = (own?.phases ?? session.phases ?? []).filter((p) => p.startedAt)
      .map((p) => ({ at: Date.parse(p.startedAt), name: p.name })).sort((a, b) => a.at - b.at);
  }
  starts.forEach((b, i) => {
    const x0 = x(Math.max(startMs, b.at));
    const x1 = x(i + 1 < starts.length ? starts[i + 1].at : endMs);
    if (x1 - x0 < 0.5) return;
    parts.push(s('rect', {
      class: `band ${i % 2 ? 'band-b' : 'band-a'}`, x: f(x0), y: m.t - 22, width: f(x1 - x0), height: ph + 22,
      'data-testid': 'chart-phase-band', 'data-phase': b.name,
    }, s('title', {}, b.name)));
    const label = fitText(b.name, x1 - x0 - 8);
    if (label) parts.push(s('text', { class: 'band-label', x: f(x0 + 5), y: m.t - 8 }, label));
  });

  // Grid and axes.
  for (const v of [0, 25, 50, 75, 100]) {
    parts.push(s('line', { class: v % 50 === 0 ? 'grid grid-major' : 'grid', x1: m.l, x2: m.l + pw, y1: f(yB(v)), y2: f(yB(v)) }));
  }
  for (const v of [0, 50, 100]) parts.push(s('text', { class: 'axis axis-left', x: m.l - 6, y: f(yB(v) + 5), 'text-anchor': 'end' }, `${v}%`));
  for (const k of [CT_MIN, 4000, CT_MAX]) parts.push(s('text', { class: 'axis axis-right', x: m.l + pw + 6, y: f(yK(k) + 5) }, narrow ? `${(k / 1000).toFixed(1)}k` : `${k} K`));
  const labelW = clockTime(new Date(startMs).toISOString()).length * 8.2 + 8;
  const stepMin = [1, 2, 5, 10, 15, 20, 30, 60, 120, 240].find((st) => (pw * st * 60000) / span >= labelW + 14) ?? 480;
  const step = stepMin * 60000;
  const first = Math.ceil(startMs / step) * step;
  for (let t = first; t <= endMs; t += step) {
    const xt = x(t);
    if (xt - labelW / 2 < m.l + labelW + 8 || xt + labelW / 2 > W - 2) continue;
    parts.push(s('line', { class: 'tick', x1: f(xt), x2: f(xt), y1: m.t + ph, y2: m.t + ph + 5 }));
    parts.push(s('text', { class: 'axis axis-time', x: f(xt), y: CHART_H - 8, 'text-anchor': 'middle' }, clockTime(new Date(t).toISOString())));
  }
  parts.push(s('text', { class: 'axis axis-time', x: m.l, y: CHART_H - 8, 'text-anchor': 'start' }, clockTime(new Date(startMs).toISOString())));
  parts.push(s('line', { class: 'axis-line', x1: m.l, x2: m.l + pw, y1: m.t + ph, y2: m.t + ph }));

  // Lines: brightness (0 while the lights are off) and colour temperature.
  const bright = rampSeries(events, (d) => (d.lighting ? (d.lighting.on ? d.lighting.brightness : 0) : null), endMs);
  const ct = rampSeries(events, (d) => d.lighting?.colorTempK ?? null, endMs);
  const path = (pts, y) => pts.map(([t, v], i) => `${i ? 'L' : 'M'}${f(x(Math.max(startMs, t)))} ${f(y(v))}`).join(' ');
  if (ct.length) parts.push(s('path', { class: 'line line-ct', d: path(ct, yK), 'data-testid': 'chart-colortemp-line' }));
  if (bright.length) parts.push(s('path', { class: 'line line-brightness', d: path(bright, yB), 'data-testid': 'chart-brightness-line' }));

  // Vertical markers: Lights up, T0, now.
  for (const e of events.filter((ev) => ev.type === 'lights-up')) {
    const xe = f(x(Date.parse(e.at)));
    parts.push(s('g', { class: 'marker-lights-up', 'data-testid': 'chart-lights-up-marker' },
      s('title', {}, `Lights up ${clockTime(e.at)} by ${actorLabel(e.actor)}`),
      s('line', { x1: xe, x2: xe, y1: m.t - 4, y2: m.t + ph }),
      s('text', { x: xe + 4, y: m.t + 12 }, 'UP')));
  }
  const doseIso = session.doseAt ?? events.find((e) => e.type === 'dose-marked')?.at;
  if (doseIso) {
    const xd = f(x(Date.parse(doseIso)));
    parts.push(s('g', { class: 'marker-t0', 'data-testid': 'chart-t0-line' },
      s('title', {}, `T0 (dose given) ${clockTime(doseIso)}`),
      s('line', { x1: xd, x2: xd, y1: m.t - 4, y2: m.t + ph }),
      s('text', { x: xd + 4, y: m.t + 12 }, 'T0')));
  }
  if (!ended) {
    const xn = f(x(Date.now()));
    parts.push(s('g', { class: 'marker-now', 'data-testid': 'chart-now-line' },
      s('line', { x1: xn, x2: xn, y1: m.t - 4, y2: m.t + ph }),
      s('text', { x: xn - 4, y: m.t + 12, 'text-anchor': 'end' }, 'now')));
  }

  // Point markers: notes along the top, reminders (due / acknowledged) along the bottom.
  for (const e of events.filter((ev) => ev.type === 'note')) {
    const xe = x(Date.parse(e.at));
    const y = m.t + 26;
    parts.push(s('g', { class: 'marker-note', 'data-testid': 'chart-note-marker' },
      s('title', {}, `${clockTime(e.at)} note: ${e.note ?? e.summary ?? ''}`),
      s('path', { d: `M${f(xe)} ${y - 7} L${f(xe + 7)} ${y} L${f(xe)} ${y + 7} L${f(xe - 7)} ${y} Z` })));
  }
  for (const e of events.filter((ev) => ev.type === 'reminder-due' || ev.type === 'reminder-acknowledged' || ev.type === 'reminder-realerted')) {
    const xe = f(x(Date.parse(e.at)));
    const kind = e.type === 'reminder-acknowledged' ? 'acknowledged' : e.type === 'reminder-realerted' ? 'realerted' : 'due';
    const y = m.t + ph - 12;
    parts.push(s('g', { class: `marker-reminder is-${kind}`, 'data-testid': 'chart-reminder-marker', 'data-kind': kind },
      s('title', {}, `${clockTime(e.at)} ${e.summary}`),
      s('circle', { cx: xe, cy: y, r: kind === 'realerted' ? 4.5 : 6 })));
  }

  if (!own) {
    parts.push(s('text', { class: 'chart-empty', x: m.l + pw / 2, y: m.t + ph / 2, 'text-anchor': 'middle' }, 'Loading the session record…'));
  } else if (!bright.length) {
    parts.push(s('text', { class: 'chart-empty', x: m.l + pw / 2, y: m.t + ph / 2, 'text-anchor': 'middle' }, 'No lighting changes recorded yet'));
  }

  const title = `Session chart ${clockTime(new Date(startMs).toISOString())} to ${ended ? clockTime(endIso) : 'now'}: brightness and colour temperature, ${events.filter((e) => e.type === 'note').length} notes`;
  svg.replaceChildren(s('title', {}, title), ...parts);
  svg.setAttribute('aria-label', title);
}

function mountChart() {
  const svg = s('svg', { class: 'chart', role: 'img', 'data-testid': 'session-chart', preserveAspectRatio: 'xMinYMin meet' });
  const box = h('div', { class: 'chart-box' }, svg);
  const status = h('span', { class: 'muted chart-status' });
  const legend = h('div', { class: 'chart-legend', 'aria-hidden': 'true' },
    h('span', { class: 'lg lg-brightness' }, 'Brightness (left, %)'),
    h('span', { class: 'lg lg-ct' }, 'Colour temp (right, K)'),
    h('span', { class: 'lg lg-note' }, 'Note'),
    h('span', { class: 'lg lg-reminder' }, 'Reminder due'),
    h('span', { class: 'lg lg-ack' }, 'Acknowledged'),
    h('span', { class: 'lg lg-t0' }, 'T0'));
  const root = h('section', { class: 'panel chart-panel', 'aria-labelledby': 'chart-h', hidden: true },
    h('div', { class: 'panel-head' }, h('h2', { id: 'chart-h' }, 'Session chart'), status),
    box, legend);
  let last = { session: null, record: null };
  let drawnWidth = 0;

  function draw() {
    if (root.hidden || !last.session) return;
    const width = box.clientWidth;
    if (!width) return;
    drawnWidth = width;
    drawChart(svg, width, last.session, last.record);
  }

  const ro = typeof ResizeObserver === 'function'
    ? new ResizeObserver(() => {
      if (box.clientWidth !== drawnWidth) draw();
    })
    : null;
  if (ro) ro.observe(box);
  else window.addEventListener('resize', draw);

  function update(snap, record, recordError) {
    const session = snap.session;
    setHidden(root, !session);
    if (!session) return;
    last = { session, record };
    setText(status, recordError ? `Record not loaded: ${recordError}`
      : isActiveSession(session) ? `${session.label} · live` : `${session.label} · ended ${clockTime(session.endedAt)}`);
    status.classList.toggle('is-error', !!recordError);
    draw();
  }

  function dispose() {
    if (ro) ro.disconnect();
    else window.removeEventListener('resize', draw);
  }

  return { root, update, draw, dispose };
}

// ---------------------------------------------------------------- room page: the session record (throttled)

const RECORD_MIN_INTERVAL_MS = 2000;

function recordLoader(roomId, onLoaded) {
  const rec = { sessionId: null, data: null, error: null, inFlight: false, last: -Infinity, timer: null, dirty: false, version: null, disposed: false };

  async function fetchNow() {
    rec.timer = null;
    const sid = rec.sessionId;
    if (!sid || rec.disposed) return;
    if (connection.state !== signalR.HubConnectionState.Connected) {
      rec.version = null; // try again when connected
      return;
    }
    rec.inFlight = true;
    rec.dirty = false;
    rec.last = performance.now();
    rec.version = rooms.get(roomId)?.version ?? null;
    try {
      const data = await connection.invoke('GetSessionRecord', sid);
      if (rec.sessionId === sid) {
        rec.data = data;
        rec.error = null;
      }
    } catch (err) {
      if (rec.sessionId === sid) rec.error = hubMessage(err);
    } finally {
      rec.inFlight = false;
      if (!rec.disposed) {
        if (rec.dirty) schedule();
        onLoaded();
      }
    }
  }

  function schedule() {
    if (rec.inFlight) {
      rec.dirty = true;
      return;
    }
    if (rec.timer !== null) return;
    const wait = Math.max(0, rec.last + RECORD_MIN_INTERVAL_MS - performance.now());
    rec.timer = setTimeout(fetchNow, wait);
  }

  /** Called on every redraw: loads the record for a new session, refreshes it when the snapshot moved on. */
  function want(snap) {
    const sid = snap?.session?.sessionId ?? null;
    if (sid !== rec.sessionId) {
      if (rec.timer !== null) clearTimeout(rec.timer);
      Object.assign(rec, { sessionId: sid, data: null, error: null, timer: null, last: -Infinity, dirty: false, version: null });
    }
    if (!sid) return;
    if (rec.version === snap.version && rec.data) return;
    if (rec.version === snap.version && rec.inFlight) return;
    if (rec.version === snap.version && rec.error) return;
    schedule();
  }

  function dispose() {
    rec.disposed = true;
    if (rec.timer !== null) clearTimeout(rec.timer);
  }

  return { rec, want, dispose };
}

// ---------------------------------------------------------------- room page: music

let playlists = null;
let playlistsError = null;
let playlistsLoading = false;

/**
 * Loads the playlists once per connection. A failure is kept until the next connection: every redraw asks for the
 * playlists, and a failed request redraws, so retrying on failure would spin the page without end on a dead link.
 */
async function loadPlaylists() {
  if (playlists || playlistsError || playlistsLoading) return;
  if (connection.state !== signalR.HubConnectionState.Connected) return;
  playlistsLoading = true;
  try {
    playlists = await connection.invoke('GetPlaylists');
    playlistsError = null;
  } catch (err) {
    playlistsError = hubMessage(err);
  } finally {
    playlistsLoading = false;
  }
  refreshView();
}

/** Playlist, play/silence, volume, next/previous; now playing with its position counted locally. */
function mountMusic(roomId) {
  const select = h('select', { id: 'music-playlist', class: 'select', 'data-testid': 'music-playlist-select' });
  const play = toggle({ id: 'music-play', testid: 'music-play-toggle', label: 'Music playing' });
  const volume = slider({
    id: 'music-volume', testid: 'music-volume-slider', targetTestid: 'music-volume-target',
    min: 0, max: 100, step: 1, label: 'Volume', legend: ['0%', '50%', '100%'], extraClass: 'slider-brightness',
  });
  const prev = h('button', { type: 'button', class: 'btn', 'data-testid': 'music-prev', 'aria-label': 'Previous track' }, '‹ Previous');
  const next = h('button', { type: 'button', class: 'btn', 'data-testid': 'music-next', 'aria-label': 'Next track' }, 'Next ›');
  const track = h('span', { class: 'music-track', 'data-testid': 'music-now-playing' }, '—');
  const position = h('span', { class: 'muted music-position', 'data-testid': 'music-position' });
  const output = h('span', { class: 'music-output', 'data-testid': 'music-output-state' });
  const ducked = h('span', { class: 'badge music-ducked', 'data-testid': 'music-ducked', hidden: true }, 'ducked for Lights up');
  const note = h('p', { class: 'muted music-note', hidden: true });
  const pills = {
    musicPlaylist: overridePill(roomId, 'musicPlaylist'),
    musicPlaying: overridePill(roomId, 'musicPlaying'),
    musicVolume: overridePill(roomId, 'musicVolume'),
  };
  volume.slot.append(pills.musicVolume.btn);
  const fieldset = h('fieldset', { class: 'controls' },
    h('legend', { class: 'visually-hidden' }, 'Music target'),
    h('div', { class: 'control control-inline' }, h('label', { for: 'music-playlist' }, 'Playlist'), select, pills.musicPlaylist.btn),
    volume.block,
    h('div', { class: 'control control-inline music-skip' }, prev, next));
  const root = h('section', { class: 'panel panel-music', 'aria-labelledby': 'music-h' },
    h('div', { class: 'panel-head' }, h('h2', { id: 'music-h' }, 'Music'), play.block),
    h('div', { class: 'head-pill' }, pills.musicPlaying.btn),
    fieldset,
    h('h3', { class: 'actual-head' }, 'Now playing', h('span', { class: 'muted' }, ' · as the player reports')),
    h('p', { class: 'music-now' }, track, ' ', position, ' ', ducked),
    h('p', { class: 'muted' }, 'Output: ', output),
    note);

  const cmd = (body, el) => send('SetMusic', roomId, body, el);
  select.addEventListener('change', () => cmd({ playlistId: select.value }, select));
  play.input.addEventListener('change', () => {
    setText(play.state, play.input.checked ? 'On' : 'Off');
    cmd({ playing: play.input.checked }, play.input);
  });
  wireSlider(volume.input, {
    onInput: () => setText(volume.target, pct(volume.input.value)),
    onCommit: (v) => cmd({ volume: v }, volume.input),
  });
  prev.addEventListener('click', () => call('PreviousTrack', [roomId], 'music-skip'));
  next.addEventListener('click', () => call('NextTrack', [roomId], 'music-skip'));

  let receivedAt = 0;
  let now = null;
  let optionsKey = '';

  function update(snap, live) {
    loadPlaylists();
    const m = snap.music ?? { playlistId: null, playing: false, volume: 0, ducked: false, nowPlaying: null };
    const list = playlists ?? [];
    const key = list.map((p) => p.id).join(',') + '|' + (m.playlistId ?? '');
    if (key !== optionsKey && !isHeld(select)) {
      optionsKey = key;
      const options = [h('option', { value: '', disabled: true }, list.length ? 'Choose a playlist…' : 'No playlists')];
      for (const p of list) {
        const minutes = p.totalSeconds ? ` · ${Math.round(p.totalSeconds / 60)} min` : '';
        options.push(h('option', { value: p.id }, `${p.title}${minutes}`));
      }
      if (m.playlistId && !list.some((p) => p.id === m.playlistId)) options.push(h('option', { value: m.playlistId }, m.playlistId));
      select.replaceChildren(...options);
      select.value = m.playlistId ?? '';
    }
    if (!isHeld(select) && select.value !== (m.playlistId ?? '')) select.value = m.playlistId ?? '';
    if (!isHeld(play.input)) {
      play.input.checked = !!m.playing;
      setText(play.state, m.playing ? 'On' : 'Off');
    }
    if (isHeld(volume.input)) setText(volume.target, pct(volume.input.value));
    else {
      if (volume.input.value !== String(m.volume)) volume.input.value = String(m.volume);
      setText(volume.target, pct(m.volume));
    }
    fieldset.disabled = !live;
    play.input.disabled = !live;
    prev.disabled = next.disabled = !live || !m.playing || busy.has('music-skip');
    for (const pill of Object.values(pills)) pill.update(snap.session, live);
    setHidden(ducked, !m.ducked);
    now = m.nowPlaying;
    receivedAt = Date.now();
    setText(track, now?.trackTitle ?? (m.playing ? 'starting…' : 'silence'));
    const speakers = speakersText(now);
    setText(output, speakers.text);
    output.classList.toggle('is-warning', speakers.warning);
    setHidden(note, !playlistsError);
    if (playlistsError) setText(note, `Playlists unavailable: ${playlistsError}`);
    tick();
  }

  function tick() {
    if (!now || !now.durationSeconds) {
      setText(position, '');
      return;
    }
    const elapsed = now.playing ? (Date.now() - receivedAt) / 1000 : 0;
    setText(position, `${mmss(Math.min(now.durationSeconds, now.positionSeconds + elapsed))} / ${mmss(now.durationSeconds)}`);
  }

  return { root, update, tick };
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

// ---------------------------------------------------------------- the phase clock ticks locally

setInterval(() => {
  if (view && view.tick) view.tick();
}, 1000);

// ---------------------------------------------------------------- go

const me = await currentUser().catch(() => null);
if (!me) {
  pill.hidden = true; // nothing connects until someone signs in
  await showSignIn(main);
} else {
  showUser(me);
  mountView();
  startConnection();
}

function showUser(user) {
  document.body.dataset.role = user.role;
  document.body.dataset.readonly = String(!user.canControlRooms);
  const right = document.querySelector('.topbar-right');
  const staffLink = user.canProvision ? h('a', { class: 'btn', href: '#/staff', 'data-testid': 'staff-link' }, 'Staff') : null;
  const who = h('span', { class: 'user-pill', 'data-testid': 'user-pill' }, `${user.username} · ${user.role}`);
  const out = h('button', { type: 'button', class: 'btn', 'data-testid': 'sign-out' }, 'Sign out');
  out.addEventListener('click', signOut);
  right.prepend(...[staffLink, who, out].filter(Boolean));
  if (!user.canControlRooms) {
    document.body.append(h('div', { class: 'readonly-banner', 'data-testid': 'readonly-banner', role: 'status' },
      user.role === 'Observer' ? 'Observer: you can watch rooms but not change them.' : 'View only: changing a room is for therapists.'));
  }
}
