// The room page's eye-mask panel: on/off and the mask's light (with staff's ceiling, and a confirm step before a worn
// mask is made bright or switched on bright); the masks.

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
  let desiredOn = false;
  let worn = false;
  // What waits for Confirm: { light } from the slider or { on: true } from the switch; null when nothing is asked.
  let asking = null;

  function showAsked() {
    if (asking?.light != null) {
      maskLight.input.value = String(asking.light);
      setText(maskLight.target, pct(asking.light));
    }
    if (asking?.on) maskOn.input.checked = true;
  }

  function ask(body, words) {
    asking = body;
    setText(question, words);
    confirmBox.hidden = false;
    showAsked();
  }

  function stopAsking() {
    asking = null;
    confirmBox.hidden = true;
  }

  function putBack() {
    maskLight.input.value = String(desiredLight);
    setText(maskLight.target, pct(desiredLight));
    // Not syncToggle: the switch was just touched, and a touched control is left alone for a moment.
    maskOn.input.checked = desiredOn;
    setText(maskOn.state, desiredOn ? 'On' : 'Off');
  }

  // Commands go out on release.
  const cmd = (body, el) => send('SetMask', roomId, body, el);
  const sendLight = (v) => cmd({ light: v, transitionMs: MASK_FADE_MS }, maskLight.input);
  const fade = formatDuration(MASK_FADE_MS);
  wireToggle(maskOn, (on) => {
    // Switched on, the mask comes up from dark to its light over the fade (TreatmentRoom): worn, a bright one asks first.
    if (on && worn && desiredLight > CONFIRM_ABOVE) {
      ask({ on: true }, `The mask is worn. Turn its light on at ${desiredLight} %? It fades up over ${fade}.`);
      return;
    }
    stopAsking();
    cmd({ on: on }, maskOn.input);
  });
  wireSlider(maskLight.input, {
    onInput: () => {
      ceiling.clamp();
      setText(maskLight.target, pct(maskLight.input.value));
    },
    onCommit: (v) => {
      if (worn && v > CONFIRM_ABOVE && v > desiredLight) {
        ask({ light: v }, `The mask is worn. Raise its light to ${v} %? It fades over ${fade}.`);
        return;
      }
      stopAsking();
      sendLight(v);
    },
  });
  confirmBtn.addEventListener('click', () => {
    const body = asking;
    stopAsking();
    if (body?.light != null) sendLight(body.light);
    else if (body?.on) cmd({ on: true }, maskOn.input);
  });
  cancelBtn.addEventListener('click', () => {
    stopAsking();
    putBack();
  });

  function update(snap, live) {
    fieldset.disabled = !live;
    maskOn.input.disabled = !live;
    if (!live) stopAsking();
    const M = snap.desired?.mask ?? {};
    desiredLight = M.light ?? 0;
    desiredOn = !!M.on;
    worn = (snap.devices ?? []).some((d) => d.kind === 'mask' && d.actual?.worn === true);
    ceiling.set(snap.settings?.maxMaskLight);
    if (asking !== null) {
      showAsked();
    } else {
      syncToggle(maskOn, M.on);
      syncSlider(maskLight, M.light, pct);
    }
    fieldset.classList.toggle('is-off', !M.on);
    devices.update(snap);
    for (const pill of Object.values(pills)) pill.update(snap.session, live);
  }

  return { root, update };
}
