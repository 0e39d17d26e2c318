// Shared controls: the touch guard (a control being touched is never overwritten), sliders, switches, press and hold.

import { h, setText } from './dom.js';
import { refreshView } from './store.js';

const INPUT_GRACE_MS = 400;

/** el -> { pressed, lastInput, pending } */
const guards = new WeakMap();
export const pressed = new Set();

export function guard(el) {
  let g = guards.get(el);
  if (!g) {
    g = { pressed: false, lastInput: -Infinity, pending: 0 };
    guards.set(el, g);
  }
  return g;
}

/** True while the user touches the control, just moved it, or its command is in flight. */
export function isHeld(el) {
  const g = guard(el);
  return g.pressed || g.pending > 0 || performance.now() - g.lastInput < INPUT_GRACE_MS;
}

function releaseAll() {
  if (pressed.size === 0) return;
  for (const g of pressed) g.pressed = false;
  pressed.clear();
  // A remote change may have been held back while the finger was down: draw it once the grace is over.
  setTimeout(refreshView, INPUT_GRACE_MS + 50);
}

for (const type of ['pointerup', 'touchend', 'touchcancel', 'mouseup']) {
  window.addEventListener(type, releaseAll, { passive: true });
}

window.addEventListener('blur', releaseAll);

export function wireSlider(el, { onInput, onCommit }) {
  const g = guard(el);
  const press = () => {
    g.pressed = true;
    pressed.add(g);
  };
  el.addEventListener('pointerdown', press);
  el.addEventListener('touchstart', press, { passive: true });
  el.addEventListener('mousedown', press);
  el.addEventListener('input', () => {
    g.lastInput = performance.now();
    onInput();
  });
  el.addEventListener('change', () => {
    g.pressed = false;
    pressed.delete(g);
    onCommit(Number(el.value));
  });
}

/** Shows the room's target on a slider, unless it is being touched: then what the finger says. */
export function syncSlider(s, value, format) {
  if (isHeld(s.input)) {
    setText(s.target, format(s.input.value));
    return;
  }
  if (value != null && s.input.value !== String(value)) s.input.value = String(value);
  setText(s.target, format(value));
}

export function slider({ id, testid, min, max, step, label, targetTestid, legend, extraClass }) {
  const input = h('input', {
    type: 'range', id, min, max, step, class: `slider ${extraClass ?? ''}`.trim(), 'data-testid': testid,
  });
  const target = h('output', { class: 'target-value', for: id, 'data-testid': targetTestid });
  const slot = h('span', { class: 'control-slot' });
  const block = h('div', { class: 'control' },
    h('div', { class: 'control-head' },
      h('span', { class: 'control-label' },
        h('label', { for: id }, label, h('span', { class: 'muted' }, ' · target')),
        slot),
      target),
    input,
    legend ? h('div', { class: 'slider-legend', 'aria-hidden': 'true' }, legend.map((t) => h('span', {}, t))) : null);
  return { input, target, block, slot };
}

/**
 * A staff-set ceiling on a slider (brightness, mask light): the track is hatched above it, the thumb stops there
 * (End included) and a neutral line says "Limited to 60% by staff". Call `clamp()` from the slider's input handler
 * and `set(ceiling)` on every update; `value` is the ceiling now.
 */
export function sliderCeiling(s, testid) {
  let ceiling = 100;
  const note = h('p', { class: 'ceiling-note', 'data-testid': testid, hidden: true });
  s.block.append(note);
  return {
    get value() { return ceiling; },
    clamp() {
      if (Number(s.input.value) > ceiling) s.input.value = String(ceiling);
    },
    set(value) {
      ceiling = value ?? 100;
      const limited = ceiling < 100;
      s.input.classList.toggle('has-ceiling', limited);
      s.input.style.setProperty('--ceiling', `${ceiling}%`);
      note.hidden = !limited;
      setText(note, limited ? `Limited to ${ceiling}% by staff` : '');
    },
  };
}

export function toggle({ id, testid, label }) {
  const input = h('input', { type: 'checkbox', role: 'switch', id, class: 'switch', 'data-testid': testid });
  const state = h('span', { class: 'switch-state', 'aria-hidden': 'true' }, 'Off');
  const block = h('label', { class: 'switch-wrap', for: id },
    h('span', { class: 'visually-hidden' }, label), input, state);
  return { input, state, block };
}

