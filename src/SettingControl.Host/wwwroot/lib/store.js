// The rooms' latest snapshots and what is worked out from them; the redraw hook every part of the page calls.


/** roomId -> latest RoomSnapshot */
export const rooms = new Map();

/** roomId -> message, for rooms whose JoinRoom failed */
export const joinErrors = new Map();

/** snapshot -> performance.now() when it arrived: the phase clock counts down locally from there. */
export const receivedAt = new WeakMap();

/** Keeps the newest snapshot. `replace` accepts it whatever its version (fresh join, server may have restarted). */
export function storeSnapshot(snap, replace) {
  if (!snap || typeof snap.roomId !== 'string') return false;
  const current = rooms.get(snap.roomId);
  if (!replace && current && Number(snap.version) < Number(current.version)) return false;
  receivedAt.set(snap, performance.now());
  rooms.set(snap.roomId, snap);
  joinErrors.delete(snap.roomId);
  return true;
}

/** The session's phase clock now: counted locally from the snapshot, frozen unless the clock runs. */
export function liveClock(snap) {
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

export function isActiveSession(session) {
  return !!session && !session.endedAt && session.clock !== 'ended';
}

export function openReminders(session) {
  return (session?.reminders ?? []).filter((r) => r.state === 'due' || r.state === 'acknowledged');
}

let redraw = () => {};

/** The router's redraw, set once as the page boots: the lib and the views redraw without importing the page. */
export function setRedraw(fn) {
  redraw = fn;
}

/** Redraws the current view (only if it shows `roomId`, when one is given). */
export function refreshView(roomId) {
  redraw(roomId);
}
