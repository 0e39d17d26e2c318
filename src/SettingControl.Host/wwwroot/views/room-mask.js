// The room page's eye-mask panel: on/off and the mask's light; the masks.

import { h, setText } from '../lib/dom.js';
import { pct } from '../lib/format.js';
import { slider, syncSlider, syncToggle, toggle, wireSlider, wireToggle } from '../lib/controls.js';
import { send } from '../lib/hub.js';
import { deviceList } from './devices.js';
import { overridePill } from './overrides.js';

export function mountMask(roomId) {
  const maskOn = toggle({ id: 'mask-on', testid: 'mask-on-toggle', label: 'Mask on' });
  const maskLight = slider({
    id: 'mask-light', testid: 'mask-light-slider', targetTestid: 'mask-light-target',
    min: 0, max: 100, step: 1, label: 'Mask light', legend: ['0%', '50%', '100%'], extraClass: 'slider-brightness',
  });
  const devices = deviceList((d) => d.kind === 'mask', 'No mask in this room.');

  // A "Manual · hand back" pill next to each control the therapist has taken over.
  const pills = {
    maskOn: overridePill(roomId, 'maskOn'),
    maskLight: overridePill(roomId, 'maskLight'),
  };
  maskLight.slot.append(pills.maskLight.btn);

  const fieldset = h('fieldset', { class: 'controls' },
    h('legend', { class: 'visually-hidden' }, 'Mask target'), maskLight.block);
  const root = h('section', { class: 'panel panel-mask', 'aria-labelledby': 'mask-h' },
    h('div', { class: 'panel-head' }, h('h2', { id: 'mask-h' }, 'Mask'), maskOn.block),
    h('div', { class: 'head-pill' }, pills.maskOn.btn),
    fieldset,
    h('h3', { class: 'actual-head' }, 'Actual', h('span', { class: 'muted' }, ' · as the mask reports')),
    devices.root);

  // Commands go out on release.
  const cmd = (body, el) => send('SetMask', roomId, body, el);
  wireToggle(maskOn, (on) => cmd({ on: on }, maskOn.input));
  wireSlider(maskLight.input, {
    onInput: () => setText(maskLight.target, pct(maskLight.input.value)),
    onCommit: (v) => cmd({ light: v }, maskLight.input),
  });

  function update(snap, live) {
    fieldset.disabled = !live;
    maskOn.input.disabled = !live;
    const M = snap.desired?.mask ?? {};
    syncToggle(maskOn, M.on);
    syncSlider(maskLight, M.light, pct);
    fieldset.classList.toggle('is-off', !M.on);
    devices.update(snap);
    for (const pill of Object.values(pills)) pill.update(snap.session, live);
  }

  return { root, update };
}
