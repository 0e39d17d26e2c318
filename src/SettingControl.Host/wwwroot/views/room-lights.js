// The room page's lights panel: on/off, brightness, colour temperature and the fade they are sent with; the lights.

import { h, setText } from '../lib/dom.js';
import { formatDuration, kelvin, pct } from '../lib/format.js';
import { slider, sliderCeiling, syncSlider, syncToggle, toggle, wireSlider, wireToggle } from '../lib/controls.js';
import { send } from '../lib/hub.js';
import { deviceList } from './devices.js';
import { overridePill } from './overrides.js';

const TRANSITIONS = [
  [0, 'Instant'],
  [1000, '1 s'],
  [5000, '5 s'],
  [30000, '30 s'],
  [120000, '2 min'],
  [300000, '5 min'],
  [1200000, '20 min'],
];

const DEFAULT_TRANSITION_MS = 1000;

export function mountLights(roomId) {
  const lightOn = toggle({ id: 'light-on', testid: 'light-on-toggle', label: 'Lights on' });
  const bright = slider({
    id: 'brightness', testid: 'brightness-slider', targetTestid: 'brightness-target',
    min: 0, max: 100, step: 1, label: 'Brightness', legend: ['0%', '50%', '100%'], extraClass: 'slider-brightness',
  });
  const ct = slider({
    id: 'colortemp', testid: 'colortemp-slider', targetTestid: 'colortemp-target',
    min: 1800, max: 6500, step: 50, label: 'Colour temperature', legend: ['warm 1800 K', 'cool 6500 K'], extraClass: 'slider-ct',
  });
  // The fade for lighting commands: each room page starts at the default, so a long fade is never left armed.
  let transitionMs = DEFAULT_TRANSITION_MS;
  const select = h('select', { id: 'transition', class: 'select', 'data-testid': 'transition-select' },
    TRANSITIONS.map(([ms, text]) => h('option', { value: ms }, text)));
  select.value = String(transitionMs);
  select.addEventListener('change', () => {
    transitionMs = Number(select.value);
  });
  const lastFade = h('span', { class: 'muted last-fade' });
  // The room's brightness ceiling (staff's setting): hatched out on the track, the thumb stops there, said plainly.
  const ceiling = sliderCeiling(bright, 'brightness-ceiling');
  const devices = deviceList((d) => d.kind === 'light', 'No lights in this room.');

  // A "Manual · hand back" pill next to each control the therapist has taken over.
  const pills = {
    lightsOn: overridePill(roomId, 'lightsOn'),
    brightness: overridePill(roomId, 'brightness'),
    colorTempK: overridePill(roomId, 'colorTempK'),
  };
  bright.slot.append(pills.brightness.btn);
  ct.slot.append(pills.colorTempK.btn);

  const fieldset = h('fieldset', { class: 'controls' },
    h('legend', { class: 'visually-hidden' }, 'Lighting target'),
    bright.block, ct.block,
    h('div', { class: 'control control-inline' },
      h('label', { for: 'transition' }, 'Fade'), select, lastFade));
  const root = h('section', { class: 'panel panel-lights', 'aria-labelledby': 'lights-h' },
    h('div', { class: 'panel-head' }, h('h2', { id: 'lights-h' }, 'Lights'), lightOn.block),
    h('div', { class: 'head-pill' }, pills.lightsOn.btn),
    fieldset,
    h('h3', { class: 'actual-head' }, 'Actual', h('span', { class: 'muted' }, ' · as the lights report')),
    devices.root);

  // Commands go out on release, with the chosen fade.
  const cmd = (body, el) => send('SetLighting', roomId, { ...body, transitionMs }, el);
  wireToggle(lightOn, (on) => cmd({ on: on }, lightOn.input));
  wireSlider(bright.input, {
    onInput: () => {
      ceiling.clamp();
      setText(bright.target, pct(bright.input.value));
    },
    onCommit: (v) => cmd({ brightness: v }, bright.input),
  });
  wireSlider(ct.input, {
    onInput: () => setText(ct.target, kelvin(ct.input.value)),
    onCommit: (v) => cmd({ colorTempK: v }, ct.input),
  });

  function update(snap, live) {
    fieldset.disabled = !live;
    lightOn.input.disabled = !live;
    const L = snap.desired?.lighting ?? {};
    syncToggle(lightOn, L.on);
    ceiling.set(snap.settings?.maxBrightness);
    syncSlider(bright, L.brightness, pct);
    syncSlider(ct, L.colorTempK, kelvin);
    fieldset.classList.toggle('is-off', !L.on);
    setText(lastFade, snap.lastTransitionMs != null ? `last fade ${formatDuration(snap.lastTransitionMs)}` : '');
    devices.update(snap);
    for (const pill of Object.values(pills)) pill.update(snap.session, live);
  }

  return { root, update };
}
