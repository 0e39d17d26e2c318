// Night mode (red light): the toggle in the top bar, and "follow the room" (in the user menu), remembered on this
// tablet. Following, the page turns red when the room it shows is lit below about 15 % and back when it is lit
// above 20 %: the gap keeps a fade that hovers around 15 % from flicking the screen back and forth.

import { storageGet, storageSet } from './storage.js';

const THEME_KEY = 'settingcontrol.theme';
const FOLLOW_BELOW = 15;
const FOLLOW_LEAVE_ABOVE = 20;
const nightButton = document.getElementById('night-toggle');
const followListeners = new Set();

/** 'dark' (day), 'night', or 'follow' (night when the room on screen is dim). */
let mode = readMode();

function readMode() {
  const kept = storageGet(THEME_KEY);
  return kept === 'night' || kept === 'follow' ? kept : 'dark';
}

function applyTheme(night) {
  const root = document.documentElement;
  root.classList.toggle('theme-night', night);
  root.classList.toggle('theme-dark', !night);
  nightButton.setAttribute('aria-pressed', String(night));
  nightButton.textContent = mode === 'follow' ? 'Night · auto' : 'Night';
  const meta = document.querySelector('meta[name="theme-color"]');
  if (meta) meta.setAttribute('content', night ? '#0a0202' : '#0d0b09');
}

function isNight() {
  return document.documentElement.classList.contains('theme-night');
}

function setMode(next) {
  mode = next;
  storageSet(THEME_KEY, next);
  applyTheme(next === 'follow' ? isNight() : next === 'night');
  for (const listener of followListeners) listener(next === 'follow');
}

applyTheme(mode === 'night');

// The Night button is an explicit choice: it wins over following the room.
nightButton.addEventListener('click', () => setMode(isNight() ? 'dark' : 'night'));

/** Whether night mode follows the room's light, and a switch for it (the user menu's checkbox). */
export function followsRoom() {
  return mode === 'follow';
}

export function setFollowRoom(follow) {
  setMode(follow ? 'follow' : isNight() ? 'night' : 'dark');
}

export function onFollowChange(listener) {
  followListeners.add(listener);
}

/**
 * The room on screen is lit at <paramref name="percent"/> (0 when its lights are off): while following, the page
 * goes red below 15 % and back above 20 %. Other pages leave the theme as it is.
 */
export function followRoomLight(percent) {
  if (mode !== 'follow' || percent == null || !Number.isFinite(percent)) return;
  if (percent < FOLLOW_BELOW && !isNight()) applyTheme(true);
  else if (percent > FOLLOW_LEAVE_ABOVE && isNight()) applyTheme(false);
}
