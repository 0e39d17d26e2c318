// The room page's reminders: due ones first, acknowledge, done, undo, and adding one.
//
// Nothing moves under a finger: a row just acknowledged or done stays where it is for a few seconds, saying so with
// an Undo, and the list keeps its order until then; a second tap on the same spot lands on nothing that acts. Done on
// a reminder that is not due yet takes a second tap. An optional soft chime (this tablet only) when one falls due.

import { h, setHidden, setText } from '../lib/dom.js';
import { actorLabel, clockTime, until } from '../lib/format.js';
import { busy, call } from '../lib/hub.js';
import { storageGet, storageSet } from '../lib/storage.js';
import { isActiveSession, refreshView } from '../lib/store.js';

const HOLD_MS = 3000;
const CONFIRM_MS = 4000;
const CHIME_KEY = 'settingcontrol.reminder-chime';

/** A soft two-note chime (Web Audio, quiet, no file) and a short vibration where the tablet has one. */
function chime() {
  try {
    const audio = new AudioContext();
    const gain = audio.createGain();
    gain.gain.setValueAtTime(0.0001, audio.currentTime);
    gain.gain.exponentialRampToValueAtTime(0.06, audio.currentTime + 0.05);
    gain.gain.exponentialRampToValueAtTime(0.0001, audio.currentTime + 1.2);
    gain.connect(audio.destination);
    for (const [freq, at] of [[660, 0], [880, 0.25]]) {
      const tone = audio.createOscillator();
      tone.type = 'sine';
      tone.frequency.value = freq;
      tone.connect(gain);
      tone.start(audio.currentTime + at);
      tone.stop(audio.currentTime + 1.2);
    }
    setTimeout(() => audio.close(), 1500);
  } catch { /* no audio here: the row's glow still shows it */ }
  navigator.vibrate?.(150);
}

const PRIORITY_RANK = { high: 0, medium: 1, low: 2 };
const STATE_RANK = { due: 0, acknowledged: 1, scheduled: 2, done: 3 };

