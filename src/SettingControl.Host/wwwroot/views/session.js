// The room page's session panel: start a protocol, the phase clock and timeline, pause, skip, end, exports.

import { h, setHidden, setText } from '../lib/dom.js';
import { ago, clockTime, formatDuration, mmss } from '../lib/format.js';
import { protocols, protocolsError } from '../lib/catalog.js';
import { busy, call } from '../lib/hub.js';
import { isActiveSession, liveClock } from '../lib/store.js';

/** The phase clock's state in plain words (the wire names are for integrators). */
const CLOCK_LABEL = {
  waitingForDose: 'before T0',
  running: 'clock running',
  held: 'clock paused',
  untimed: 'open-ended phase',
  complete: 'timed phases done',
  ended: 'session ended',
};

const CLOCK_TEXT = {
  waitingForDose: 'mark T0 when the dose is given',
  running: '',
  held: '',
  untimed: 'lasts until you move on',
  complete: 'last timed phase is over',
  ended: '',
};

function exportLinks(sessionId) {
  const base = `/api/sessions/${encodeURIComponent(sessionId)}/export`;
  return [
    h('a', { class: 'btn btn-small', href: `${base}?format=csv`, download: '', 'data-testid': 'export-csv' }, 'Export CSV'),
    h('a', { class: 'btn btn-small', href: `${base}?format=json`, download: '', 'data-testid': 'export-json' }, 'Export JSON'),
  ];
}

/**
 * What going to a phase will do, in plain words: "Go to Peak? Lights fade to 10% over 2 min." The room's brightness
 * ceiling caps the scene, as it will on the lights.
 */
function jumpDescription(snap, phaseId) {
  const phase = (snap?.session?.phases ?? []).find((p) => p.id === phaseId);
  if (!phase) return 'Go to that phase?';
  const over = phase.fadeSeconds > 0 ? ` over ${formatDuration(phase.fadeSeconds * 1000)}` : ' at once';
  let lights = 'The lights stay as they are.';
  if (phase.sceneBrightness === 0) {
    lights = `Lights fade out${over}.`;
  } else if (phase.sceneBrightness != null) {
    const ceiling = snap?.settings?.maxBrightness ?? 100;
    lights = `Lights fade to ${Math.min(phase.sceneBrightness, ceiling)}%${over}.`;
  }
  return `Go to ${phase.name}? ${lights}`;
}

