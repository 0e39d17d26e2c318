// Sign-in and first-run setup. The page (app.js) asks `currentSession()` first and only opens the live connection
// once someone is signed in; the server checks every call anyway.

import { h } from '../lib/dom.js';
import { api } from '../lib/api.js';

/** Shows the first-admin form (when the facility has none) or the sign-in form; reloads once signed in. */
export function showSignIn(main, setupRequired) {
  document.body.dataset.page = setupRequired ? 'setup' : 'sign-in';
  const error = h('p', { class: 'form-error', role: 'alert', 'data-testid': 'auth-error', hidden: true });
  const fail = (err) => { error.hidden = false; error.textContent = err.message; };

  if (setupRequired) {
    const token = h('input', { id: 'setup-token', 'data-testid': 'setup-token', autocomplete: 'off', required: true });
    const user = h('input', { id: 'setup-username', 'data-testid': 'setup-username', autocomplete: 'username', value: 'admin', required: true });
    const pass = h('input', { id: 'setup-password', 'data-testid': 'setup-password', type: 'password', autocomplete: 'new-password', required: true, minlength: 10 });
    const form = h('form', { class: 'auth-form', 'data-testid': 'setup-form' },
      h('h1', { class: 'page-title' }, 'Create the first admin'),
      h('p', { class: 'hint' }, 'The controller printed a one-time setup token when it started. It works once, while no admin exists.'),
      h('label', { for: 'setup-token' }, 'Setup token'), token,
      h('label', { for: 'setup-username' }, 'Admin username'), user,
      h('label', { for: 'setup-password' }, 'Password (10 characters or more)'), pass,
      error,
      h('button', { type: 'submit', class: 'btn btn-primary', 'data-testid': 'setup-submit' }, 'Create admin and sign in'));
    form.addEventListener('submit', async (e) => {
      e.preventDefault();
      try {
        await api('POST', '/api/setup', { token: token.value.trim(), username: user.value.trim(), password: pass.value });
        location.hash = '#/staff';
        location.reload();
      } catch (err) { fail(err); }
    });
    main.replaceChildren(form);
    return;
  }

  const { form, user } = signInForm(error, fail);
  main.replaceChildren(form);
  user.focus();
}

/**
 * A signed-in page whose sign-in ended (it expired, or was revoked: signed out elsewhere, a new password, the account
 * disabled): the sign-in form comes up over the page, which stays where it was behind it, so a therapist sees the
 * room is as it was and what to do. The server keeps the room whatever the page does.
 */
export function showSignedOut() {
  if (document.querySelector('[data-testid="signed-out"]')) return;
  const main = document.getElementById('view');
  main.inert = true;
  const error = h('p', { class: 'form-error', role: 'alert', 'data-testid': 'auth-error', hidden: true });
  const fail = (err) => { error.hidden = false; error.textContent = err.message; };
  const { form, user } = signInForm(error, fail);
  form.prepend(h('p', { class: 'signed-out-why', 'data-testid': 'signed-out-why' },
    'You were signed out: this sign-in ended or was withdrawn. The room is unchanged. Until you sign in again, this tablet cannot change it, Lights up included.'));
  const overlay = h('div', { class: 'signed-out', role: 'dialog', 'aria-modal': 'true', 'aria-label': 'Sign in again', 'data-testid': 'signed-out' }, form);
  document.body.append(overlay);
  user.focus();
}

function signInForm(error, fail) {
  const user = h('input', { id: 'signin-username', 'data-testid': 'signin-username', autocomplete: 'username', required: true, autocapitalize: 'off' });
  const pass = h('input', { id: 'signin-password', 'data-testid': 'signin-password', type: 'password', autocomplete: 'current-password', required: true });
  const form = h('form', { class: 'auth-form', 'data-testid': 'signin-form' },
    h('h1', { class: 'page-title' }, 'Sign in'),
    h('label', { for: 'signin-username' }, 'Username'), user,
    h('label', { for: 'signin-password' }, 'Password'), pass,
    error,
    h('button', { type: 'submit', class: 'btn btn-primary', 'data-testid': 'signin-submit' }, 'Sign in'));
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    try {
      await api('POST', '/api/auth/sign-in', { username: user.value.trim(), password: pass.value });
      location.reload();
    } catch (err) {
      pass.value = '';
      fail(err);
    }
  });
  return { form, user };
}
