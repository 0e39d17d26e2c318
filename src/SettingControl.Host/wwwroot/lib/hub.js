// The one SignalR connection to the RoomHub: it reconnects for as long as it takes, joins the rooms the page shows,
// says in the top bar whether the link is up, and sends commands (a room's snapshot answer is stored).

import { currentUser } from './api.js';
import { setText } from './dom.js';
import { hubMessage, isRefusal } from './hub-errors.js';
import { applyPatch } from './patch.js';
import { me } from './user.js';
import { forgetCatalogErrors } from './catalog.js';
import { guard } from './controls.js';
import { clearConnectionError, clearRefusal, showHubError } from './error-banner.js';
import { resendLightsUp } from './lights-up.js';
import { route } from './routes.js';
import { joinErrors, refreshView, rooms, storeSnapshot } from './store.js';

const HUB_URL = '/hubs/rooms';
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

/** order of rooms as GetRooms returned them */
export let roomOrder = [];

/** rooms whose group this connection has joined */
export let joined = new Set();

/**
 * Per watched room, the host's copy as this page rebuilt it from patches: { seq, snap }. Patches apply to it, not to
 * what is shown (a command's answer may be newer); a patch that does not follow on from it asks for the room again.
 */
const mirrors = new Map();
const rewatching = new Set();
let syncGeneration = 0;
export let connState = 'connecting';

/** Sends a command for a room; `el` stays held until the answer so late pushes cannot bounce it. */
export async function send(method, roomId, body, el) {
  const g = el ? guard(el) : null;
  if (g) g.pending++;
  try {
    const snap = await connection.invoke(method, roomId, body);
    storeSnapshot(snap, false);
    clearRefusal();
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
export const busy = new Set();

/**
 * Invokes a hub method with any arguments; a RoomSnapshot answer is stored. Refusals go to the error banner.
 * Resolves to { ok, result }. A command whose `busyKey` is already in flight is not sent twice.
 */
export async function call(method, args, busyKey) {
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
    clearRefusal();
    return { ok: true, result };
  } catch (err) {
    showHubError(err);
    return { ok: false };
  } finally {
    if (busyKey) busy.delete(busyKey);
    refreshView();
  }
}

export const connection = new signalR.HubConnectionBuilder()
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

connection.on('RoomPatched', (patch) => {
  const mirror = mirrors.get(patch?.roomId);
  if (!mirror || patch.seq <= mirror.seq) return; // not watched, or already held
  if (patch.baseSeq !== mirror.seq) {
    rewatch(patch.roomId); // one was missed: read the room again rather than guess
    return;
  }
  mirror.snap = applyPatch(mirror.snap, patch.changes);
  mirror.seq = patch.seq;
  if (storeSnapshot(mirror.snap, false)) refreshView(patch.roomId);
});

/** Starts watching a room (or starts its copy afresh); resolves to the snapshot to show. */
async function watch(id) {
  const { seq, snapshot } = await connection.invoke('WatchRoom', id);
  mirrors.set(id, { seq, snap: snapshot });
  return snapshot;
}

async function rewatch(id) {
  if (rewatching.has(id)) return;
  rewatching.add(id);
  try {
    if (storeSnapshot(await watch(id), false)) refreshView(id);
  } catch {
    // A dropped link is watched again on reconnect.
  } finally {
    rewatching.delete(id);
  }
}

connection.onreconnecting(() => {
  setConnState('reconnecting');
});

connection.onreconnected(() => {
  forgetCatalogErrors(); // worth another try on a fresh connection
  setConnState('connected');
  joined = new Set(); // a new connection id: the server forgot our groups
  mirrors.clear();
  resendLightsUp(); // first: nothing a tablet sends matters more
  syncGroups();
});

connection.onclose(() => {
  setConnState('disconnected');
  joined = new Set();
  mirrors.clear();
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

export async function startConnection() {
  if (connection.state !== signalR.HubConnectionState.Disconnected) return;
  if (connState !== 'disconnected') setConnState('connecting');
  try {
    await connection.start();
    forgetCatalogErrors();
    setConnState('connected');
    joined = new Set();
    resendLightsUp();
    await syncGroups();
  } catch {
    // A refused start after the sign-in ended: the sign-in form over the page rather than retrying forever.
    if (!(await currentUser().catch(() => me))) {
      // The page (app.js) puts the sign-in form over itself; lib/ knows no views.
      window.dispatchEvent(new Event('signed-out'));
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

/**
 * A tablet that wakes may have missed changes while it slept with its link still standing: the rooms it shows are
 * read again at once rather than at the next change.
 */
async function resync() {
  if (connection.state !== signalR.HubConnectionState.Connected) return;
  if (route.name === 'list') {
    await syncGroups();
    return;
  }
  await Promise.all([...joined].map(async (id) => {
    try {
      storeSnapshot(await watch(id), true);
    } catch {
      // A dropped link is read again on reconnect.
    }
  }));
  refreshView();
}

document.addEventListener('visibilitychange', () => {
  if (document.visibilityState !== 'visible') return;
  retryNow();
  resync();
});

window.addEventListener('online', retryNow);

export const pill = document.querySelector('[data-testid="connection-status"]');
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

/** Joins the groups the current page needs and leaves the others; redraws from the fresh snapshots. */
export async function syncGroups() {
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
    if (!wanted.has(id)) leave(id);
  }

  await Promise.all([...wanted].filter((id) => !joined.has(id)).map(async (id) => {
    try {
      const snap = await watch(id);
      joined.add(id);
      storeSnapshot(snap, true);
      if (!isWanted(id)) leave(id);
    } catch (err) {
      // A refusal (no such room, not allowed) is the page's answer; a dropped link is retried on reconnect.
      if (isRefusal(err)) joinErrors.set(id, hubMessage(err));
      if (isWanted(id)) showHubError(err);
    }
  }));
  refreshView();
}

function leave(id) {
  joined.delete(id);
  mirrors.delete(id);
  connection.invoke('LeaveRoom', id).catch(() => { /* best effort */ });
}

function isWanted(id) {
  return route.name === 'list' ? roomOrder.includes(id) : route.roomId === id;
}
