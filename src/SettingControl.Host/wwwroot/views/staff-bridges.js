// The staff console's bridges (Zigbee2MQTT): register one and get its broker login, see whether it is online and how
// many lights it brings, remove one. Its bulbs then show in the devices list, to be assigned like any device.

import { h } from '../lib/dom.js';
import { api } from '../lib/api.js';
import { guarded, removeButton, section, showLoginOnce, table, unlessShown } from './staff-parts.js';

const STATE_TEXT = { online: 'online', offline: 'offline', unknown: 'not heard from yet' };

/**
 * The bridges section; `changed` is called after a bridge comes or goes (its lights come and go with it). The form
 * and a just-issued login are built once; `load` refreshes only the list, so a periodic refresh never wipes what
 * staff are typing or the password they are copying.
 */
export function bridgesSection(changed) {
  const part = section('Zigbee2MQTT bridges', 'staff-bridges');
  const name = h('input', { 'data-testid': 'new-bridge-name', placeholder: 'Ground floor', 'aria-label': 'Name of the new bridge' });
  const baseTopic = h('input', { 'data-testid': 'new-bridge-base-topic', value: 'zigbee2mqtt', 'aria-label': 'Base topic of the new bridge (mqtt.base_topic in Zigbee2MQTT)' });
  const form = h('form', { class: 'inline-form', 'data-testid': 'register-bridge-form' }, name, baseTopic,
    h('button', { type: 'submit', class: 'btn btn-primary', 'data-testid': 'register-bridge' }, 'Register bridge'));
  const shown = h('p', { class: 'token-once', 'data-testid': 'new-bridge-login', hidden: true });
  const list = h('div');
  part.root.append(
    h('p', { class: 'hint' }, 'A Zigbee2MQTT bridge brings its Zigbee bulbs (Hue, IKEA, Innr, Gledopto …). Register it here, enter the login it gets in Zigbee2MQTT, and its lights appear under Devices.'),
    form, shown, list);

  form.addEventListener('submit', (e) => {
    e.preventDefault();
    guarded(part, async () => {
      const created = await api('POST', '/api/bridges', { kind: 'zigbee2mqtt', baseTopic: baseTopic.value.trim(), name: name.value.trim() });
      showLoginOnce(shown, created, 'the bridge\'s Zigbee2MQTT configuration (mqtt: user, password)');
      name.value = '';
      await load();
      changed();
    });
  });

  const isNew = unlessShown();
  async function load() {
    await guarded(part, async () => {
      const bridges = await api('GET', '/api/bridges');
      if (!isNew(bridges)) return;
      const rows = bridges.map((b) => h('tr', { 'data-testid': `bridge-${b.bridgeId}`, 'data-availability': b.availability },
        h('td', {}, b.name),
        h('td', {}, b.baseTopic),
        h('td', {}, h('span', { class: `avail avail-${b.availability}` }, STATE_TEXT[b.availability] ?? b.availability)),
        h('td', {}, b.version ?? '—'),
        h('td', { 'data-testid': `bridge-${b.bridgeId}-lights` }, String(b.lightCount)),
        h('td', { class: 'actions' }, removeButton(part, `bridge-remove-${b.bridgeId}`,
          `Remove ${b.name}? Its broker login is revoked at once and its lights go offline.`,
          `/api/bridges/${encodeURIComponent(b.bridgeId)}`, async () => { await load(); changed(); }))));
      list.replaceChildren(bridges.length ? table(['Bridge', 'Base topic', 'State', 'Version', 'Lights', ''], rows, 'bridges-table')
        : h('p', { class: 'placeholder' }, 'No bridge is registered.'));
    });
  }

  return { root: part.root, load };
}
