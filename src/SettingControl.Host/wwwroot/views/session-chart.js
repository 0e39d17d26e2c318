// The room page's session chart: brightness, colour temperature and the phases over the session, in SVG.

import { h, s, setHidden, setText } from '../lib/dom.js';
import { actorLabel, clockTime } from '../lib/format.js';
import { isActiveSession } from '../lib/store.js';
import { EventTypes } from '../lib/event-types.js';

const CHART_H = 220;
const CT_MIN = 1800;
const CT_MAX = 6500;

/**
 * The desired value over time as points [t, v]: every event with `after` starts a linear ramp from the
 * value at that moment to the new target over transitionMs, then stays flat.
 */
function rampSeries(events, pick, endMs) {
  const pts = [];
  const valueAt = (t) => {
    if (pts.length === 0) return null;
    if (t <= pts[0][0]) return pts[0][1];
    for (let i = pts.length - 1; i >= 0; i--) {
      const [t0, v0] = pts[i];
      if (t0 <= t) {
        const next = pts[i + 1];
        if (!next || next[0] === t0) return next && next[0] === t ? next[1] : v0;
        return v0 + ((next[1] - v0) * (t - t0)) / (next[0] - t0);
      }
    }
    return pts[pts.length - 1][1];
  };
  const cutAt = (t) => {
    const v = valueAt(t);
    while (pts.length && pts[pts.length - 1][0] > t) pts.pop();
    if (v != null && (!pts.length || pts[pts.length - 1][0] !== t || pts[pts.length - 1][1] !== v)) pts.push([t, v]);
    return v;
  };
  for (const e of events) {
    if (!e.after) continue;
    const target = pick(e.after);
    if (target == null || !Number.isFinite(target)) continue;
    const t = Date.parse(e.at);
    if (Number.isNaN(t)) continue;
    const before = e.before ? pick(e.before) : null;
    if (pts.length === 0) {
      pts.push([t, before ?? target]);
    } else if (before != null && before === target) {
      continue; // this event did not retarget the attribute: its ramp (if any) carries on
    } else {
      cutAt(t);
    }
    const d = Math.max(0, Number(e.transitionMs ?? 0));
    pts.push([t + d, target]);
  }
  if (pts.length) cutAt(endMs);
  if (pts.length && pts[pts.length - 1][0] < endMs) pts.push([endMs, pts[pts.length - 1][1]]);
  return pts;
}

function fitText(text, px, charPx = 7.6) {
  const max = Math.floor(px / charPx);
  if (max < 3) return '';
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}

