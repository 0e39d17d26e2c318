// The session record of a room (its events for the chart), fetched at most every 2 s: whole once, then only the
// events after the last one held, and only when the record has gained an entry (the snapshot's recordSequence) or what
// the room kept while storage was down has since been stored.

import { hubMessage } from './hub-errors.js';
import { connection } from './hub.js';
import { rooms } from './store.js';

const RECORD_MIN_INTERVAL_MS = 2000;

/** What the record's content follows in a snapshot: its last entry, and whether the room's changes are stored yet. */
function recordState(snap) {
  return snap ? `${snap.recordSequence ?? 0}:${snap.storage?.saved !== false}` : null;
}

export function recordLoader(roomId, onLoaded) {
  const rec = { sessionId: null, data: null, error: null, inFlight: false, last: -Infinity, timer: null, dirty: false, seen: null, disposed: false };

  async function fetchNow() {
    rec.timer = null;
    const sid = rec.sessionId;
    if (!sid || rec.disposed) return;
    if (connection.state !== signalR.HubConnectionState.Connected) {
      rec.seen = null; // try again when connected
      return;
    }
    rec.inFlight = true;
    rec.dirty = false;
    rec.last = performance.now();
    rec.seen = recordState(rooms.get(roomId));
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

  /** Called on every redraw: loads the record for a new session, refreshes it when the record moved on. */
  function want(snap) {
    const sid = snap?.session?.sessionId ?? null;
    if (sid !== rec.sessionId) {
      if (rec.timer !== null) clearTimeout(rec.timer);
      Object.assign(rec, { sessionId: sid, data: null, error: null, timer: null, last: -Infinity, dirty: false, seen: null });
    }
    if (!sid) return;
    const unchanged = rec.seen === recordState(snap);
    if (unchanged && (rec.data || rec.inFlight || rec.error)) return;
    schedule();
  }

  function dispose() {
    rec.disposed = true;
    if (rec.timer !== null) clearTimeout(rec.timer);
  }

  return { rec, want, dispose };
}
