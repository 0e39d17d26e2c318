// The "Manual · hand back" pill next to a control the therapist has taken over from the program.

import { h, setHidden } from '../lib/dom.js';
import { busy, call } from '../lib/hub.js';
import { isActiveSession } from '../lib/store.js';

const OVERRIDE_LABELS = {
  lightsOn: 'Lights on/off',
  brightness: 'Brightness',
  colorTempK: 'Colour temperature',
  maskOn: 'Mask on/off',
  maskLight: 'Mask light',
};

export function overridePill(roomId, attribute) {
  const key = `override:${attribute}`;
  const btn = h('button', {
    type: 'button',
    class: 'override-pill',
    'data-testid': `override-${attribute}`,
    'aria-label': `${OVERRIDE_LABELS[attribute]} is set by hand: hand it back to the phase program`,
    hidden: true,
  }, h('span', { class: 'override-dot', 'aria-hidden': 'true' }), 'Manual · hand back');
  btn.addEventListener('click', () => call('ReleaseOverride', [roomId, attribute], key));
  function update(session, live) {
    const on = isActiveSession(session) && (session.overrides ?? []).includes(attribute);
    setHidden(btn, !on);
    btn.disabled = !live || busy.has(key);
  }
  return { btn, update };
}
