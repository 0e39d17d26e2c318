// The room page's session notes: the last few, and adding one.

import { h, setHidden } from '../lib/dom.js';
import { actorLabel, clockTime } from '../lib/format.js';
import { busy, call } from '../lib/hub.js';
import { isActiveSession } from '../lib/store.js';
import { EventTypes } from '../lib/event-types.js';

const NOTES_SHOWN = 5;

export function mountNotes(roomId) {
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
      .filter((e) => e.type === EventTypes.note)
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
