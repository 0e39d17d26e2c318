// The room list (#/): one card per room with its devices, session, reminders and Lights up.

import { h, setHidden, setText } from '../lib/dom.js';
import { ago, clockTime, kelvin, mmss, pct } from '../lib/format.js';
import { me } from '../lib/user.js';
import { holdButton } from '../lib/controls.js';
import { connState, roomOrder } from '../lib/hub.js';
import { LIGHTS_UP_AGAIN_HINT, LIGHTS_UP_HINT, lightsUpStatus, pressLightsUp } from '../lib/lights-up.js';
import { storageWarning } from '../lib/room-status.js';
import { roomHref } from '../lib/routes.js';
import { isActiveSession, liveClock, openReminders, rooms } from '../lib/store.js';

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

export function mountList(main) {
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
