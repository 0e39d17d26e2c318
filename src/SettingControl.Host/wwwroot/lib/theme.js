// Night mode (red light): the toggle in the top bar, remembered on this tablet.

import { storageGet, storageSet } from './storage.js';

const THEME_KEY = 'settingcontrol.theme';
const nightButton = document.getElementById('night-toggle');

function applyTheme(night) {
  const root = document.documentElement;
  root.classList.toggle('theme-night', night);
  root.classList.toggle('theme-dark', !night);
  nightButton.setAttribute('aria-pressed', String(night));
  const meta = document.querySelector('meta[name="theme-color"]');
  if (meta) meta.setAttribute('content', night ? '#0a0202' : '#0d0b09');
}

applyTheme(storageGet(THEME_KEY) === 'night');

nightButton.addEventListener('click', () => {
  const night = !document.documentElement.classList.contains('theme-night');
  applyTheme(night);
  storageSet(THEME_KEY, night ? 'night' : 'dark');
});
