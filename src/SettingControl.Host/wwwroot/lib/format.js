// Numbers, times and actors in the words the dashboard shows them in.

/** Seconds as mm:ss (minutes run past 59: 75:00). */
export function mmss(seconds) {
  if (seconds == null || !Number.isFinite(seconds)) return '—';
  const total = Math.max(0, Math.ceil(seconds));
  const m = Math.floor(total / 60);
  const sec = total % 60;
  return `${String(m).padStart(2, '0')}:${String(sec).padStart(2, '0')}`;
}

/** "in 12 min" / "now" / "5 min ago" for a time that may be in the future. */
export function until(iso) {
  const t = Date.parse(iso);
  if (Number.isNaN(t)) return '';
  const s = Math.round((t - Date.now()) / 1000);
  if (s <= -60) return ago(iso);
  if (s < 60) return 'now';
  if (s < 3600) return `in ${Math.round(s / 60)} min`;
  return `in ${Math.floor(s / 3600)} h ${Math.round((s % 3600) / 60)} min`;
}

/** "dashboard:Xk3…" → "dashboard Xk3f", "program:phase-clock" → "phase clock". */
export function actorLabel(by) {
  if (!by) return 'unknown';
  const i = String(by).indexOf(':');
  if (i < 0) return String(by);
  const kind = by.slice(0, i);
  const name = by.slice(i + 1);
  if (kind === 'dashboard') return name ? `dashboard ${name.slice(0, 4)}` : 'a dashboard';
  if (kind === 'program') return name.replace(/-/g, ' ');
  if (kind === 'safety') return 'safety';
  return name || kind;
}

export function pct(n) {
  return n == null ? '—' : `${Math.round(n)}%`;
}

export function kelvin(n) {
  return n == null ? '—' : `${Math.round(n)} K`;
}

export function formatDuration(ms) {
  if (ms == null) return '—';
  if (ms === 0) return 'instant';
  if (ms < 60000) return `${+(ms / 1000).toFixed(1)} s`;
  return `${+(ms / 60000).toFixed(1)} min`;
}

export function ago(iso) {
  if (!iso) return 'never';
  const t = Date.parse(iso);
  if (Number.isNaN(t)) return String(iso);
  const s = Math.round((Date.now() - t) / 1000);
  if (s < 5) return 'just now';
  if (s < 60) return `${s} s ago`;
  if (s < 3600) return `${Math.floor(s / 60)} min ago`;
  if (s < 86400) return `${Math.floor(s / 3600)} h ago`;
  if (s < 7 * 86400) return `${Math.floor(s / 86400)} d ago`;
  return new Date(t).toLocaleDateString();
}

export function clockTime(iso) {
  const t = Date.parse(iso);
  if (Number.isNaN(t)) return '';
  return new Date(t).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' });
}