export function mountSession(roomId) {
  // ---- no active session: start form (and the last session, if there was one)
  const protocolSelect = h('select', { id: 'protocol', class: 'select select-wide', 'data-testid': 'protocol-select' });
  const protocolDesc = h('p', { class: 'muted protocol-desc' });
  const labelInput = h('input', {
    id: 'session-label-input',
    class: 'text-input',
    type: 'text',
    maxlength: 100,
    autocomplete: 'off',
    spellcheck: 'false',
    placeholder: 'No patient names · e.g. Tue 10:00 room 1',
    'data-testid': 'session-label',
  });
  const startButton = h('button', { type: 'submit', class: 'btn btn-primary', 'data-testid': 'start-session' }, 'Start session');
  const startHint = h('p', { class: 'field-hint', id: 'session-label-hint' },
    'A label for the session record: day, time, room. No patient names.');
  labelInput.setAttribute('aria-describedby', 'session-label-hint');
  const startForm = h('form', { class: 'start-form', novalidate: true },
    h('div', { class: 'field' }, h('label', { for: 'protocol' }, 'Protocol'), protocolSelect, protocolDesc),
    h('div', { class: 'field' }, h('label', { for: 'session-label-input' }, 'Label'), labelInput, startHint),
    h('div', { class: 'form-actions' }, startButton));
  const lastSession = h('div', { class: 'last-session', hidden: true });
  const none = h('div', { class: 'session-none' },
    h('div', { class: 'panel-head' }, h('h2', {}, 'Session'), h('span', { class: 'muted' }, 'no session running')),
    lastSession, startForm);

  startForm.addEventListener('submit', async (e) => {
    e.preventDefault();
    const label = labelInput.value.trim();
    if (!label) {
      startHint.classList.add('is-error');
      setText(startHint, 'Enter a label first (day, time, room — no patient names).');
      labelInput.focus();
      return;
    }
    startHint.classList.remove('is-error');
    setText(startHint, 'A label for the session record: day, time, room. No patient names.');
    const res = await call('StartSession', [roomId, { protocolId: protocolSelect.value, label }], 'start');
    if (res.ok) labelInput.value = '';
  });
  protocolSelect.addEventListener('change', () => showProtocolDesc());
  // Once a label is typed, the "enter a label first" hint has been answered: it goes back to the plain hint.
  labelInput.addEventListener('input', () => {
    if (!startHint.classList.contains('is-error') || !labelInput.value.trim()) return;
    startHint.classList.remove('is-error');
    setText(startHint, 'A label for the session record: day, time, room. No patient names.');
  });

  function showProtocolDesc() {
    const p = (protocols ?? []).find((x) => x.id === protocolSelect.value);
    protocolDesc.classList.toggle('is-error', !protocols && !!protocolsError);
    if (!p) {
      setText(protocolDesc, !protocols && protocolsError ? `Protocols could not be loaded: ${protocolsError}` : '');
      return;
    }
    const phases = (p.phases ?? []).map((ph) => `${ph.name}${ph.durationMinutes != null ? ` ${ph.durationMinutes}′` : ''}`);
    setText(protocolDesc, [p.description, phases.join(' → ')].filter(Boolean).join(' · '));
  }

  let protocolKey = '';
  function syncProtocols() {
    const list = protocols ?? [];
    const key = `${protocolsError ?? ''}\u0002${list.map((p) => `${p.id}\u0000${p.name}`).join('\u0001')}`;
    if (key === protocolKey) return;
    protocolKey = key;
    const keep = protocolSelect.value;
    protocolSelect.replaceChildren(...(list.length === 0
      ? [h('option', { value: '' }, protocols ? 'No protocols configured' : protocolsError ? 'Protocols unavailable' : 'Loading protocols…')]
      : list.map((p) => h('option', { value: p.id }, p.name + (p.builtIn ? '' : ' (custom)')))));
    if (list.some((p) => p.id === keep)) protocolSelect.value = keep;
    showProtocolDesc();
  }

  // ---- active session
  const info = h('span', { class: 'session-info', 'data-testid': 'session-info' });
  const exportsBox = h('span', { class: 'exports' });
  const phaseName = h('div', { class: 'phase-name', 'data-testid': 'phase-name' });
  const clockState = h('span', { class: 'clock-state', 'data-testid': 'clock-state' });
  const clockText = h('span', { class: 'clock-text' });
  const remaining = h('div', { class: 'phase-remaining', 'data-testid': 'phase-remaining' });
  const remainingSub = h('div', { class: 'remaining-sub muted' });
  const markDose = h('button', { type: 'button', class: 'btn btn-primary btn-dose', 'data-testid': 'mark-dose' }, 'Mark T0 (dose given)');
  const doseTime = h('div', { class: 'dose-time', 'data-testid': 'dose-time', hidden: true });
  const holdBtn = h('button', { type: 'button', class: 'btn', 'data-testid': 'hold-clock' }, 'Hold');
  const resumeBtn = h('button', { type: 'button', class: 'btn btn-primary', 'data-testid': 'resume-clock', hidden: true }, 'Resume');
  const extendBtn = h('button', { type: 'button', class: 'btn', 'data-testid': 'extend-5' }, '+5 min');
  const jumpSelect = h('select', { id: 'jump-phase', class: 'select', 'data-testid': 'jump-phase-select', 'aria-label': 'Phase to go to' });
  const jumpBtn = h('button', { type: 'button', class: 'btn', 'data-testid': 'jump-phase' }, 'Go to phase');
  const jumpConfirm = h('p', { class: 'jump-confirm', 'data-testid': 'jump-confirm', role: 'status', hidden: true });
  const endBtn = h('button', { type: 'button', class: 'btn btn-end', 'data-testid': 'end-session' }, 'End session');
  const timeline = h('ol', { class: 'timeline', 'data-testid': 'phase-timeline', 'aria-label': 'Protocol timeline' });
  const fadeBar = h('span', { class: 'fade-fill' });
  const fadeProgress = h('div', {
    class: 'fade-progress', role: 'progressbar', 'aria-valuemin': 0, 'aria-valuemax': 100,
    'aria-label': 'Scene fade', 'data-testid': 'fade-progress',
  }, fadeBar);
  const fadeText = h('span', { class: 'fade-text' });
  const fadeBox = h('div', { class: 'fade-box', hidden: true }, fadeText, fadeProgress);

  const live = h('div', { class: 'session-live', hidden: true },
    h('div', { class: 'panel-head session-head' },
      h('h2', {}, 'Session'), info, exportsBox),
    h('div', { class: 'session-status' },
      h('div', { class: 'status-phase' },
        h('div', { class: 'status-label muted' }, 'Phase'),
        phaseName,
        h('div', { class: 'clock-line' }, clockState, clockText)),
      h('div', { class: 'status-remaining' },
        h('div', { class: 'status-label muted' }, 'Left in phase'),
        remaining, remainingSub),
      h('div', { class: 'status-dose' }, markDose, doseTime)),
    h('div', { class: 'session-actions' },
      holdBtn, resumeBtn, extendBtn,
      h('span', { class: 'jump-group' }, jumpSelect, jumpBtn),
      endBtn),
    jumpConfirm,
    timeline,
    fadeBox);

  const root = h('section', { class: 'panel session-panel', 'data-testid': 'session-panel', 'aria-label': 'Session' }, none, live);

  markDose.addEventListener('click', () => call('MarkDose', [roomId], 'dose'));
  holdBtn.addEventListener('click', () => call('HoldClock', [roomId], 'clock'));
  resumeBtn.addEventListener('click', () => call('ResumeClock', [roomId], 'clock'));
  extendBtn.addEventListener('click', () => call('ExtendPhase', [roomId, 5], 'extend'));
  // Go to phase changes the whole scene: like End, the first tap says what will happen and arms the button, a second
  // tap within 5 s jumps; changing the choice or waiting disarms it.
  let jumpArmed = null;
  let lastSnap = null;
  function disarmJump() {
    if (jumpArmed !== null) clearTimeout(jumpArmed);
    jumpArmed = null;
    jumpBtn.classList.remove('is-armed');
    setText(jumpBtn, 'Go to phase');
    jumpConfirm.hidden = true;
  }
  jumpSelect.addEventListener('change', disarmJump);
  jumpBtn.addEventListener('click', () => {
    if (!jumpSelect.value) return;
    if (jumpArmed === null) {
      setText(jumpConfirm, jumpDescription(lastSnap, jumpSelect.value));
      jumpConfirm.hidden = false;
      jumpBtn.classList.add('is-armed');
      setText(jumpBtn, 'Tap again to go');
      jumpArmed = setTimeout(disarmJump, 5000);
      return;
    }
    const phaseId = jumpSelect.value;
    disarmJump();
    call('JumpToPhase', [roomId, phaseId], 'jump');
  });

  // End session: the first tap arms the button, a second tap within 5 s ends the session.
  let endArmed = null;
  function disarmEnd() {
    if (endArmed !== null) clearTimeout(endArmed);
    endArmed = null;
    endBtn.classList.remove('is-armed');
    setText(endBtn, 'End session');
  }
  endBtn.addEventListener('click', () => {
    if (endArmed === null) {
      endBtn.classList.add('is-armed');
      setText(endBtn, 'Tap again to end');
      endArmed = setTimeout(disarmEnd, 5000);
      return;
    }
    disarmEnd();
    call('EndSession', [roomId], 'end');
  });

  const segments = new Map();
  let timelineKey = '';
  let jumpKey = '';
  let sessionId = null;

  function buildTimeline(session) {
    const phases = session.phases ?? [];
    const key = `${session.sessionId}|${phases.map((p) => `${p.id}:${p.durationMinutes}:${p.startedAt}`).join(',')}`;
    if (key === timelineKey) return;
    timelineKey = key;
    segments.clear();
    const known = phases.map((p) => p.durationMinutes).filter((m) => m != null && m > 0);
    const openWeight = known.length ? Math.max(8, known.reduce((a, b) => a + b, 0) / known.length) : 15;
    timeline.replaceChildren(...phases.map((p, i) => {
      const weight = p.durationMinutes != null && p.durationMinutes > 0 ? p.durationMinutes : openWeight;
      const fill = h('span', { class: 'seg-fill', 'aria-hidden': 'true' });
      const when = h('span', { class: 'seg-when' });
      const seg = h('li', {
        class: `seg${p.durationMinutes == null ? ' is-open' : ''}${p.startsAtDose ? ' at-dose' : ''}`,
        'data-testid': `timeline-phase-${p.id}`,
        style: `flex-grow: ${weight}`,
      },
      fill,
      p.startsAtDose ? h('span', { class: 'seg-t0', title: 'Starts at T0 (dose given)' }, 'T0') : null,
      h('span', { class: 'seg-name' }, p.name),
      h('span', { class: 'seg-meta' }, p.durationMinutes != null ? `${p.durationMinutes} min` : 'open', when));
      seg.title = `${i + 1}. ${p.name} · ${p.durationMinutes != null ? `${p.durationMinutes} min` : 'until you move on'}${p.fadeSeconds ? ` · fade ${formatDuration(p.fadeSeconds * 1000)}` : ''}`;
      segments.set(p.id, { seg, fill, when, index: i });
      return seg;
    }));
  }

  function syncJump(session) {
    const phases = session.phases ?? [];
    const key = `${session.sessionId}|${phases.map((p) => p.id).join(',')}`;
    if (key !== jumpKey) {
      jumpKey = key;
      jumpSelect.replaceChildren(...phases.map((p, i) => h('option', { value: p.id }, `${i + 1}. ${p.name}`)));
      sessionId = null; // re-pick the default below
    }
    // Default to the next phase; keep the user's choice while the phase does not change.
    const want = `${session.sessionId}|${session.phaseId}`;
    if (sessionId !== want) {
      sessionId = want;
      const next = phases[session.phaseIndex + 1] ?? phases[session.phaseIndex];
      if (next) jumpSelect.value = next.id;
    }
  }

  function update(snap, isLive) {
    lastSnap = snap;
    const session = snap.session;
    const active = isActiveSession(session);
    setHidden(none, active);
    setHidden(live, !active);
    if (!active) {
      disarmEnd();
      syncProtocols();
      const canStart = isLive && !!protocols && protocols.length > 0 && !busy.has('start');
      startButton.disabled = !canStart;
      protocolSelect.disabled = !isLive;
      labelInput.disabled = !isLive;
      if (session) {
        setHidden(lastSession, false);
        const text = `Last session: ${session.protocolName} · ${session.label} · ${clockTime(session.startedAt)}–${clockTime(session.endedAt)}`;
        if (lastSession.dataset.key !== session.sessionId + text) {
          lastSession.dataset.key = session.sessionId + text;
          lastSession.replaceChildren(h('span', { class: 'last-session-text', 'data-testid': 'last-session' }, text),
            h('span', { class: 'exports' }, exportLinks(session.sessionId)));
        }
      } else {
        setHidden(lastSession, true);
      }
      return;
    }

    setText(info, `${session.protocolName} · ${session.label}`);
    if (exportsBox.dataset.sessionId !== session.sessionId) {
      exportsBox.dataset.sessionId = session.sessionId;
      exportsBox.replaceChildren(...exportLinks(session.sessionId));
    }
    setText(phaseName, session.phaseName || session.phaseId);
    setText(clockState, CLOCK_LABEL[session.clock] ?? '');
    clockState.dataset.clock = session.clock;
    setText(clockText, CLOCK_TEXT[session.clock] ?? '');
    live.dataset.clock = session.clock;

    const noDose = !session.doseAt;
    setHidden(markDose, !noDose);
    setHidden(doseTime, noDose);
    markDose.disabled = !isLive || busy.has('dose');
    if (!noDose) {
      doseTime.dataset.ts = session.doseAt;
      doseTime.dataset.prefix = `T0 ${clockTime(session.doseAt)} · `;
      setText(doseTime, `${doseTime.dataset.prefix}${ago(session.doseAt)}`);
    }

    const held = session.clock === 'held';
    setHidden(holdBtn, held);
    setHidden(resumeBtn, !held);
    holdBtn.disabled = !isLive || busy.has('clock');
    resumeBtn.disabled = !isLive || busy.has('clock');
    const timed = session.phaseRemainingSeconds != null;
    extendBtn.disabled = !isLive || !timed || busy.has('extend');
    extendBtn.title = timed ? 'Add 5 minutes to this phase' : 'This phase has no set length';
    syncJump(session);
    jumpSelect.disabled = !isLive;
    jumpBtn.disabled = !isLive || busy.has('jump');
    endBtn.disabled = !isLive || busy.has('end');

    buildTimeline(session);
    for (const [id, sg] of segments) {
      const current = id === session.phaseId;
      const past = sg.index < session.phaseIndex;
      sg.seg.classList.toggle('is-current', current);
      sg.seg.classList.toggle('is-past', past);
      if (current) sg.seg.setAttribute('aria-current', 'step');
      else sg.seg.removeAttribute('aria-current');
      const plan = (session.phases ?? [])[sg.index];
      setText(sg.when, plan?.startedAt && (past || current) ? ` · ${clockTime(plan.startedAt)}` : '');
    }
    tick(snap);
  }

  /** Every second: the local countdown, the current segment's fill and the fade. */
  function tick(snap) {
    const session = snap?.session;
    if (!isActiveSession(session)) return;
    const clock = liveClock(snap);
    if (clock.remaining == null) {
      setText(remaining, 'until you move on');
      remaining.classList.add('is-open');
      setText(remainingSub, `${mmss(clock.elapsed)} in this phase`);
    } else {
      setText(remaining, mmss(clock.remaining));
      remaining.classList.remove('is-open');
      const plan = (session.phases ?? [])[session.phaseIndex];
      setText(remainingSub, plan?.endsAt && session.clock === 'running' ? `ends ${clockTime(plan.endsAt)}` : `${mmss(clock.elapsed)} in this phase`);
    }
    remaining.dataset.clock = session.clock;
    const sg = segments.get(session.phaseId);
    if (sg) {
      const total = clock.remaining == null ? null : clock.elapsed + clock.remaining;
      sg.fill.style.transform = `scaleX(${total ? Math.min(1, clock.elapsed / total) : 0})`;
    }
    for (const [id, other] of segments) if (id !== session.phaseId) other.fill.style.transform = other.seg.classList.contains('is-past') ? 'scaleX(1)' : 'scaleX(0)';

    const fade = clock.fade;
    setHidden(fadeBox, !fade || fade.progress >= 1);
    if (fade) {
      const p = Math.round(fade.progress * 100);
      fadeBar.style.transform = `scaleX(${fade.progress})`;
      fadeProgress.setAttribute('aria-valuenow', String(p));
      setText(fadeText, `Fading into the ${session.phaseName} scene · ${p}% · ${mmss(fade.leftMs / 1000)} left`);
    }
  }

  return { root, update, tick };
}
