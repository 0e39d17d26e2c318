// What the staff console's sections share: a titled section with its own error line, a table, and a short date.

import { h } from '../lib/dom.js';

/** A console section whose failures show in its own alert line, so one broken part never hides the others. */
export function section(title, testid, ...body) {
  const error = h('p', { class: 'form-error', role: 'alert', hidden: true, 'data-testid': `${testid}-error` });
  const root = h('section', { class: 'panel staff-section', 'data-testid': testid }, h('h2', { class: 'panel-title' }, title), error, ...body);
  return {
    root,
    fail(err) { error.hidden = false; error.textContent = err.message; },
    ok() { error.hidden = true; error.textContent = ''; },
  };
}

/** Runs an action for a section: its error line says what went wrong, or clears once it works. */
export async function guarded(part, action) {
  try {
    await action();
    part.ok();
  } catch (err) {
    part.fail(err);
  }
}

export function table(headers, rows, testid) {
  return h('table', { class: 'staff-table', 'data-testid': testid },
    h('thead', {}, h('tr', {}, headers.map((t) => h('th', { scope: 'col' }, t)))),
    h('tbody', {}, rows));
}

export function when(iso) {
  if (!iso) return '—';
  const d = new Date(iso);
  return d.toLocaleString([], { dateStyle: 'short', timeStyle: 'short' });
}
