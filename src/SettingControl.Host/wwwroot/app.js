// SettingControl therapist dashboard: native ES modules, no framework, no build step. This module boots the page
// (who is signed in, the top bar) and routes: one view at a time in <main>, redrawn whenever a snapshot arrives.
// Talks to the RoomHub over SignalR (lib/hub.js; global `signalR` from lib/signalr/signalr.min.js).
//
// Rules the views keep:
// - Sliders and toggles only ever take their value from a snapshot's `desired`, never from `actual`.
// - A control the user is touching (or whose command is still in flight) is never overwritten.
// - Commands are sent on release (`change`), not on every `input`.

import { followsRoom, onFollowChange, setFollowRoom } from './lib/theme.js';
import { signOut } from './lib/api.js';
import { h, setText } from './lib/dom.js';
import { ago } from './lib/format.js';
import { clearError } from './lib/error-banner.js';
import { pill, startConnection, syncGroups } from './lib/hub.js';
import { followHash, route } from './lib/routes.js';
import { setRedraw } from './lib/store.js';
import { me, loadSignedInUser, setupRequired } from './lib/user.js';
import { showSignedOut, showSignIn } from './views/sign-in.js';
import { mountStaff } from './views/staff.js';
import { mountList } from './views/overview.js';
import { mountRoom } from './views/room.js';

let view = null;

const main = document.getElementById('view');

function mountView() {
  if (view && view.dispose) view.dispose();
  main.replaceChildren();
  delete document.body.dataset.lastVersion;
  if (route.name === 'staff') {
    view = me.canProvision ? mountStaff(main, me) : mountNotAllowed();
  } else {
    view = route.name === 'room' ? mountRoom(main, route.roomId) : mountList(main);
  }
  document.body.dataset.page = view.kind;
  refreshView();
}

function refreshView(roomId) {
  if (!view) return;
  if (roomId !== undefined && view.kind === 'room' && view.roomId !== roomId) return;
  view.update();
}

function mountNotAllowed() {
  main.append(h('h1', { class: 'page-title' }, 'Staff console'),
    h('p', { class: 'placeholder', 'data-testid': 'not-allowed' }, 'The staff console is for staff and admins. Ask an admin if you need it.'));
  return { kind: 'not-allowed', update() {} };
}

window.addEventListener('hashchange', () => {
  if (!me) return; // the sign-in form stays until someone signs in
  followHash();
  clearError();
  mountView();
  main.focus({ preventScroll: true });
  window.scrollTo(0, 0);
  syncGroups();
});

setInterval(() => {
  for (const el of document.querySelectorAll('[data-ts]')) {
    setText(el, `${el.dataset.prefix ?? ''}${ago(el.dataset.ts)}`);
  }
}, 5000);

setInterval(() => {
  if (view && view.tick) view.tick();
}, 1000);

setRedraw(refreshView);
window.addEventListener('signed-out', showSignedOut);
await loadSignedInUser();

if (!me) {
  pill.hidden = true; // nothing connects until someone signs in
  showSignIn(main, setupRequired);
} else {
  showUser(me);
  mountView();
  startConnection();
}

/**
 * Who is signed in, as a menu that holds Sign out: signing out takes two deliberate taps, away from the connection
 * pill and Night, so a finger feeling for those in a dim room does not sign the tablet out.
 */
function userMenu(user) {
  const button = h('button', {
    type: 'button', class: 'btn user-menu-button', 'data-testid': 'user-menu', 'aria-haspopup': 'true', 'aria-expanded': 'false',
  }, h('span', { class: 'user-pill', 'data-testid': 'user-pill' }, user.username, h('span', { class: 'user-role' }, ` · ${user.role}`)), h('span', { 'aria-hidden': 'true' }, ' ▾'));
  const out = h('button', { type: 'button', class: 'btn', 'data-testid': 'sign-out' }, 'Sign out');
  out.addEventListener('click', signOut);
  const follow = h('input', { type: 'checkbox', id: 'night-follow', class: 'check', 'data-testid': 'night-follow' });
  follow.checked = followsRoom();
  follow.addEventListener('change', () => setFollowRoom(follow.checked));
  onFollowChange((on) => { follow.checked = on; });
  const panel = h('div', { class: 'user-menu-panel', 'data-testid': 'user-menu-panel', hidden: true },
    h('p', { class: 'muted' }, `Signed in as ${user.username} (${user.role})`),
    h('label', { class: 'check-row', for: 'night-follow' }, follow,
      h('span', {}, 'Night mode follows the room: red light when the room is lit below 15%')),
    out);
  const menu = h('div', { class: 'user-menu' }, button, panel);
  const show = (open) => {
    panel.hidden = !open;
    button.setAttribute('aria-expanded', String(open));
  };
  button.addEventListener('click', () => show(panel.hidden));
  document.addEventListener('click', (e) => { if (!menu.contains(e.target)) show(false); });
  document.addEventListener('keydown', (e) => { if (e.key === 'Escape') show(false); });
  return menu;
}

function showUser(user) {
  document.body.dataset.role = user.role;
  document.body.dataset.readonly = String(!user.canControlRooms);
  const right = document.querySelector('.topbar-right');
  const staffLink = user.canProvision ? h('a', { class: 'btn', href: '#/staff', 'data-testid': 'staff-link' }, 'Staff') : null;
  right.prepend(...[staffLink, userMenu(user)].filter(Boolean));
  if (!user.canControlRooms) {
    document.body.append(h('div', { class: 'readonly-banner', 'data-testid': 'readonly-banner', role: 'status' },
      user.role === 'Observer' ? 'Observer: you can watch rooms but not change them.' : 'View only: changing a room is for therapists.'));
  }
}
