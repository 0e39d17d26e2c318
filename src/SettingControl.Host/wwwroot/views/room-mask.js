// The room page's eye-mask panel: on/off and the mask's light (with staff's ceiling, and a confirm step before a worn
// mask is made bright); the masks.

import { h, setText } from '../lib/dom.js';
import { formatDuration, pct } from '../lib/format.js';
import { slider, sliderCeiling, syncSlider, syncToggle, toggle, wireSlider, wireToggle } from '../lib/controls.js';
import { send } from '../lib/hub.js';
import { deviceList } from './devices.js';
import { overridePill } from './overrides.js';

/** The fade every mask-light change is sent with (the room's own default, TreatmentRoom.MaskFadeMs): the question says it. */
const MASK_FADE_MS = 3000;

/** Raising a worn mask's light above this asks first: below it the light is a glow, above it it is in the eyes. */
const CONFIRM_ABOVE = 30;

export function mountMask(roomId) {
  const maskOn = toggle({ id: 'mask-on', testid: 'mask-on-toggle', label: 'Mask on' });
  const maskLight = slider({
    id: 'mask-light', testid: 'mask-light-slider', targetTestid: 'mask-light-target',
    min: 0, max: 100, step: 1, label: 'Mask light', legend: ['0%', '50%', '100%'], extraClass: 'slider-brightness',
  });
  const ceiling = sliderCeiling(maskLight, 'mask-light-ceiling');
  const devices = deviceList((d) => d.kind === 'mask', 'No mask in this room.');

  // The confirm step: the slider shows the new value, nothing is sent until Confirm; Cancel puts the slider back.
  const question = h('p', { class: 'mask-confirm-text', role: 'status', 'data-testid': 'mask-confirm-text' });
  const confirmBtn = h('button', { type: 'button', class: 'btn btn-primary', 'data-testid': 'mask-confirm' }, 'Confirm');
  const cancelBtn = h('button', { type: 'button', class: 'btn', 'data-testid': 'mask-cancel' }, 'Cancel');
  const confirmBox = h('div', { class: 'mask-confirm', 'data-testid': 'mask-confirm-box', hidden: true },
    question, h('div', { class: 'mask-confirm-actions' }, confirmBtn, cancelBtn));

  // A "Manual · hand back" pill next to each control the therapist has taken over.
  const pills = {
    maskOn: overridePill(roomId, 'maskOn'),
    maskLight: overridePill(roomId, 'maskLight'),
  };
  maskLight.slot.append(pills.maskLight.btn);

  const fieldset = h('fieldset', { class: 'controls' },
    h('legend', { class: 'visually-hidden' }, 'Mask target'), maskLight.block, confirmBox);
  const root = h('section', { class: 'panel panel-mask', 'aria-labelledby': 'mask-h' },
    h('div', { class: 'panel-head' }, h('h2', { id: 'mask-h' }, 'Mask'), maskOn.block),
    h('div', { class: 'head-pill' }, pills.maskOn.btn),
    fieldset,
    h('h3', { class: 'actual-head' }, 'Actual', h('span', { class: 'muted' }, ' · as the mask reports')),
    devices.root);

  let desiredLight = 0;
  let worn = false;
  let asking = null; // the light waiting for Confirm, or null

  function showAsked() {
    maskLight.input.value = String(asking);
    setText(maskLight.target, pct(asking));
  }

  function stopAsking() {
    asking = null;
    confirmBox.hidden = true;
  }

  // Commands go out on release.
  const cmd = (body, el) => send('SetMask', roomId, body, el);
  const sendLight = (v) => cmd({ light: v, transitionMs: MASK_FADE_MS }, maskLight.input);
  wireToggle(maskOn, (on) => cmd({ on: on }, maskOn.input));
  wireSlider(maskLight.input, {
    onInput: () => {
      ceiling.clamp();
      setText(maskLight.target, pct(maskLight.input.value));
    },
    onCommit: (v) => {
      if (worn && v > CONFIRM_ABOVE && v > desiredLight) {
        asking = v;
        setText(question, `The mask is worn. Raise its light to ${v} %? It fades over ${formatDuration(MASK_FADE_MS)}.`);
        confirmBox.hidden = false;
        showAsked();
        return;
      }
      stopAsking();
      sendLight(v);
    },
  });
  confirmBtn.addEventListener('click', () => {
    const v = asking;
    stopAsking();
    if (v !== null) sendLight(v);
  });
  cancelBtn.addEventListener('click', () => {
    stopAsking();
    maskLight.input.value = String(desiredLight);
    setText(maskLight.target, pct(desiredLight));
  });

  function update(snap, live) {
    fieldset.disabled = !live;
    maskOn.input.disabled = !live;
    if (!live) stopAsking();
    const M = snap.desired?.mask ?? {};
    desiredLight = M.light ?? 0;
    worn = (snap.devices ?? []).some((d) => d.kind === 'mask' && d.actual?.worn === true);
    syncToggle(maskOn, M.on);
    ceiling.set(snap.settings?.maxMaskLight);
    if (asking !== null) showAsked();
    else syncSlider(maskLight, M.light, pct);
    fieldset.classList.toggle('is-off', !M.on);
    devices.update(snap);
    for (const pill of Object.values(pills)) pill.update(snap.session, live);
  }

  return { root, update };
}