/** A switch shows its new state at once and hands it to `onCommit` (which sends it). */
export function wireToggle(t, onCommit) {
  t.input.addEventListener('change', () => {
    setText(t.state, t.input.checked ? 'On' : 'Off');
    onCommit(t.input.checked);
  });
}

/** Shows the room's target on a switch, unless it is being touched. */
export function syncToggle(t, on) {
  if (isHeld(t.input)) return;
  t.input.checked = !!on;
  setText(t.state, on ? 'On' : 'Off');
}

const HOLD_MS = 1000;

/**
 * A button that fires only after being held for HOLD_MS (pointer, or Enter/Space held down), with a
 * fill that shows how far the hold has got. Letting go early does nothing; a plain click does nothing. Its name for a
 * screen reader is the words on it, hint included ("Lights up press and hold 1 s"): a voice user says what they see.
 */
export function holdButton({ testid, label, hint, onFire, extraClass }) {
  let idleHint = hint;
  const fill = h('span', { class: 'hold-fill', 'aria-hidden': 'true' });
  const labelEl = h('span', { class: 'hold-label' }, label);
  const hintEl = h('span', { class: 'hold-hint' }, hint);
  const btn = h('button', {
    type: 'button',
    class: `lights-up-btn ${extraClass ?? ''}`.trim(),
    'data-testid': testid,
  }, fill, h('span', { class: 'hold-text' }, h('span', { class: 'hold-icon', 'aria-hidden': 'true' }, '☀'), labelEl, hintEl));

  let timer = null;
  let raf = 0;
  let startedAt = 0;
  let pointerId = null;

  function paint() {
    const p = Math.min(1, (performance.now() - startedAt) / HOLD_MS);
    fill.style.transform = `scaleX(${p})`;
    if (timer !== null) raf = requestAnimationFrame(paint);
  }

  function start() {
    if (btn.disabled || timer !== null) return;
    startedAt = performance.now();
    btn.classList.add('is-holding');
    setText(hintEl, 'keep holding…');
    timer = setTimeout(fire, HOLD_MS);
    raf = requestAnimationFrame(paint);
  }

  function reset() {
    if (timer !== null) clearTimeout(timer);
    timer = null;
    cancelAnimationFrame(raf);
    pointerId = null;
    btn.classList.remove('is-holding');
    fill.style.transform = 'scaleX(0)';
    setText(hintEl, idleHint);
  }

  /** The hint shown while nobody is holding it (a hold in progress keeps its own). */
  function setHint(text) {
    idleHint = text;
    if (timer === null && !btn.classList.contains('is-fired')) setText(hintEl, text);
  }

  function cancel() {
    if (timer === null) return;
    reset();
  }

  function fire() {
    timer = null;
    cancelAnimationFrame(raf);
    fill.style.transform = 'scaleX(1)';
    btn.classList.remove('is-holding');
    btn.classList.add('is-fired');
    btn.dataset.fired = String(Number(btn.dataset.fired ?? 0) + 1); // how many holds went off: a hold's own receipt
    setText(hintEl, 'sending…');
    Promise.resolve(onFire()).finally(() => {
      btn.classList.remove('is-fired');
      reset();
    });
  }

  btn.addEventListener('pointerdown', (e) => {
    if (e.pointerType === 'mouse' && e.button !== 0) return;
    pointerId = e.pointerId;
    try { btn.setPointerCapture(e.pointerId); } catch { /* not capturable: fine */ }
    start();
  });
  btn.addEventListener('pointermove', (e) => {
    if (timer === null || e.pointerId !== pointerId) return;
    const r = btn.getBoundingClientRect();
    const slack = 24;
    if (e.clientX < r.left - slack || e.clientX > r.right + slack || e.clientY < r.top - slack || e.clientY > r.bottom + slack) cancel();
  });
  for (const type of ['pointerup', 'pointercancel', 'lostpointercapture']) {
    btn.addEventListener(type, (e) => {
      if (pointerId === null || e.pointerId === pointerId) cancel();
    });
  }
  btn.addEventListener('keydown', (e) => {
    if (e.key !== 'Enter' && e.key !== ' ') return;
    e.preventDefault(); // no click from Enter, no scroll from Space
    if (!e.repeat) start();
  });
  btn.addEventListener('keyup', (e) => {
    if (e.key !== 'Enter' && e.key !== ' ') return;
    e.preventDefault();
    cancel();
  });
  btn.addEventListener('blur', cancel);
  btn.addEventListener('click', (e) => e.preventDefault());
  btn.addEventListener('contextmenu', (e) => e.preventDefault());

  return { btn, cancel, setHint };
}