function drawChart(svg, width, session, record) {
  const narrow = width < 520;
  const m = { l: narrow ? 46 : 50, r: narrow ? 46 : 58, t: 28, b: 30 };
  const W = Math.max(240, Math.round(width));
  const pw = W - m.l - m.r;
  const ph = CHART_H - m.t - m.b;
  const own = record && record.sessionId === session.sessionId ? record : null;
  const events = (own?.events ?? []).slice().sort((a, b) => Date.parse(a.at) - Date.parse(b.at) || a.sequence - b.sequence);
  const startMs = Date.parse(own?.startedAt ?? session.startedAt);
  const endIso = own?.endedAt ?? session.endedAt;
  const ended = !!endIso;
  let endMs = ended ? Date.parse(endIso) : Date.now();
  for (const e of events) endMs = Math.max(endMs, Date.parse(e.at));
  endMs = Math.max(endMs, startMs + 60000);
  const span = endMs - startMs;
  const x = (t) => m.l + ((t - startMs) / span) * pw;
  const yB = (v) => m.t + (1 - Math.max(0, Math.min(100, v)) / 100) * ph;
  const yK = (k) => m.t + (1 - (Math.max(CT_MIN, Math.min(CT_MAX, k)) - CT_MIN) / (CT_MAX - CT_MIN)) * ph;
  const f = (n) => Math.round(n * 10) / 10;

  svg.setAttribute('viewBox', `0 0 ${W} ${CHART_H}`);
  svg.setAttribute('width', String(W));
  svg.setAttribute('height', String(CHART_H));
  const parts = [];

  // Phase bands: from the record's phase-started events, else from the plan's start times.
  let starts = events.filter((e) => e.type === EventTypes.phaseStarted).map((e) => ({ at: Date.parse(e.at), name: e.phase ?? e.summary }));
  if (starts.length === 0) {
    starts = (own?.phases ?? session.phases ?? []).filter((p) => p.startedAt)
      .map((p) => ({ at: Date.parse(p.startedAt), name: p.name })).sort((a, b) => a.at - b.at);
  }
  starts.forEach((b, i) => {
    const x0 = x(Math.max(startMs, b.at));
    const x1 = x(i + 1 < starts.length ? starts[i + 1].at : endMs);
    if (x1 - x0 < 0.5) return;
    parts.push(s('rect', {
      class: `band ${i % 2 ? 'band-b' : 'band-a'}`, x: f(x0), y: m.t - 22, width: f(x1 - x0), height: ph + 22,
      'data-testid': 'chart-phase-band', 'data-phase': b.name,
    }, s('title', {}, b.name)));
    const label = fitText(b.name, x1 - x0 - 8);
    if (label) parts.push(s('text', { class: 'band-label', x: f(x0 + 5), y: m.t - 8 }, label));
  });

  // Grid and axes.
  for (const v of [0, 25, 50, 75, 100]) {
    parts.push(s('line', { class: v % 50 === 0 ? 'grid grid-major' : 'grid', x1: m.l, x2: m.l + pw, y1: f(yB(v)), y2: f(yB(v)) }));
  }
  for (const v of [0, 50, 100]) parts.push(s('text', { class: 'axis axis-left', x: m.l - 6, y: f(yB(v) + 5), 'text-anchor': 'end' }, `${v}%`));
  for (const k of [CT_MIN, 4000, CT_MAX]) parts.push(s('text', { class: 'axis axis-right', x: m.l + pw + 6, y: f(yK(k) + 5) }, narrow ? `${(k / 1000).toFixed(1)}k` : `${k} K`));
  const labelW = clockTime(new Date(startMs).toISOString()).length * 8.2 + 8;
  const stepMin = [1, 2, 5, 10, 15, 20, 30, 60, 120, 240].find((st) => (pw * st * 60000) / span >= labelW + 14) ?? 480;
  const step = stepMin * 60000;
  const first = Math.ceil(startMs / step) * step;
  for (let t = first; t <= endMs; t += step) {
    const xt = x(t);
    if (xt - labelW / 2 < m.l + labelW + 8 || xt + labelW / 2 > W - 2) continue;
    parts.push(s('line', { class: 'tick', x1: f(xt), x2: f(xt), y1: m.t + ph, y2: m.t + ph + 5 }));
    parts.push(s('text', { class: 'axis axis-time', x: f(xt), y: CHART_H - 8, 'text-anchor': 'middle' }, clockTime(new Date(t).toISOString())));
  }
  parts.push(s('text', { class: 'axis axis-time', x: m.l, y: CHART_H - 8, 'text-anchor': 'start' }, clockTime(new Date(startMs).toISOString())));
  parts.push(s('line', { class: 'axis-line', x1: m.l, x2: m.l + pw, y1: m.t + ph, y2: m.t + ph }));

  // Lines: brightness (0 while the lights are off) and colour temperature.
  const bright = rampSeries(events, (d) => (d.lighting ? (d.lighting.on ? d.lighting.brightness : 0) : null), endMs);
  const ct = rampSeries(events, (d) => d.lighting?.colorTempK ?? null, endMs);
  const path = (pts, y) => pts.map(([t, v], i) => `${i ? 'L' : 'M'}${f(x(Math.max(startMs, t)))} ${f(y(v))}`).join(' ');
  if (ct.length) parts.push(s('path', { class: 'line line-ct', d: path(ct, yK), 'data-testid': 'chart-colortemp-line' }));
  if (bright.length) parts.push(s('path', { class: 'line line-brightness', d: path(bright, yB), 'data-testid': 'chart-brightness-line' }));

  // Vertical markers: Lights up, T0, now.
  for (const e of events.filter((ev) => ev.type === EventTypes.lightsUp)) {
    const xe = f(x(Date.parse(e.at)));
    parts.push(s('g', { class: 'marker-lights-up', 'data-testid': 'chart-lights-up-marker' },
      s('title', {}, `Lights up ${clockTime(e.at)} by ${actorLabel(e.actor)}`),
      s('line', { x1: xe, x2: xe, y1: m.t - 4, y2: m.t + ph }),
      s('text', { x: xe + 4, y: m.t + 12 }, 'UP')));
  }
  const doseIso = session.doseAt ?? events.find((e) => e.type === EventTypes.doseMarked)?.at;
  if (doseIso) {
    const xd = f(x(Date.parse(doseIso)));
    parts.push(s('g', { class: 'marker-t0', 'data-testid': 'chart-t0-line' },
      s('title', {}, `T0 (dose given) ${clockTime(doseIso)}`),
      s('line', { x1: xd, x2: xd, y1: m.t - 4, y2: m.t + ph }),
      s('text', { x: xd + 4, y: m.t + 12 }, 'T0')));
  }
  if (!ended) {
    const xn = f(x(Date.now()));
    parts.push(s('g', { class: 'marker-now', 'data-testid': 'chart-now-line' },
      s('line', { x1: xn, x2: xn, y1: m.t - 4, y2: m.t + ph }),
      s('text', { x: xn - 4, y: m.t + 12, 'text-anchor': 'end' }, 'now')));
  }

  // Point markers: notes along the top, reminders (due / acknowledged) along the bottom.
  for (const e of events.filter((ev) => ev.type === EventTypes.note)) {
    const xe = x(Date.parse(e.at));
    const y = m.t + 26;
    parts.push(s('g', { class: 'marker-note', 'data-testid': 'chart-note-marker' },
      s('title', {}, `${clockTime(e.at)} note: ${e.note ?? e.summary ?? ''}`),
      s('path', { d: `M${f(xe)} ${y - 7} L${f(xe + 7)} ${y} L${f(xe)} ${y + 7} L${f(xe - 7)} ${y} Z` })));
  }
  for (const e of events.filter((ev) => ev.type === EventTypes.reminderDue || ev.type === EventTypes.reminderAcknowledged || ev.type === EventTypes.reminderRealerted)) {
    const xe = f(x(Date.parse(e.at)));
    const kind = e.type === EventTypes.reminderAcknowledged ? 'acknowledged' : e.type === EventTypes.reminderRealerted ? 'realerted' : 'due';
    const y = m.t + ph - 12;
    parts.push(s('g', { class: `marker-reminder is-${kind}`, 'data-testid': 'chart-reminder-marker', 'data-kind': kind },
      s('title', {}, `${clockTime(e.at)} ${e.summary}`),
      s('circle', { cx: xe, cy: y, r: kind === 'realerted' ? 4.5 : 6 })));
  }

  // Readings (blood pressure, pulse, SpO₂) as labelled marks in the middle band; one outside staff's ranges is
  // outlined, for information only.
  for (const e of events.filter((ev) => ev.type === EventTypes.readingRecorded && ev.reading)) {
    const xe = x(Date.parse(e.at));
    const y = m.t + ph / 2;
    const outside = (e.reading.outsideRange ?? []).length > 0;
    parts.push(s('g', { class: `marker-reading${outside ? ' is-outside' : ''}`, 'data-testid': 'chart-reading-marker', 'data-outside': String(outside) },
      s('title', {}, `${clockTime(e.at)} ${e.summary}`),
      s('rect', { x: f(xe - 5), y: f(y - 5), width: 10, height: 10, rx: 2 }),
      s('text', { x: f(xe + 9), y: f(y + 5) }, readingShort(e.reading))));
  }

  if (!own) {
    parts.push(s('text', { class: 'chart-empty', x: m.l + pw / 2, y: m.t + ph / 2, 'text-anchor': 'middle' }, 'Loading the session record…'));
  } else if (!bright.length) {
    parts.push(s('text', { class: 'chart-empty', x: m.l + pw / 2, y: m.t + ph / 2, 'text-anchor': 'middle' }, 'No lighting changes recorded yet'));
  }

  const title = `Session chart ${clockTime(new Date(startMs).toISOString())} to ${ended ? clockTime(endIso) : 'now'}: brightness and colour temperature, ${events.filter((e) => e.type === EventTypes.note).length} notes`;
  svg.replaceChildren(s('title', {}, title), ...parts);
  svg.setAttribute('aria-label', title);
}

