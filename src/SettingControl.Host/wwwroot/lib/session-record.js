// The session record of a room (its events for the chart), fetched at most every 2 s: whole once, then only the
// events after the last one held.

import { hubMessage } from './hub-errors.js';
import { connection } from './hub.js';
import { rooms } from './store.js';

const RECORD_MIN_INTERVAL_MS = 2000;

export function recordLoader(roomId, onLoaded) {
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
      // Holding this session's record, only what is new is asked for; events are only ever appended.
      const held = rec.data?.sessionId === sid ? rec.data : null;
      const last = held?.events?.length ? held.events[held.events.length - 1].sequence : 0;
      const data = held
        ? await connection.invoke('GetSessionRecordSince', sid, last)
        : await connection.invoke('GetSessionRecord', sid);
      if (rec.sessionId === sid) {
        rec.data = held ? { ...data, events: held.events.concat(data.events ?? []) } : data;
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
