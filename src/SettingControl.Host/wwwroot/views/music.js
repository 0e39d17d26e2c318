// The room page's music panel: playlist, play/silence, volume, next/previous, now playing.

import { h, setHidden, setText } from '../lib/dom.js';
import { mmss, pct } from '../lib/format.js';
import { loadPlaylists, playlists, playlistsError } from '../lib/catalog.js';
import { isHeld, slider, syncToggle, toggle, wireSlider, wireToggle } from '../lib/controls.js';
import { busy, call, send } from '../lib/hub.js';
import { speakersText } from '../lib/room-status.js';
import { overridePill } from './overrides.js';

/** Playlist, play/silence, volume, next/previous; now playing with its position counted locally. */
export function mountMusic(roomId) {
  const select = h('select', { id: 'music-playlist', class: 'select', 'data-testid': 'music-playlist-select' });
  const play = toggle({ id: 'music-play', testid: 'music-play-toggle', label: 'Music playing' });
  const volume = slider({
    id: 'music-volume', testid: 'music-volume-slider', targetTestid: 'music-volume-target',
    min: 0, max: 100, step: 1, label: 'Volume', legend: ['0%', '50%', '100%'], extraClass: 'slider-brightness',
  });
  const prev = h('button', { type: 'button', class: 'btn', 'data-testid': 'music-prev', 'aria-label': 'Previous track' }, '‹ Previous');
  const next = h('button', { type: 'button', class: 'btn', 'data-testid': 'music-next', 'aria-label': 'Next track' }, 'Next ›');
  const track = h('span', { class: 'music-track', 'data-testid': 'music-now-playing' }, '—');
  const position = h('span', { class: 'muted music-position', 'data-testid': 'music-position' });
  const output = h('span', { class: 'music-output', 'data-testid': 'music-output-state' });
  const speakerList = h('ul', { class: 'music-speakers', 'data-testid': 'music-speakers', 'aria-label': 'Room speakers', hidden: true });
  const ducked = h('span', { class: 'badge music-ducked', 'data-testid': 'music-ducked', hidden: true }, 'ducked for Lights up');
  const note = h('p', { class: 'muted music-note', hidden: true });
  const pills = {
    musicPlaylist: overridePill(roomId, 'musicPlaylist'),
    musicPlaying: overridePill(roomId, 'musicPlaying'),
    musicVolume: overridePill(roomId, 'musicVolume'),
  };
  volume.slot.append(pills.musicVolume.btn);
  const fieldset = h('fieldset', { class: 'controls' },
    h('legend', { class: 'visually-hidden' }, 'Music target'),
    h('div', { class: 'control control-inline' }, h('label', { for: 'music-playlist' }, 'Playlist'), select, pills.musicPlaylist.btn),
    volume.block,
    h('div', { class: 'control control-inline music-skip' }, prev, next));
  const root = h('section', { class: 'panel panel-music', 'aria-labelledby': 'music-h' },
    h('div', { class: 'panel-head' }, h('h2', { id: 'music-h' }, 'Music'), play.block),
    h('div', { class: 'head-pill' }, pills.musicPlaying.btn),
    fieldset,
    h('h3', { class: 'actual-head' }, 'Now playing', h('span', { class: 'muted' }, ' · as the player reports')),
    h('p', { class: 'music-now' }, track, ' ', position, ' ', ducked),
    h('p', { class: 'muted' }, 'Output: ', output),
    speakerList,
    note);

  const cmd = (body, el) => send('SetMusic', roomId, body, el);
  select.addEventListener('change', () => cmd({ playlistId: select.value }, select));
  wireToggle(play, (on) => cmd({ playing: on }, play.input));
  wireSlider(volume.input, {
    onInput: () => setText(volume.target, pct(volume.input.value)),
    onCommit: (v) => cmd({ volume: v }, volume.input),
  });
  prev.addEventListener('click', () => call('PreviousTrack', [roomId], 'music-skip'));
  next.addEventListener('click', () => call('NextTrack', [roomId], 'music-skip'));

  let receivedAt = 0;
  let now = null;
  let optionsKey = '';

  function update(snap, live) {
    loadPlaylists();
    const m = snap.music ?? { playlistId: null, playing: false, volume: 0, ducked: false, nowPlaying: null };
    const list = playlists ?? [];
    const key = list.map((p) => p.id).join(',') + '|' + (m.playlistId ?? '');
    if (key !== optionsKey && !isHeld(select)) {
      optionsKey = key;
      const options = [h('option', { value: '', disabled: true }, list.length ? 'Choose a playlist…' : 'No playlists')];
      for (const p of list) {
        const minutes = p.totalSeconds ? ` · ${Math.round(p.totalSeconds / 60)} min` : '';
        options.push(h('option', { value: p.id }, `${p.title}${minutes}`));
      }
      if (m.playlistId && !list.some((p) => p.id === m.playlistId)) options.push(h('option', { value: m.playlistId }, m.playlistId));
      select.replaceChildren(...options);
      select.value = m.playlistId ?? '';
    }
    if (!isHeld(select) && select.value !== (m.playlistId ?? '')) select.value = m.playlistId ?? '';
    syncToggle(play, m.playing);
    if (isHeld(volume.input)) setText(volume.target, pct(volume.input.value));
    else {
      if (volume.input.value !== String(m.volume)) volume.input.value = String(m.volume);
      setText(volume.target, pct(m.volume));
    }
    fieldset.disabled = !live;
    play.input.disabled = !live;
    prev.disabled = next.disabled = !live || !m.playing || busy.has('music-skip');
    for (const pill of Object.values(pills)) pill.update(snap.session, live);
    setHidden(ducked, !m.ducked);
    now = m.nowPlaying;
    receivedAt = Date.now();
    setText(track, now?.trackTitle ?? (m.playing ? 'starting…' : 'silence'));
    const speakers = speakersText(now);
    setText(output, speakers.text);
    output.classList.toggle('is-warning', speakers.warning);
    showSpeakers(now?.speakers);
    setHidden(note, !playlistsError);
    if (playlistsError) setText(note, `Playlists unavailable: ${playlistsError}`);
    tick();
  }

  /** The room's network speakers like its devices: each by the name the room knows it by, connected or not. */
  let speakersKey = '';
  function showSpeakers(list) {
    const items = Array.isArray(list) ? list : [];
    const key = items.map((s) => `${s.name}:${s.connected}`).join('|');
    if (key === speakersKey) return;
    speakersKey = key;
    speakerList.replaceChildren(...items.map((s) => {
      const name = String(s.name ?? '');
      const capital = name ? name[0].toUpperCase() + name.slice(1) : 'Speaker';
      const label = /speaker$/i.test(capital) ? capital : `${capital} speaker`;
      const state = s.connected ? 'connected' : 'not connected';
      return h('li', { class: 'music-speaker', 'data-testid': 'music-speaker', 'data-connected': String(!!s.connected) },
        h('span', { class: 'music-speaker-name' }, label),
        h('span', { class: 'badge', 'data-availability': s.connected ? 'online' : 'offline' }, state));
    }));
    setHidden(speakerList, items.length === 0);
  }

  function tick() {
    if (!now || !now.durationSeconds) {
      setText(position, '');
      return;
    }
    const elapsed = now.playing ? (Date.now() - receivedAt) / 1000 : 0;
    setText(position, `${mmss(Math.min(now.durationSeconds, now.positionSeconds + elapsed))} / ${mmss(now.durationSeconds)}`);
  }

  return { root, update, tick };
}