export function mountChart() {
  const svg = s('svg', { class: 'chart', role: 'img', 'data-testid': 'session-chart', preserveAspectRatio: 'xMinYMin meet' });
  const box = h('div', { class: 'chart-box' }, svg);
  const status = h('span', { class: 'muted chart-status' });
  const legend = h('div', { class: 'chart-legend', 'aria-hidden': 'true' },
    h('span', { class: 'lg lg-brightness' }, 'Brightness (left, %)'),
    h('span', { class: 'lg lg-ct' }, 'Colour temp (right, K)'),
    h('span', { class: 'lg lg-note' }, 'Note'),
    h('span', { class: 'lg lg-reminder' }, 'Reminder due'),
    h('span', { class: 'lg lg-ack' }, 'Acknowledged'),
    h('span', { class: 'lg lg-reading' }, 'Reading (outlined: outside the range staff set)'),
    h('span', { class: 'lg lg-t0' }, 'T0'));
  const root = h('section', { class: 'panel chart-panel', 'aria-labelledby': 'chart-h', hidden: true },
    h('div', { class: 'panel-head' }, h('h2', { id: 'chart-h' }, 'Session chart'), status),
    box, legend);
  let last = { session: null, record: null };
  let drawnWidth = 0;

  function draw() {
    if (root.hidden || !last.session) return;
    const width = box.clientWidth;
    if (!width) return;
    drawnWidth = width;
    drawChart(svg, width, last.session, last.record);
  }

  const ro = typeof ResizeObserver === 'function'
    ? new ResizeObserver(() => {
      if (box.clientWidth !== drawnWidth) draw();
    })
    : null;
  if (ro) ro.observe(box);
  else window.addEventListener('resize', draw);

  function update(snap, record, recordError) {
    const session = snap.session;
    setHidden(root, !session);
    if (!session) return;
    last = { session, record };
    setText(status, recordError ? `Record not loaded: ${recordError}`
      : isActiveSession(session) ? `${session.label} · live` : `${session.label} · ended ${clockTime(session.endedAt)}`);
    status.classList.toggle('is-error', !!recordError);
    draw();
  }

  function dispose() {
    if (ro) ro.disconnect();
    else window.removeEventListener('resize', draw);
  }

  return { root, update, draw, dispose };
}

/** "128/82" or "pulse 72" or "SpO₂ 97%": the chart's short label for a reading. */
export function readingShort(r) {
  if (r.systolic != null && r.diastolic != null) return `${r.systolic}/${r.diastolic}`;
  if (r.pulse != null) return `pulse ${r.pulse}`;
  if (r.spo2 != null) return `SpO₂ ${r.spo2}%`;
  return '';
}