export function mountReminders(roomId) {
  const openList = h('ul', { class: 'reminder-list reminder-open' });
  const laterHead = h('h3', { class: 'sub-head' }, 'Later');
  const laterList = h('ul', { class: 'reminder-list reminder-later' });
  const doneList = h('ul', { class: 'reminder-list reminder-done-list' });
  const doneSummary = h('summary', { class: 'done-summary' });
  const done = h('details', { class: 'reminder-done-box' }, doneSummary, doneList);
  const empty = h('p', { class: 'muted reminder-empty' }, 'No open reminders.');
  const count = h('span', { class: 'muted panel-count' });
  const chimeToggle = h('input', { type: 'checkbox', id: 'reminder-chime', class: 'check', 'data-testid': 'reminder-chime' });
  chimeToggle.checked = storageGet(CHIME_KEY) === 'on';
  chimeToggle.addEventListener('change', () => storageSet(CHIME_KEY, chimeToggle.checked ? 'on' : 'off'));
  const chimeRow = h('label', { class: 'check-row chime-row', for: 'reminder-chime' }, chimeToggle, h('span', {}, 'Soft chime when one is due'));

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
    empty, openList, laterHead, laterList, done, form, chimeRow);

  const rows = new Map();
  /** Rows just acknowledged or done: id → { until, text }. While any is held, no row moves. */
  const held = new Map();
  /** Done on a reminder not due yet, tapped once: id → time the second tap is awaited until. */
  const confirming = new Map();
  let dueSeen = null;

  function hold(id, text) {
    held.set(id, { until: performance.now() + HOLD_MS, text });
    setTimeout(() => { held.delete(id); refreshView(roomId); }, HOLD_MS);
    refreshView(roomId);
  }

  /** Rows tapped whose answer is still on its way: the list already keeps still for them. */
  const pending = new Set();

  async function acknowledge(id) {
    pending.add(id);
    const res = await call('AcknowledgeReminder', [roomId, id], `ack:${id}`);
    if (res.ok) hold(id, 'Acknowledged ✓');
    pending.delete(id);
  }

  async function complete(id, state) {
    if (state === 'scheduled' && !(confirming.get(id) > performance.now())) {
      confirming.set(id, performance.now() + CONFIRM_MS);
      setTimeout(() => { confirming.delete(id); refreshView(roomId); }, CONFIRM_MS);
      refreshView(roomId);
      return;
    }
    confirming.delete(id);
    pending.add(id);
    const res = await call('CompleteReminder', [roomId, id], `done:${id}`);
    if (res.ok) hold(id, 'Done ✓');
    pending.delete(id);
  }

  /** Monitoring reminders whose reading form is open: id. */
  const editing = new Set();

  async function saveReading(id, reading) {
    pending.add(id);
    const res = await call('RecordReading', [roomId, id, reading], `reading:${id}`);
    if (res.ok) {
      editing.delete(id);
      hold(id, 'Recorded ✓');
    }
    pending.delete(id);
  }

  async function undo(id) {
    const res = await call('UndoReminder', [roomId, id], `undo:${id}`);
    if (res.ok) held.delete(id);
  }

  /** The reading form of a monitoring reminder: the parts its kind asks for, as numbers a monitor shows. */
  function readingForm(r) {
    const id = r.id;
    const parts = {
      bloodPressure: [['systolic', 'Systolic', 'mmHg'], ['diastolic', 'Diastolic', 'mmHg'], ['pulse', 'Pulse (optional)', '/min']],
      pulse: [['pulse', 'Pulse', '/min']],
      spo2: [['spo2', 'SpO₂', '%']],
      vitals: [['systolic', 'Systolic', 'mmHg'], ['diastolic', 'Diastolic', 'mmHg'], ['pulse', 'Pulse', '/min'], ['spo2', 'SpO₂', '%']],
    }[r.reading] ?? [];
    const inputs = {};
    const fields = parts.map(([key, label, unit]) => {
      const input = h('input', {
        id: `reading-${id}-${key}`, class: 'text-input input-reading', type: 'number', inputmode: 'numeric', min: 0, max: 300, step: 1,
        'data-testid': `reading-${id}-${key}`,
      });
      inputs[key] = input;
      return h('div', { class: 'field' }, h('label', { for: `reading-${id}-${key}` }, `${label} `, h('span', { class: 'muted' }, unit)), input);
    });
    const save = h('button', { type: 'submit', class: 'btn btn-primary', 'data-testid': `reading-save-${id}` }, 'Save reading');
    const skip = h('button', { type: 'button', class: 'btn', 'data-testid': `reading-skip-${id}` }, 'Done without a reading');
    const cancel = h('button', { type: 'button', class: 'btn', 'data-testid': `reading-cancel-${id}` }, 'Cancel');
    const form = h('form', { class: 'reading-form', novalidate: true, hidden: true }, ...fields, h('div', { class: 'form-actions' }, save, skip, cancel));
    form.addEventListener('submit', (e) => {
      e.preventDefault();
      const value = (key) => (inputs[key] && inputs[key].value.trim() !== '' ? Math.round(Number(inputs[key].value)) : null);
      saveReading(id, { systolic: value('systolic'), diastolic: value('diastolic'), pulse: value('pulse'), spo2: value('spo2') });
    });
    skip.addEventListener('click', () => { editing.delete(id); complete(id, 'due'); });
    cancel.addEventListener('click', () => { editing.delete(id); refreshView(roomId); });
    return { form, buttons: [save, skip, cancel], first: () => Object.values(inputs)[0] };
  }

  function makeRow(r) {
    const id = r.id;
    const prio = h('span', { class: 'prio' });
    const titleEl = h('span', { class: 'rem-title' });
    const state = h('span', { class: 'rem-state', 'data-testid': `reminder-${id}-state` });
    const meta = h('span', { class: 'rem-meta' });
    const ack = h('button', { type: 'button', class: 'btn btn-ack', 'data-testid': `reminder-ack-${id}` }, 'Acknowledge');
    const doneBtn = h('button', { type: 'button', class: 'btn btn-done', 'data-testid': `reminder-done-${id}` }, 'Done');
    const heldText = h('span', { class: 'rem-held', 'data-testid': `reminder-held-${id}`, role: 'status' });
    const undoBtn = h('button', { type: 'button', class: 'btn btn-undo', 'data-testid': `reminder-undo-${id}` }, 'Undo');
    const value = h('span', { class: 'rem-value', 'data-testid': `reminder-${id}-value` });
    const reading = r.reading ? readingForm(r) : null;
    const readBtn = reading ? h('button', { type: 'button', class: 'btn btn-ack', 'data-testid': `reminder-reading-${id}` }, 'Enter reading') : null;
    readBtn?.addEventListener('click', () => {
      editing.add(id);
      refreshView(roomId);
      reading.first()?.focus();
    });
    ack.addEventListener('click', () => acknowledge(id));
    doneBtn.addEventListener('click', () => complete(id, rootEl.dataset.state));
    undoBtn.addEventListener('click', () => undo(id));
    const rootEl = h('li', { class: 'reminder', 'data-testid': `reminder-${id}` },
      h('div', { class: 'rem-main' },
        h('div', { class: 'rem-top' }, prio, titleEl),
        h('div', { class: 'rem-sub' }, state, meta)),
      h('div', { class: 'rem-actions' }, heldText, ack, ...(readBtn ? [readBtn] : []), doneBtn, undoBtn),
      value, ...(reading ? [reading.form] : []));
    return { root: rootEl, prio, titleEl, state, meta, ack, doneBtn, heldText, undoBtn, value, reading, readBtn };
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
      held.clear();
      dueSeen = null;
    }
    // A chime for each reminder that falls due while the page is open (not for those already due when it opened).
    const dueNow = (session.reminders ?? []).filter((r) => r.state === 'due').map((r) => r.id);
    if (dueSeen && chimeToggle.checked && dueNow.some((id) => !dueSeen.has(id))) chime();
    dueSeen = new Set([...(dueSeen ?? []), ...dueNow]);
    const frozen = held.size > 0 || pending.size > 0;
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
      // append in sorted order (moves the node, no rebuild); while a row is held, rows already shown stay put
      if (!frozen || !row.root.isConnected) target.append(row.root);
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
      const heldRow = held.get(r.id);
      row.root.dataset.held = String(!!heldRow);
      setText(row.heldText, heldRow?.text ?? '');
      setHidden(row.heldText, !heldRow);
      const open = editing.has(r.id) && r.state !== 'done';
      setHidden(row.ack, !!heldRow || open || r.state !== 'due');
      // A monitoring reminder is finished with its reading: "Enter reading" stands where Done would.
      setHidden(row.doneBtn, !!heldRow || r.state === 'done' || !!row.reading);
      if (row.readBtn) {
        setHidden(row.readBtn, !!heldRow || open || r.state === 'done');
        row.readBtn.disabled = !isLive;
      }
      if (row.reading) {
        row.reading.form.hidden = !open;
        for (const b of row.reading.buttons) b.disabled = !isLive || busy.has(`reading:${r.id}`);
      }
      const outside = r.value?.outsideRange ?? [];
      setText(row.value, r.value ? `${readingText(r.value)}${outside.length ? ` · outside the range staff set (${outside.map(spokenPart).join(', ')})` : ''}` : '');
      row.value.dataset.outside = String(outside.length > 0);
      setHidden(row.value, !r.value);
      setHidden(row.undoBtn, !heldRow && r.state !== 'done');
      const confirm = confirming.get(r.id) > performance.now();
      setText(row.doneBtn, confirm ? 'Done now? Tap again' : 'Done');
      row.doneBtn.classList.toggle('is-confirming', confirm);
      row.ack.disabled = !isLive || busy.has(`ack:${r.id}`);
      row.doneBtn.disabled = !isLive || busy.has(`done:${r.id}`);
      row.undoBtn.disabled = !isLive || busy.has(`undo:${r.id}`);
      row.doneBtn.classList.toggle('btn-small', r.state === 'scheduled' && !confirm);
    }
    for (const [id, row] of rows) {
      if (!seen.has(id)) {
        row.root.remove();
        rows.delete(id);
      }
    }
    setText(count, counts.due ? `${counts.open} open · ${counts.due} due` : `${counts.open} open`);
    count.classList.toggle('has-due', counts.due > 0);
    // Lists show while they hold a row, a held one included (it stays where it was tapped).
    setHidden(empty, openList.childElementCount > 0);
    setHidden(openList, openList.childElementCount === 0);
    setHidden(laterHead, laterList.childElementCount === 0);
    setHidden(laterList, laterList.childElementCount === 0);
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

/** "128/82 mmHg · pulse 72/min · SpO₂ 97%". */
function readingText(v) {
  const parts = [];
  if (v.systolic != null && v.diastolic != null) parts.push(`${v.systolic}/${v.diastolic} mmHg`);
  if (v.pulse != null) parts.push(`pulse ${v.pulse}/min`);
  if (v.spo2 != null) parts.push(`SpO₂ ${v.spo2}%`);
  return parts.join(' · ');
}

function spokenPart(field) {
  return { systolic: 'systolic', diastolic: 'diastolic', pulse: 'pulse', spo2: 'SpO₂' }[field] ?? field;
}
