// The room page's reminders: due ones first, acknowledge, done, and adding one.

import { h, setHidden, setText } from '../lib/dom.js';
import { actorLabel, clockTime, until } from '../lib/format.js';
import { busy, call } from '../lib/hub.js';
import { isActiveSession } from '../lib/store.js';

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
