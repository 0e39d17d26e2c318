// Sign-in, first-run setup and the staff console. The tablet page (app.js) asks `currentUser()` first
// and only opens the live connection once someone is signed in; the server checks every call anyway.

function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v == null || v === false) continue;
    if (k.startsWith('on') && typeof v === 'function') node.addEventListener(k.slice(2), v);
    else if (k === 'value') node.value = v;
    else node.setAttribute(k, v === true ? '' : String(v));
  }
  for (const c of children.flat()) if (c != null && c !== false) node.append(c instanceof Node ? c : String(c));
  return node;
}

/** fetch + JSON with the problem+json message turned into an Error a person can read. */
export async function api(method, url, body) {
  const res = await fetch(url, {
    method,
    credentials: 'same-origin',
    headers: body === undefined ? {} : { 'Content-Type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  if (res.status === 204) return null;
  const text = await res.text();
  let data = null;
  try { data = text ? JSON.parse(text) : null; } catch { data = null; }
  if (!res.ok) {
    const details = data?.errors ? Object.values(data.errors).flat().join(' ') : (data?.detail ?? '');
    const message = [data?.title ?? `${res.status} ${res.statusText}`, details].filter(Boolean).join(' ');
    const error = new Error(message);
    error.status = res.status;
    throw error;
  }
  return data;
}

/** Who is signed in ({ username, role, canControlRooms, … }) or null. */
export async function currentUser() {
  try {
    return await api('GET', '/api/auth/me');
  } catch (err) {
    if (err.status === 401) return null;
    throw err;
  }
}

/** Shows the first-admin form (when the facility has none) or the sign-in form; reloads once signed in. */
export async function showSignIn(main) {
  let setupRequired = false;
  try { setupRequired = (await api('GET', '/api/setup')).setupRequired; } catch { /* show sign-in */ }
  document.body.dataset.page = setupRequired ? 'setup' : 'sign-in';
  const error = el('p', { class: 'form-error', role: 'alert', 'data-testid': 'auth-error', hidden: true });
  const fail = (err) => { error.hidden = false; error.textContent = err.message; };

  if (setupRequired) {
    const token = el('input', { id: 'setup-token', 'data-testid': 'setup-token', autocomplete: 'off', required: true });
    const user = el('input', { id: 'setup-username', 'data-testid': 'setup-username', autocomplete: 'username', value: 'admin', required: true });
    const pass = el('input', { id: 'setup-password', 'data-testid': 'setup-password', type: 'password', autocomplete: 'new-password', required: true, minlength: 10 });
    const form = el('form', { class: 'auth-form', 'data-testid': 'setup-form' },
      el('h1', { class: 'page-title' }, 'Create the first admin'),
      el('p', { class: 'hint' }, 'The controller printed a one-time setup token when it started. It works once, while no admin exists.'),
      el('label', { for: 'setup-token' }, 'Setup token'), token,
      el('label', { for: 'setup-username' }, 'Admin username'), user,
      el('label', { for: 'setup-password' }, 'Password (10 characters or more)'), pass,
      error,
      el('button', { type: 'submit', class: 'btn btn-primary', 'data-testid': 'setup-submit' }, 'Create admin and sign in'));
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

  const user = el('input', { id: 'signin-username', 'data-testid': 'signin-username', autocomplete: 'username', required: true, autocapitalize: 'off' });
  const pass = el('input', { id: 'signin-password', 'data-testid': 'signin-password', type: 'password', autocomplete: 'current-password', required: true });
  const form = el('form', { class: 'auth-form', 'data-testid': 'signin-form' },
    el('h1', { class: 'page-title' }, 'Sign in'),
    el('label', { for: 'signin-username' }, 'Username'), user,
    el('label', { for: 'signin-password' }, 'Password'), pass,
    error,
    el('button', { type: 'submit', class: 'btn btn-primary', 'data-testid': 'signin-submit' }, 'Sign in'));
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
  main.replaceChildren(form);
  user.focus();
}

export async function signOut() {
  try { await api('POST', '/api/auth/sign-out'); } finally { location.hash = '#/'; location.reload(); }
}

// ---------------------------------------------------------------- staff console

const ROLES = ['Observer', 'Therapist', 'Staff', 'Admin'];

function section(title, testid, ...body) {
  const error = el('p', { class: 'form-error', role: 'alert', hidden: true, 'data-testid': `${testid}-error` });
  const root = el('section', { class: 'panel staff-section', 'data-testid': testid }, el('h2', { class: 'panel-title' }, title), error, ...body);
  return {
    root,
    fail(err) { error.hidden = false; error.textContent = err.message; },
    ok() { error.hidden = true; error.textContent = ''; },
  };
}

function table(headers, rows, testid) {
  return el('table', { class: 'staff-table', 'data-testid': testid },
    el('thead', {}, el('tr', {}, headers.map((t) => el('th', { scope: 'col' }, t)))),
    el('tbody', {}, rows));
}

function when(iso) {
  if (!iso) return '—';
  const d = new Date(iso);
  return d.toLocaleString([], { dateStyle: 'short', timeStyle: 'short' });
}

/** The staff console (#/staff): rooms, devices, protocols and playlists; accounts and API keys for admins. */
export function mountStaff(main, me) {
  const rooms = section('Rooms', 'staff-rooms');
  const devices = section('Devices', 'staff-devices');
  const library = section('Protocols and playlists', 'staff-library');
  const accounts = section('Accounts', 'staff-accounts');
  const keys = section('API keys', 'staff-keys');
  const roomsBody = el('div');
  const devicesBody = el('div');
  const loginsBody = el('div');
  const libraryBody = el('div');
  const accountsBody = el('div');
  const keysBody = el('div');
  rooms.root.append(roomsBody);
  devices.root.append(devicesBody, loginsBody);
  library.root.append(libraryBody);
  accounts.root.append(accountsBody);
  keys.root.append(keysBody);

  main.replaceChildren(
    el('h1', { class: 'page-title' }, 'Staff console'),
    el('p', { class: 'hint' }, 'Rooms, devices and settings. Everything here is also in the REST API (docs/api.md).'),
    rooms.root, devices.root, library.root,
    me.canAdminister ? accounts.root : null,
    me.canAdminister ? keys.root : null);

  let roomList = [];
  let playlists = [];

  async function guarded(part, action) {
    try {
      await action();
      part.ok();
    } catch (err) {
      part.fail(err);
    }
  }

  async function loadRooms() {
    await guarded(rooms, async () => {
      roomList = await api('GET', '/api/rooms');
      try { playlists = await api('GET', '/api/playlists'); } catch { playlists = []; }
      const outputs = new Map(await Promise.all(roomList.map(async (r) => {
        try { return [r.roomId, await api('GET', `/api/rooms/${encodeURIComponent(r.roomId)}/audio-output`)]; } catch { return [r.roomId, null]; }
      })));
      const newId = el('input', { 'data-testid': 'new-room-id', placeholder: 'room-4', 'aria-label': 'New room id', pattern: '[a-z0-9_-]+' });
      const newName = el('input', { 'data-testid': 'new-room-name', placeholder: 'Garden room', 'aria-label': 'New room name' });
      const create = el('form', { class: 'inline-form', 'data-testid': 'create-room-form' },
        newId, newName, el('button', { type: 'submit', class: 'btn btn-primary', 'data-testid': 'create-room' }, 'Create room'));
      create.addEventListener('submit', async (e) => {
        e.preventDefault();
        await guarded(rooms, async () => {
          await api('POST', '/api/rooms', { roomId: newId.value.trim(), name: newName.value.trim() || newId.value.trim() });
          await refreshAll();
        });
      });
      const rows = roomList.map((r) => {
        const name = el('input', { value: r.name, 'aria-label': `Name of ${r.roomId}`, 'data-testid': `room-name-${r.roomId}` });
        const max = el('input', { type: 'number', min: 1, max: 100, value: r.settings?.maxBrightness ?? 100, class: 'num', 'aria-label': `Maximum brightness of ${r.roomId}`, 'data-testid': `room-max-${r.roomId}` });
        const playlist = el('select', { 'aria-label': `Default playlist of ${r.roomId}`, 'data-testid': `room-playlist-${r.roomId}` },
          el('option', { value: '' }, '(none)'),
          playlists.map((p) => el('option', { value: p.id, selected: p.id === r.settings?.defaultPlaylistId }, p.title ?? p.id)));
        const output = outputs.get(r.roomId);
        const outKind = el('select', { 'aria-label': `Audio output of ${r.roomId}`, 'data-testid': `room-output-kind-${r.roomId}` },
          ['none', 'alsa', 'file'].map((k) => el('option', { value: k, selected: output?.kind === k }, k)));
        const outTarget = el('input', {
          'aria-label': `ALSA device or WAV file name of ${r.roomId}`, 'data-testid': `room-output-target-${r.roomId}`,
          value: output?.kind === 'file' ? output.path : output?.kind === 'alsa' ? output.device : '', placeholder: 'default · hw:0,0 · room-1.wav',
          title: 'ALSA: default, sysdefault, hw:N,M, plughw:N,M or a device ALSA lists. File: a name ending in .wav, written in the audio output folder.',
        });
        // A stored output that breaks the rules (older version, hand edit) plays to nothing; say so plainly.
        const refused = output?.state?.startsWith('refused: ');
        const outState = el('span', { class: refused ? 'hint output-refused' : 'hint', role: refused ? 'alert' : null, 'data-testid': `room-output-state-${r.roomId}` },
          !output ? '' : refused ? `Not used: ${output.state.slice('refused: '.length)}` : output.state);
        const save = el('button', { class: 'btn', type: 'button', 'data-testid': `room-save-${r.roomId}`, onclick: () => guarded(rooms, async () => {
          await api('PATCH', `/api/rooms/${encodeURIComponent(r.roomId)}`, { name: name.value.trim(), maxBrightness: Number(max.value), defaultPlaylistId: playlist.value });
          const kind = outKind.value;
          if (!output || kind !== output.kind || outTarget.value.trim() !== (kind === 'file' ? output.path : kind === 'alsa' ? output.device : '') || !output.configured) {
            await api('PUT', `/api/rooms/${encodeURIComponent(r.roomId)}/audio-output`,
              kind === 'file' ? { kind, path: outTarget.value.trim() } : kind === 'alsa' ? { kind, device: outTarget.value.trim() || 'default' } : { kind });
          }
          await loadRooms();
        }) }, 'Save');
        const retire = el('button', { class: 'btn btn-danger', type: 'button', 'data-testid': `room-retire-${r.roomId}`, onclick: () => guarded(rooms, async () => {
          if (!confirm(`Retire ${r.name}? Its devices are released.`)) return;
          await api('DELETE', `/api/rooms/${encodeURIComponent(r.roomId)}`);
          await refreshAll();
        }) }, 'Retire');
        return el('tr', { 'data-testid': `staff-room-${r.roomId}` },
          el('td', {}, el('a', { href: `#/rooms/${encodeURIComponent(r.roomId)}` }, r.roomId)),
          el('td', {}, name),
          el('td', {}, String(r.devices?.length ?? 0)),
          el('td', {}, max),
          el('td', {}, playlist),
          el('td', { class: 'output-cell' }, outKind, outTarget, outState),
          el('td', { class: 'actions' }, save, retire));
      });
      roomsBody.replaceChildren(create, table(['Room', 'Name', 'Devices', 'Max brightness %', 'Default playlist', 'Audio output', ''], rows, 'rooms-table'));
    });
  }

  async function loadDevices() {
    await guarded(devices, async () => {
      const list = await api('GET', '/api/devices');
      const rows = list.map((d) => {
        const target = el('select', { 'aria-label': `Room for ${d.deviceId}`, 'data-testid': `device-room-${d.deviceId}` },
          el('option', { value: '' }, '(unassigned)'),
          roomList.map((r) => el('option', { value: r.roomId, selected: r.roomId === d.roomId }, r.name)));
        const apply = el('button', { class: 'btn', type: 'button', 'data-testid': `device-assign-${d.deviceId}`, onclick: () => guarded(devices, async () => {
          if (target.value) await api('PUT', `/api/devices/${encodeURIComponent(d.deviceId)}/room`, { roomId: target.value });
          else await api('DELETE', `/api/devices/${encodeURIComponent(d.deviceId)}/room`);
          await refreshAll();
        }) }, target.value ? 'Move' : 'Assign');
        target.addEventListener('change', () => { apply.textContent = target.value ? 'Assign' : 'Release'; });
        return el('tr', { 'data-testid': `staff-device-${d.deviceId}`, 'data-availability': d.availability },
          el('td', {}, d.deviceId),
          el('td', {}, d.kind ?? '—'),
          el('td', {}, d.model ?? '—'),
          el('td', {}, d.firmware ?? '—'),
          el('td', {}, el('span', { class: `avail avail-${d.availability}` }, d.availability)),
          el('td', {}, when(d.lastSeen)),
          el('td', {}, target),
          el('td', { class: 'actions' }, apply));
      });
      devicesBody.replaceChildren(
        list.length ? table(['Device', 'Kind', 'Model', 'Firmware', 'Availability', 'Last seen', 'Room', ''], rows, 'devices-table')
          : el('p', { class: 'placeholder' }, 'No device has announced itself yet.'),
        el('p', { class: 'hint' }, 'A device that announces itself shows here. It controls nothing until it is assigned to a room.'));
    });
  }

  async function loadLogins() {
    await guarded(devices, async () => {
      const list = await api('GET', '/api/devices/credentials');
      const id = el('input', { 'data-testid': 'new-login-device', placeholder: 'device id, e.g. lamp-9', 'aria-label': 'Device id for a new broker login' });
      const shown = el('p', { class: 'token-once', 'data-testid': 'new-login-password', hidden: true });
      const issue = async (deviceId) => {
        const created = await api('POST', `/api/devices/${encodeURIComponent(deviceId)}/credentials`);
        await loadLogins();
        const out = loginsBody.querySelector('[data-testid="new-login-password"]');
        out.hidden = false;
        out.dataset.password = created.password;
        out.textContent = `Broker login for ${created.deviceId}: username ${created.username}, password ${created.password} — enter it on the device now; it is not shown again.`;
      };
      const form = el('form', { class: 'inline-form' }, id,
        el('button', { type: 'submit', class: 'btn btn-primary', 'data-testid': 'create-login' }, 'Create broker login'));
      form.addEventListener('submit', (e) => {
        e.preventDefault();
        guarded(devices, () => issue(id.value.trim()));
      });
      const rows = list.filter((a) => a.role !== 'Controller').map((a) => el('tr', { 'data-testid': `login-${a.username}` },
        el('td', {}, a.username), el('td', {}, a.role), el('td', {}, when(a.issuedAt)),
        el('td', { class: 'actions' },
          el('button', { class: 'btn', type: 'button', onclick: () => guarded(devices, () => issue(a.username)) }, 'New password'),
          el('button', { class: 'btn btn-danger', type: 'button', onclick: () => guarded(devices, async () => {
            if (!confirm(`Revoke ${a.username}'s broker login? It is disconnected at once.`)) return;
            await api('DELETE', `/api/devices/${encodeURIComponent(a.username)}/credentials`);
            await loadLogins();
          }) }, 'Revoke'))));
      loginsBody.replaceChildren(
        el('h3', {}, 'Broker logins'),
        el('p', { class: 'hint' }, 'A device connects to the broker with its own login; one without a login is refused before it can announce itself.'),
        form, shown,
        rows.length ? table(['Login', 'Kind', 'Issued', ''], rows, 'logins-table') : el('p', { class: 'placeholder' }, 'No device logins yet.'));
    });
  }

  async function loadLibrary() {
    await guarded(library, async () => {
      const protocols = await api('GET', '/api/protocols');
      const mins = (s) => `${Math.round((s ?? 0) / 60)} min`;
      libraryBody.replaceChildren(
        el('h3', {}, 'Protocols'),
        el('ul', { class: 'plain-list', 'data-testid': 'protocol-list' }, protocols.map((p) =>
          el('li', {}, el('strong', {}, p.name ?? p.id), ` · ${p.id}${p.builtIn ? ' · built in' : ' · staff'}`))),
        el('p', { class: 'hint' }, 'Add or edit a protocol with PUT /api/protocols/{id} (docs/sessions.md).'),
        el('h3', {}, 'Playlists'),
        playlists.length
          ? el('ul', { class: 'plain-list', 'data-testid': 'playlist-list' }, playlists.map((p) =>
            el('li', {}, el('strong', {}, p.title ?? p.id), ` · ${p.tracks?.length ?? 0} tracks · ${mins(p.totalSeconds ?? p.durationSeconds)}`)))
          : el('p', { class: 'placeholder' }, 'No playlists are available.'));
    });
  }

  async function loadAccounts() {
    if (!me.canAdminister) return;
    await guarded(accounts, async () => {
      const list = await api('GET', '/api/accounts');
      const user = el('input', { 'data-testid': 'new-account-username', placeholder: 'username', 'aria-label': 'New account username' });
      const pass = el('input', { 'data-testid': 'new-account-password', type: 'password', placeholder: 'password (10+)', 'aria-label': 'New account password', autocomplete: 'new-password' });
      const role = el('select', { 'data-testid': 'new-account-role', 'aria-label': 'New account role' }, ROLES.map((r) => el('option', { value: r, selected: r === 'Therapist' }, r)));
      const roomsField = el('input', { 'data-testid': 'new-account-rooms', placeholder: 'rooms (blank: all)', 'aria-label': 'Rooms a therapist may control, comma separated' });
      const form = el('form', { class: 'inline-form', 'data-testid': 'create-account-form' }, user, pass, role, roomsField,
        el('button', { type: 'submit', class: 'btn btn-primary', 'data-testid': 'create-account' }, 'Add account'));
      form.addEventListener('submit', async (e) => {
        e.preventDefault();
        await guarded(accounts, async () => {
          const roomsList = roomsField.value.split(',').map((s) => s.trim()).filter(Boolean);
          await api('POST', '/api/accounts', { username: user.value.trim(), password: pass.value, role: role.value, rooms: roomsList });
          await loadAccounts();
        });
      });
      const rows = list.map((u) => el('tr', { 'data-testid': `account-${u.username}` },
        el('td', {}, u.username),
        el('td', {}, u.role),
        el('td', {}, u.rooms?.length ? u.rooms.join(', ') : 'all'),
        el('td', {}, u.disabled ? 'disabled' : 'active'),
        el('td', { class: 'actions' },
          el('button', { class: 'btn', type: 'button', 'data-testid': `account-toggle-${u.username}`, onclick: () => guarded(accounts, async () => {
            await api('PUT', `/api/accounts/${encodeURIComponent(u.username)}`, { disabled: !u.disabled });
            await loadAccounts();
          }) }, u.disabled ? 'Enable' : 'Disable'),
          el('button', { class: 'btn', type: 'button', onclick: () => guarded(accounts, async () => {
            const password = prompt(`New password for ${u.username} (10 characters or more). It signs them out everywhere.`);
            if (!password) return;
            await api('PUT', `/api/accounts/${encodeURIComponent(u.username)}`, { password });
          }) }, 'New password'))));
      accountsBody.replaceChildren(form, table(['Username', 'Role', 'Rooms', 'State', ''], rows, 'accounts-table'));
    });
  }

  async function loadKeys() {
    if (!me.canAdminister) return;
    await guarded(keys, async () => {
      const list = await api('GET', '/api/api-keys');
      const name = el('input', { 'data-testid': 'new-key-name', placeholder: 'what uses it', 'aria-label': 'API key name' });
      const role = el('select', { 'data-testid': 'new-key-role', 'aria-label': 'API key role' }, ROLES.map((r) => el('option', { value: r }, r)));
      const shown = el('p', { class: 'token-once', 'data-testid': 'new-key-token', hidden: true });
      const form = el('form', { class: 'inline-form' }, name, role, el('button', { type: 'submit', class: 'btn btn-primary', 'data-testid': 'create-key' }, 'Create key'));
      form.addEventListener('submit', async (e) => {
        e.preventDefault();
        await guarded(keys, async () => {
          const created = await api('POST', '/api/api-keys', { name: name.value.trim(), role: role.value });
          await loadKeys();
          const token = keysBody.querySelector('[data-testid="new-key-token"]');
          token.hidden = false;
          token.textContent = `Copy this key now; it is not shown again: ${created.token}`;
        });
      });
      const rows = list.map((k) => el('tr', { 'data-testid': `key-${k.keyId}` },
        el('td', {}, k.name), el('td', {}, k.role), el('td', {}, k.createdBy), el('td', {}, when(k.createdAt)),
        el('td', {}, k.revokedAt ? `revoked ${when(k.revokedAt)}` : 'active'),
        el('td', { class: 'actions' }, k.revokedAt ? null : el('button', { class: 'btn btn-danger', type: 'button', onclick: () => guarded(keys, async () => {
          await api('DELETE', `/api/api-keys/${encodeURIComponent(k.keyId)}`);
          await loadKeys();
        }) }, 'Revoke'))));
      keysBody.replaceChildren(form, shown, table(['Name', 'Role', 'Created by', 'Created', 'State', ''], rows, 'keys-table'));
    });
  }

  async function refreshAll() {
    await loadRooms();
    await Promise.all([loadDevices(), loadLogins(), loadLibrary(), loadAccounts(), loadKeys()]);
  }

  refreshAll();
  // Devices come and go on their own; keep their availability fresh while the console is open.
  const timer = setInterval(loadDevices, 5000);
  return { kind: 'staff', update() {}, dispose() { clearInterval(timer); } };
}
