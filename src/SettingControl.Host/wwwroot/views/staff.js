// The staff console (#/staff): rooms, devices, protocols and playlists; accounts and API keys for admins.

import { h } from '../lib/dom.js';
import { api, signOut } from '../lib/api.js';
import { bridgesSection } from './staff-bridges.js';
import { devicesTable } from './staff-devices.js';
import { jsonLightsSection } from './staff-json-lights.js';
import { confirmTwice, guarded, section, table, when } from './staff-parts.js';

const ROLES = ['Observer', 'Therapist', 'Staff', 'Admin'];

/** The staff console (#/staff): rooms, devices, protocols and playlists; accounts and API keys for admins. */
export function mountStaff(main, me) {
  const rooms = section('Rooms', 'staff-rooms');
  const devices = section('Devices', 'staff-devices');
  const bridges = bridgesSection(() => loadDevices());
  const jsonLights = jsonLightsSection(() => loadDevices());
  const library = section('Protocols and playlists', 'staff-library');
  const accounts = section('Accounts', 'staff-accounts');
  const keys = section('API keys', 'staff-keys');
  const deviceList = devicesTable(devices, () => roomList, () => refreshAll());
  const loadDevices = () => deviceList.load();
  const roomsBody = h('div');
  const loginsBody = h('div');
  const libraryBody = h('div');
  const accountsBody = h('div');
  const keysBody = h('div');
  rooms.root.append(roomsBody);
  devices.root.append(deviceList.root, loginsBody);
  library.root.append(libraryBody);
  accounts.root.append(accountsBody);
  keys.root.append(keysBody);

  main.replaceChildren(
    h('h1', { class: 'page-title' }, 'Staff console'),
    h('p', { class: 'hint' }, 'Rooms, devices and settings. Everything here is also in the REST API (docs/api.md).'),
    rooms.root, devices.root, bridges.root, jsonLights.root, library.root,
    // Only the admin's sections: replaceChildren would write a left-out (null) one as the text "null".
    ...(me.canAdminister ? [accounts.root, keys.root] : []));

  let roomList = [];
  let playlists = [];

  async function loadRooms() {
    await guarded(rooms, async () => {
      roomList = await api('GET', '/api/rooms');
      try { playlists = await api('GET', '/api/playlists'); } catch { playlists = []; }
      // In a cluster a sound card (or output folder) belongs to one node: staff pick which, and the room plays there.
      let nodeNames = [];
      try {
        const cluster = await api('GET', '/api/cluster');
        if (cluster.provider === 'PostgreSQL') nodeNames = [...new Set(cluster.nodes.filter((n) => n.name && n.status === 'Active').map((n) => n.name))].sort();
      } catch { nodeNames = []; }
      const outputs = new Map(await Promise.all(roomList.map(async (r) => {
        try { return [r.roomId, await api('GET', `/api/rooms/${encodeURIComponent(r.roomId)}/audio-output`)]; } catch { return [r.roomId, null]; }
      })));
      // The browser reads a pattern with the v flag, where a bare '-' ending a class is an error that turns the check off.
      const newId = h('input', { 'data-testid': 'new-room-id', placeholder: 'room-4', 'aria-label': 'New room id', pattern: '[a-z0-9_\\-]+',
        title: 'Small letters, digits, - and _ only, for example room-4' });
      const newName = h('input', { 'data-testid': 'new-room-name', placeholder: 'Garden room', 'aria-label': 'New room name' });
      const create = h('form', { class: 'inline-form', 'data-testid': 'create-room-form' },
        newId, newName, h('button', { type: 'submit', class: 'btn btn-primary', 'data-testid': 'create-room' }, 'Create room'));
      create.addEventListener('submit', async (e) => {
        e.preventDefault();
        await guarded(rooms, async () => {
          await api('POST', '/api/rooms', { roomId: newId.value.trim(), name: newName.value.trim() || newId.value.trim() });
          await refreshAll();
        });
      });
      const rows = roomList.map((r) => {
        const name = h('input', { value: r.name, 'aria-label': `Name of ${r.roomId}`, 'data-testid': `room-name-${r.roomId}` });
        const max = h('input', { type: 'number', min: 1, max: 100, value: r.settings?.maxBrightness ?? 100, class: 'num', 'aria-label': `Maximum brightness of ${r.roomId}`, 'data-testid': `room-max-${r.roomId}` });
        const maxMask = h('input', { type: 'number', min: 1, max: 100, value: r.settings?.maxMaskLight ?? 100, class: 'num', 'aria-label': `Maximum mask light of ${r.roomId}`, 'data-testid': `room-max-mask-${r.roomId}` });
        const playlist = h('select', { 'aria-label': `Default playlist of ${r.roomId}`, 'data-testid': `room-playlist-${r.roomId}` },
          h('option', { value: '' }, '(none)'),
          playlists.map((p) => h('option', { value: p.id, selected: p.id === r.settings?.defaultPlaylistId }, p.title ?? p.id)));
        const output = outputs.get(r.roomId);
        const outKind = h('select', { 'aria-label': `Audio output of ${r.roomId}`, 'data-testid': `room-output-kind-${r.roomId}` },
          ['none', 'alsa', 'file', 'snapcast'].map((k) => h('option', { value: k, selected: output?.kind === k }, k)));
        const outTarget = h('input', {
          'aria-label': `ALSA device or WAV file name of ${r.roomId}`, 'data-testid': `room-output-target-${r.roomId}`,
          value: output?.kind === 'file' ? output.path : output?.kind === 'alsa' ? output.device : '', placeholder: 'default · hw:0,0 · room-1.wav',
          title: 'ALSA: default, sysdefault, hw:N,M, plughw:N,M or a device ALSA lists. File: a name ending in .wav, written in the audio output folder.',
        });
        // Snapcast: the server, the room's stream (its name= in snapserver.conf) and the two ports, defaults filled in.
        const snapcast = output?.kind === 'snapcast' ? output : null;
        const snapServer = h('input', { 'aria-label': `Snapcast server of ${r.roomId}`, 'data-testid': `room-snapcast-server-${r.roomId}`,
          value: snapcast?.server ?? '', placeholder: 'server: 127.0.0.1', title: 'The Snapcast server: an IP address or a plain host name.' });
        const snapStream = h('input', { 'aria-label': `Snapcast stream of ${r.roomId}`, 'data-testid': `room-snapcast-stream-${r.roomId}`,
          value: snapcast?.stream ?? r.roomId, placeholder: 'stream', title: 'The room\'s stream: its name= in snapserver.conf (letters, digits, . _ -).' });
        const snapControl = h('input', { type: 'number', min: 1, max: 65535, class: 'num', 'aria-label': `Snapcast control port of ${r.roomId}`,
          'data-testid': `room-snapcast-control-port-${r.roomId}`, value: snapcast?.controlPort ?? 1705, title: 'snapserver\'s control port ([tcp] port).' });
        const snapPort = h('input', { type: 'number', min: 1, max: 65535, class: 'num', 'aria-label': `Snapcast stream port of ${r.roomId}`,
          'data-testid': `room-snapcast-stream-port-${r.roomId}`, value: snapcast?.streamPort ?? 4953, title: 'The port of the room\'s tcp source in snapserver.conf.' });
        // The speakers' own level on the server, set once; blank keeps each speaker's own. The room's volume is the therapist's.
        const snapVolume = h('input', { type: 'number', min: 0, max: 100, class: 'num', 'aria-label': `Speaker volume of ${r.roomId}`,
          'data-testid': `room-snapcast-speaker-volume-${r.roomId}`, value: snapcast?.speakerVolume ?? '', placeholder: 'speaker %',
          title: 'The level the room\'s speakers are kept at on the Snapcast server (0–100 %); leave blank to keep each speaker\'s own.' });
        const snapFields = h('span', { class: 'output-snapcast', 'data-testid': `room-snapcast-${r.roomId}` }, snapServer, snapStream, snapControl, snapPort, snapVolume);
        const showKind = () => {
          snapFields.hidden = outKind.value !== 'snapcast';
          outTarget.hidden = outKind.value === 'snapcast';
        };
        outKind.addEventListener('change', showKind);
        showKind();
        const speakers = snapcast?.speakers?.length
          ? h('span', { class: 'hint output-speakers', 'data-testid': `room-speakers-${r.roomId}` },
            `Speakers: ${snapcast.speakers.map((s) => `${s.name} (${s.connected ? 'connected' : 'not connected'})`).join(', ')}`)
          : null;
        const outNode = h('select', { 'aria-label': `Controller with the speaker of ${r.roomId}`, 'data-testid': `room-output-node-${r.roomId}`,
          hidden: nodeNames.length === 0 && !output?.node, title: 'The controller the sound card or output folder is connected to; the room plays there.' },
          h('option', { value: '' }, 'any controller'),
          [...new Set([...nodeNames, ...(output?.node ? [output.node] : [])])].map((n) => h('option', { value: n, selected: n === output?.node }, n)));
        // A stored output that breaks the rules (older version, hand edit) plays to nothing; say so plainly.
        const refused = output?.state?.startsWith('refused: ');
        const outState = h('span', { class: refused ? 'hint output-refused' : 'hint', role: refused ? 'alert' : null, 'data-testid': `room-output-state-${r.roomId}` },
          !output ? '' : refused ? `Not used: ${output.state.slice('refused: '.length)}` : output.state);
        const save = h('button', { class: 'btn', type: 'button', 'data-testid': `room-save-${r.roomId}`, onclick: () => guarded(rooms, async () => {
          await api('PATCH', `/api/rooms/${encodeURIComponent(r.roomId)}`, { name: name.value.trim(), maxBrightness: Number(max.value), maxMaskLight: Number(maxMask.value), defaultPlaylistId: playlist.value });
          const kind = outKind.value;
          const node = kind === 'none' ? '' : outNode.value;
          const snap = { server: snapServer.value.trim(), stream: snapStream.value.trim(), controlPort: Number(snapControl.value), streamPort: Number(snapPort.value),
            ...(snapVolume.value.trim() === '' ? {} : { speakerVolume: Number(snapVolume.value) }) };
          const snapChanged = kind === 'snapcast' && (!snapcast || snap.server !== snapcast.server || snap.stream !== snapcast.stream
            || snap.controlPort !== snapcast.controlPort || snap.streamPort !== snapcast.streamPort || (snap.speakerVolume ?? null) !== (snapcast.speakerVolume ?? null));
          if (!output || kind !== output.kind || (kind !== 'snapcast' && outTarget.value.trim() !== (kind === 'file' ? output.path : kind === 'alsa' ? output.device : '')) || snapChanged
              || !output.configured || node !== (output.node ?? '')) {
            const where = node ? { node } : {};
            await api('PUT', `/api/rooms/${encodeURIComponent(r.roomId)}/audio-output`,
              kind === 'file' ? { kind, path: outTarget.value.trim(), ...where }
                : kind === 'alsa' ? { kind, device: outTarget.value.trim() || 'default', ...where }
                  : kind === 'snapcast' ? { kind, ...snap, ...where } : { kind });
          }
          await loadRooms();
        }) }, 'Save');
        const retire = h('button', { class: 'btn btn-danger', type: 'button', 'data-testid': `room-retire-${r.roomId}`, onclick: () => guarded(rooms, async () => {
          if (!confirm(`Retire ${r.name}? Its devices are released.`)) return;
          await api('DELETE', `/api/rooms/${encodeURIComponent(r.roomId)}`);
          await refreshAll();
        }) }, 'Retire');
        return h('tr', { 'data-testid': `staff-room-${r.roomId}` },
          h('td', {}, h('a', { href: `#/rooms/${encodeURIComponent(r.roomId)}` }, r.roomId)),
          h('td', {}, name),
          h('td', {}, String(r.devices?.length ?? 0)),
          h('td', {}, max),
          h('td', {}, maxMask),
          h('td', {}, playlist),
          h('td', { class: 'output-cell' }, outKind, outTarget, snapFields, outNode, outState, speakers),
          h('td', { class: 'actions' }, save, retire));
      });
      // Snapserver cannot add streams while it runs: staff paste the generated lines into snapserver.conf (docs/audio.md).
      const streamLines = h('pre', { class: 'generated-config', 'data-testid': 'snapcast-stream-lines', hidden: true });
      const showLines = h('button', { class: 'btn', type: 'button', 'data-testid': 'snapcast-stream-lines-button', onclick: () => guarded(rooms, async () => {
        const res = await fetch('/api/snapcast/streams', { credentials: 'same-origin' });
        if (!res.ok) throw new Error(`The Snapcast stream lines could not be made (${res.status} ${res.statusText}).`);
        streamLines.textContent = await res.text();
        streamLines.hidden = false;
      }) }, 'Snapcast stream lines for snapserver.conf');
      roomsBody.replaceChildren(create, table(['Room', 'Name', 'Devices', 'Max brightness %', 'Max mask light %', 'Default playlist', 'Audio output', ''], rows, 'rooms-table'),
        h('p', { class: 'inline-form' }, showLines), streamLines);
    });
  }

  async function loadLogins() {
    await guarded(devices, async () => {
      const list = await api('GET', '/api/devices/credentials');
      const id = h('input', { 'data-testid': 'new-login-device', placeholder: 'device id, e.g. lamp-9', 'aria-label': 'Device id for a new broker login' });
      const shown = h('p', { class: 'token-once', 'data-testid': 'new-login-password', hidden: true });
      const issue = async (deviceId) => {
        const created = await api('POST', `/api/devices/${encodeURIComponent(deviceId)}/credentials`);
        await loadLogins();
        const out = loginsBody.querySelector('[data-testid="new-login-password"]');
        out.hidden = false;
        out.dataset.password = created.password;
        out.textContent = `Broker login for ${created.deviceId}: username ${created.username}, password ${created.password} — enter it on the device now; it is not shown again.`;
      };
      const form = h('form', { class: 'inline-form' }, id,
        h('button', { type: 'submit', class: 'btn btn-primary', 'data-testid': 'create-login' }, 'Create broker login'));
      form.addEventListener('submit', (e) => {
        e.preventDefault();
        guarded(devices, () => issue(id.value.trim()));
      });
      const rows = list.filter((a) => a.role !== 'Controller').map((a) => h('tr', { 'data-testid': `login-${a.username}` },
        h('td', {}, a.username), h('td', {}, a.role), h('td', {}, when(a.issuedAt)),
        h('td', { class: 'actions' },
          h('button', { class: 'btn', type: 'button', onclick: () => guarded(devices, () => issue(a.username)) }, 'New password'),
          h('button', { class: 'btn btn-danger', type: 'button', onclick: () => guarded(devices, async () => {
            if (!confirm(`Revoke ${a.username}'s broker login? It is disconnected at once.`)) return;
            await api('DELETE', `/api/devices/${encodeURIComponent(a.username)}/credentials`);
            await loadLogins();
          }) }, 'Revoke'))));
      loginsBody.replaceChildren(
        h('h3', {}, 'Broker logins'),
        h('p', { class: 'hint' }, 'A device connects to the broker with its own login; one without a login is refused before it can announce itself.'),
        form, shown,
        rows.length ? table(['Login', 'Kind', 'Issued', ''], rows, 'logins-table') : h('p', { class: 'placeholder' }, 'No device logins yet.'));
    });
  }

  async function loadLibrary() {
    await guarded(library, async () => {
      const protocols = await api('GET', '/api/protocols');
      const mins = (s) => `${Math.round((s ?? 0) / 60)} min`;
      libraryBody.replaceChildren(
        h('h3', {}, 'Protocols'),
        h('ul', { class: 'plain-list', 'data-testid': 'protocol-list' }, protocols.map((p) =>
          h('li', {}, h('strong', {}, p.name ?? p.id), ` · ${p.id}${p.builtIn ? ' · built in' : ' · staff'}`))),
        h('p', { class: 'hint' }, 'Add or edit a protocol with PUT /api/protocols/{id} (docs/sessions.md).'),
        h('h3', {}, 'Playlists'),
        playlists.length
          ? h('ul', { class: 'plain-list', 'data-testid': 'playlist-list' }, playlists.map((p) =>
            h('li', {}, h('strong', {}, p.title ?? p.id), ` · ${p.tracks?.length ?? 0} tracks · ${mins(p.totalSeconds ?? p.durationSeconds)}`)))
          : h('p', { class: 'placeholder' }, 'No playlists are available.'));
    });
  }

  async function loadAccounts() {
    if (!me.canAdminister) return;
    await guarded(accounts, async () => {
      const list = await api('GET', '/api/accounts');
      const user = h('input', { 'data-testid': 'new-account-username', placeholder: 'username', 'aria-label': 'New account username' });
      const pass = h('input', { 'data-testid': 'new-account-password', type: 'password', placeholder: 'password (10+)', 'aria-label': 'New account password', autocomplete: 'new-password' });
      const role = h('select', { 'data-testid': 'new-account-role', 'aria-label': 'New account role' }, ROLES.map((r) => h('option', { value: r, selected: r === 'Therapist' }, r)));
      const roomsField = h('input', { 'data-testid': 'new-account-rooms', placeholder: 'rooms (blank: all)', 'aria-label': 'Rooms a therapist may control, comma separated' });
      const form = h('form', { class: 'inline-form', 'data-testid': 'create-account-form' }, user, pass, role, roomsField,
        h('button', { type: 'submit', class: 'btn btn-primary', 'data-testid': 'create-account' }, 'Add account'));
      form.addEventListener('submit', async (e) => {
        e.preventDefault();
        await guarded(accounts, async () => {
          const roomsList = roomsField.value.split(',').map((s) => s.trim()).filter(Boolean);
          await api('POST', '/api/accounts', { username: user.value.trim(), password: pass.value, role: role.value, rooms: roomsList });
          await loadAccounts();
        });
      });
      const rows = list.map((u) => h('tr', { 'data-testid': `account-${u.username}` },
        h('td', {}, u.username),
        h('td', {}, u.role),
        h('td', {}, u.rooms?.length ? u.rooms.join(', ') : 'all'),
        h('td', {}, u.disabled ? 'disabled' : 'active'),
        h('td', { class: 'actions' },
          toggleButton(u),
          h('button', { class: 'btn', type: 'button', onclick: () => guarded(accounts, async () => {
            const password = prompt(`New password for ${u.username} (10 characters or more). It signs them out everywhere.`);
            if (!password) return;
            await api('PUT', `/api/accounts/${encodeURIComponent(u.username)}`, { password });
          }) }, 'New password'))));
      accountsBody.replaceChildren(form, table(['Username', 'Role', 'Rooms', 'State', ''], rows, 'accounts-table'));
    });
  }

  /** Enable or Disable; disabling one's own account signs one out, so that asks first and then signs out. */
  function toggleButton(u) {
    const own = !u.disabled && u.username.toLowerCase() === me.username.toLowerCase();
    const toggle = () => guarded(accounts, async () => {
      await api('PUT', `/api/accounts/${encodeURIComponent(u.username)}`, { disabled: !u.disabled });
      if (own) await signOut();
      else await loadAccounts();
    });
    const button = h('button', { class: 'btn', type: 'button', 'data-testid': `account-toggle-${u.username}` }, u.disabled ? 'Enable' : 'Disable');
    if (!own) {
      button.addEventListener('click', toggle);
      return button;
    }
    return confirmTwice(button, 'Tap again to disable', 'Disable your own account? You will be signed out at once.', toggle,
      `account-confirm-${u.username}`);
  }

  async function loadKeys() {
    if (!me.canAdminister) return;
    await guarded(keys, async () => {
      const list = await api('GET', '/api/api-keys');
      const name = h('input', { 'data-testid': 'new-key-name', placeholder: 'what uses it', 'aria-label': 'API key name' });
      const role = h('select', { 'data-testid': 'new-key-role', 'aria-label': 'API key role' }, ROLES.map((r) => h('option', { value: r }, r)));
      const shown = h('p', { class: 'token-once', 'data-testid': 'new-key-token', hidden: true });
      const form = h('form', { class: 'inline-form' }, name, role, h('button', { type: 'submit', class: 'btn btn-primary', 'data-testid': 'create-key' }, 'Create key'));
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
      const rows = list.map((k) => h('tr', { 'data-testid': `key-${k.keyId}` },
        h('td', {}, k.name), h('td', {}, k.role), h('td', {}, k.createdBy), h('td', {}, when(k.createdAt)),
        h('td', {}, k.revokedAt ? `revoked ${when(k.revokedAt)}` : 'active'),
        h('td', { class: 'actions' }, k.revokedAt ? null : h('button', { class: 'btn btn-danger', type: 'button', onclick: () => guarded(keys, async () => {
          await api('DELETE', `/api/api-keys/${encodeURIComponent(k.keyId)}`);
          await loadKeys();
        }) }, 'Revoke'))));
      keysBody.replaceChildren(form, shown, table(['Name', 'Role', 'Created by', 'Created', 'State', ''], rows, 'keys-table'));
    });
  }

  async function refreshAll() {
    await loadRooms();
    await Promise.all([loadDevices(), loadLogins(), bridges.load(), jsonLights.load(), loadLibrary(), loadAccounts(), loadKeys()]);
  }

  refreshAll();
  // Devices come and go on their own; keep their availability fresh while the console is open.
  const timer = setInterval(() => { loadDevices(); bridges.load(); jsonLights.load(); }, 5000);
  return { kind: 'staff', update() {}, dispose() { clearInterval(timer); } };
}
