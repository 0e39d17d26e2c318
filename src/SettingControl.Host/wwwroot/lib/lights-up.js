// Lights up: a press is confirmed by the room, or said loudly (full width, every page) to be not confirmed.

import { h, setHidden, setText } from './dom.js';
import { clearRefusal } from './error-banner.js';
import { hubMessage, isRefusal } from './hub-errors.js';
import { connection } from './hub.js';
import { refreshView, rooms, storeSnapshot } from './store.js';

/** A Lights up the room has not acknowledged within this long is shown as NOT CONFIRMED, full width. */
const LIGHTS_UP_CONFIRM_MS = 3000;

/**
 * roomId -> a Lights up pressed on this tablet that the room has not acknowledged yet:
 * { roomId, state: 'sending' | 'unconfirmed' | 'refused', reason, inFlight, timer }.
 * 'unconfirmed' is sent again as soon as the link is back, until the room acknowledges it or the therapist cancels.
 */
const lightsUpPending = new Map();

/** roomId -> lightsUp.since of the activation this tablet's press was acknowledged for. */
const lightsUpConfirmed = new Map();

/** A Lights up press: sent now if the link is up, otherwise held and sent the moment it is back. */
export function pressLightsUp(roomId) {
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
      clearRefusal();
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
export function resendLightsUp() {
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

/** What the Lights up control says for a room: { text, level } with level idle | sending | bad | up. */
export function lightsUpStatus(snap) {
  const p = lightsUpPending.get(snap.roomId);
  if (p && p.state === 'sending') return { text: 'Sending Lights up…', level: 'sending' };
  if (p) return { text: 'Lights up NOT CONFIRMED', level: 'bad' };
  const up = snap.lightsUp?.active ? snap.lightsUp : null;
  if (!up) return { text: '', level: 'idle' };
  const confirmed = lightsUpConfirmed.get(snap.roomId) === (up.since ?? '');
  return { text: `Lights up ${confirmed ? 'confirmed' : 'active'} · ${lightsAtFull(snap)}`, level: 'up' };
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

export const LIGHTS_UP_HINT = 'press and hold 1 s';
export const LIGHTS_UP_AGAIN_HINT = 'on · hold 1 s to send again';
