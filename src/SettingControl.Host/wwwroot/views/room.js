// The room page (#/rooms/<id>): lights, mask, Lights up, music, session, reminders, notes, chart and devices.

import { h, setHidden, setText } from '../lib/dom.js';
import { actorLabel, ago, clockTime } from '../lib/format.js';
import { loadProtocols, protocols, protocolsError } from '../lib/catalog.js';
import { holdButton } from '../lib/controls.js';
import { busy, call, connState, joined } from '../lib/hub.js';
import { LIGHTS_UP_AGAIN_HINT, LIGHTS_UP_HINT, lightsUpStatus, pressLightsUp } from '../lib/lights-up.js';
import { roomLightLevel, storageProblem, storageWarning } from '../lib/room-status.js';
import { followRoomLight } from '../lib/theme.js';
import { recordLoader } from '../lib/session-record.js';
import { me } from '../lib/user.js';
import { keepScreenAwake } from '../lib/wake-lock.js';
import { isActiveSession, joinErrors, rooms } from '../lib/store.js';
import { mountMusic } from './music.js';
import { mountNotes } from './notes.js';
import { mountReminders } from './reminders.js';
import { mountLights } from './room-lights.js';
import { mountMask } from './room-mask.js';
import { mountOtherDevices } from './room-other-devices.js';
import { mountChart } from './session-chart.js';
import { mountSession } from './session.js';

export function mountRoom(main, roomId) {
  const title = h('h1', { class: 'room-title', 'data-testid': 'room-title' }, roomId);
  const lastChange = h('p', { class: 'last-change', 'data-testid': 'last-change' }, 'No changes yet');
  const staleNote = h('p', { class: 'stale-note', hidden: true },
    'Not connected: showing the last known state. Controls are paused until the connection is back.');
  const notFound = h('div', { class: 'not-found', hidden: true },
    h('p', { class: 'placeholder not-found-text' }),
    h('a', { class: 'btn', href: '#/' }, 'Back to all rooms'));

  // The control panels side by side, each { root, update(snap, live), tick?(snap), dispose?() }: a new one is its
  // view module (and stylesheet) and one line here.
  const panels = [
    mountLights(roomId),
    mountMask(roomId),
  ];
  const otherDevices = mountOtherDevices();

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
    h('div', { class: 'panels' }, panels.map((panel) => panel.root)),
    music.root,
    chart.root,
    otherDevices.root);
  const loading = h('p', { class: 'placeholder' }, 'Loading room…');

  main.append(
    h('div', { class: 'room-head' },
      h('a', { class: 'back-link', href: '#/' }, h('span', { class: 'back-arrow', 'aria-hidden': 'true' }, '‹'), 'Rooms'),
      title),
    lightsUpDock,
    loading, notFound, content);
  loadProtocols(true);

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
    keepScreenAwake(isActiveSession(snap.session));
    followRoomLight(roomLightLevel(snap));
    content.hidden = false;
    setText(title, snap.name || roomId);
    document.title = `${snap.name || roomId} · SettingControl`;
    document.body.dataset.lastVersion = String(snap.version);

    staleNote.hidden = connState === 'connected';
    for (const panel of panels) panel.update(snap, live);
    otherDevices.update(snap);

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

    // Session, reminders, notes, chart, music
    if (!protocols && !protocolsError && !isActiveSession(snap.session)) loadProtocols(false);
    session.update(snap, live);
    reminders.update(snap, live);
    record.want(snap);
    const rec = record.rec.data;
    notes.update(snap, live, rec);
    setHidden(sessionGrid, !isActiveSession(snap.session));
    chart.update(snap, rec, record.rec.error);
    music.update(snap, live);
    if (me && !me.canControlRooms) makeReadOnly();
  }

  /**
   * Observers watch: every control is disabled (the server refuses them as well). Done at the end of every update,
   * whatever called it (a record that finished loading redraws too), so no control is ever left enabled in between.
   */
  function makeReadOnly() {
    for (const control of main.querySelectorAll('input, select, textarea, button')) {
      if (!control.disabled) control.disabled = true;
    }
  }

  function tick() {
    const snap = rooms.get(roomId);
    if (!snap) return;
    for (const panel of panels) panel.tick?.(snap);
    session.tick(snap);
    reminders.tick();
    music.tick();
  }

  let chartTimer = setInterval(() => chart.draw(), 15000);

  function dispose() {
    disposed = true;
    keepScreenAwake(false);
    for (const panel of panels) panel.dispose?.();
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
