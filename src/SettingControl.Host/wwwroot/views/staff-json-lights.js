// The staff console's Home Assistant JSON lights (ESPHome and custom firmware): register one with the topics and
// payloads its firmware is configured with and get its broker login, see whether it is online, remove one. The light
// then shows in the devices list, to be assigned like any device.

import { h } from '../lib/dom.js';
import { api } from '../lib/api.js';
import { guarded, removeButton, section, showLoginOnce, table, unlessShown } from './staff-parts.js';

const STATE_TEXT = { online: 'online', offline: 'offline', unknown: 'not heard from yet' };

/** An optional whole number typed by staff: left empty, the server's default applies. */
function optionalNumber(input) {
  const text = input.value.trim();
  if (text === '') return undefined;
  // Not a number: sent as typed, so the server says which field is wrong rather than a default applying silently.
  const number = Number(text);
  return Number.isFinite(number) ? number : text;
}

/**
 * The JSON lights section; `changed` is called after a light comes or goes. As with bridges, the form and a
 * just-issued login are built once and `load` refreshes only the list, so a refresh never wipes what staff type.
 */
export function jsonLightsSection(changed) {
  const part = section('Home Assistant JSON lights', 'staff-json-lights');
  const field = (key, placeholder, label, attrs = {}) =>
    h('input', { 'data-testid': `new-json-light-${key}`, placeholder, 'aria-label': label, ...attrs });
  const name = field('name', 'Reading lamp', 'Name of the new light');
  const commandTopic = field('command-topic', 'esphome/reading-lamp/light/command', 'Command topic (command_topic)');
  const stateTopic = field('state-topic', 'esphome/reading-lamp/light/state', 'State topic (state_topic)');
  const availabilityTopic = field('availability-topic', 'esphome/reading-lamp/status', 'Availability topic, if it has one');
  const brightnessScale = field('brightness-scale', 'brightness scale 255', 'Brightness scale (brightness_scale, 255 if empty)', { inputmode: 'numeric' });
  const minMireds = field('min-mireds', 'min mireds 153', 'Coldest white in mireds (153 if empty)', { inputmode: 'numeric' });
  const maxMireds = field('max-mireds', 'max mireds 500', 'Warmest white in mireds (500 if empty)', { inputmode: 'numeric' });
  const maxTransitionMs = field('max-transition-ms', 'longest fade 30000 ms', 'Longest fade the light runs itself, in ms (30000 if empty)', { inputmode: 'numeric' });
  const form = h('form', { class: 'inline-form', 'data-testid': 'register-json-light-form' },
    name, commandTopic, stateTopic, availabilityTopic, brightnessScale, minMireds, maxMireds, maxTransitionMs,
    h('button', { type: 'submit', class: 'btn btn-primary', 'data-testid': 'register-json-light' }, 'Register light'));
  const shown = h('p', { class: 'token-once', 'data-testid': 'new-json-light-login', hidden: true });
  const list = h('div');
  part.root.append(
    h('p', { class: 'hint' }, 'A light that speaks Home Assistant\'s MQTT JSON schema (ESPHome with schema: json, or custom firmware). Enter the topics it is configured with, give it the login it gets, and it appears under Devices.'),
    form, shown, list);

  form.addEventListener('submit', (e) => {
    e.preventDefault();
    guarded(part, async () => {
      const created = await api('POST', '/api/json-lights', {
        name: name.value.trim(),
        commandTopic: commandTopic.value.trim(),
        stateTopic: stateTopic.value.trim(),
        availabilityTopic: availabilityTopic.value.trim() || undefined,
        brightnessScale: optionalNumber(brightnessScale),
        minMireds: optionalNumber(minMireds),
        maxMireds: optionalNumber(maxMireds),
        maxTransitionMs: optionalNumber(maxTransitionMs),
      });
      showLoginOnce(shown, created, 'the light\'s mqtt: settings (username, password)');
      for (const input of [name, commandTopic, stateTopic, availabilityTopic]) input.value = '';
      await load();
      changed();
    });
  });

  const isNew = unlessShown();
  async function load() {
    await guarded(part, async () => {
      const lights = await api('GET', '/api/json-lights');
      if (!isNew(lights)) return;
      const rows = lights.map((l) => h('tr', { 'data-testid': `json-light-${l.deviceId}`, 'data-availability': l.availability },
        h('td', {}, l.name),
        h('td', {}, l.deviceId),
        h('td', {}, l.commandTopic),
        h('td', {}, l.stateTopic),
        h('td', {}, l.availabilityTopic ?? '—'),
        h('td', {}, h('span', { class: `avail avail-${l.availability}` }, STATE_TEXT[l.availability] ?? l.availability)),
        h('td', { class: 'actions' }, removeButton(part, `json-light-remove-${l.deviceId}`,
          `Remove ${l.name}? Its broker login is revoked at once and it goes offline.`,
          `/api/json-lights/${encodeURIComponent(l.deviceId)}`, async () => { await load(); changed(); }))));
      list.replaceChildren(lights.length ? table(['Light', 'Device id', 'Command topic', 'State topic', 'Availability topic', 'State', ''], rows, 'json-lights-table')
        : h('p', { class: 'placeholder' }, 'No JSON light is registered.'));
    });
  }

  return { root: part.root, load };
}
