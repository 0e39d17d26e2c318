// What the staff console's sections share: a titled section with its own error line, a table, a short date, a
// just-issued broker login shown once, and the button that removes a registered device or bridge.

import { h } from '../lib/dom.js';
import { api } from '../lib/api.js';

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

/** A table in a box of its own that scrolls sideways when the table is wider, so a phone's page never does. */
export function table(headers, rows, testid) {
  return h('div', { class: 'table-scroll' }, h('table', { class: 'staff-table', 'data-testid': testid },
    h('thead', {}, h('tr', {}, headers.map((t) => h('th', { scope: 'col' }, t)))),
    h('tbody', {}, rows)));
}

export function when(iso) {
  if (!iso) return '—';
  const d = new Date(iso);
  return d.toLocaleString([], { dateStyle: 'short', timeStyle: 'short' });
}

/**
 * A check for a list a refresh fetched: true unless it is the list shown last, which is then left as it is, so a
 * refresh never takes the focus from a button in it.
 */
export function unlessShown() {
  let shown = null;
  return (list) => {
    const now = JSON.stringify(list);
    if (now === shown) return false;
    shown = now;
    return true;
  };
}

/** Shows a just-issued broker login in `shown` (its password is never shown again), with where to enter it. */
export function showLoginOnce(shown, created, where) {
  shown.hidden = false;
  shown.dataset.username = created.username;
  shown.dataset.password = created.password;
  shown.textContent = `Broker login for ${created.name}: username ${created.username}, password ${created.password}`
    + ` — enter it in ${where} now; it is not shown again.`;
}

/** A Remove button that asks first, then DELETEs `url` and calls `after` (the list reloads). */
export function removeButton(part, testid, question, url, after) {
  return h('button', { class: 'btn btn-danger', type: 'button', 'data-testid': testid, onclick: () => guarded(part, async () => {
    if (!confirm(question)) return;
    await api('DELETE', url);
    await after();
  }) }, 'Remove');
}

/**
 * Makes `button` ask before it runs `action`, as End session does: the first tap arms it (it reads `armedText` and
 * `question` shows beside it), a second tap within 5 s runs `action`; left alone, it goes back as it was.
 */
export function confirmTwice(button, armedText, question, action, testid) {
  const restText = button.textContent;
  const asked = h('span', { class: 'confirm-question', role: 'alert', hidden: true, 'data-testid': testid }, question);
  let armed = null;
  const disarm = () => {
    clearTimeout(armed);
    armed = null;
    button.classList.remove('is-armed');
    button.textContent = restText;
    asked.hidden = true;
  };
  button.addEventListener('click', () => {
    if (armed === null) {
      button.classList.add('is-armed');
      button.textContent = armedText;
      asked.hidden = false;
      armed = setTimeout(disarm, 5000);
      return;
    }
    disarm();
    action();
  });
  return h('span', { class: 'confirm-twice' }, button, asked);
}
