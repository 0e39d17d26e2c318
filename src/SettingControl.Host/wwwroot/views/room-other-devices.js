// The room page's panel for devices that are neither a light nor a mask: shown only when the room has one.

import { h, setHidden } from '../lib/dom.js';
import { deviceList } from './devices.js';

export function mountOtherDevices() {
  const devices = deviceList((d) => d.kind !== 'light' && d.kind !== 'mask');
  const root = h('section', { class: 'panel panel-other', 'aria-labelledby': 'other-h', hidden: true },
    h('h2', { id: 'other-h' }, 'Other devices'), devices.root);

  function update(snap) {
    devices.update(snap);
    setHidden(root, devices.root.children.length === 0);
  }

  return { root, update };
}
