// Plain words for a failed hub call, and whether the controller refused or the link failed.

export function rawMessage(err) {
  return err && err.message ? String(err.message) : String(err ?? '');
}

/** True when the controller answered and refused (a HubException), rather than the link failing. */
export function isRefusal(err) {
  return /HubException:|error occurred invoking/i.test(rawMessage(err));
}

/**
 * Plain words for a failed hub call. A HubException arrives as "An unexpected error occurred invoking 'X' on the
 * server. HubException: <message>" and its message is already plain; anything else is the link failing, and the
 * library's own text ("Server timeout elapsed…", "WebSocket closed…") never reaches a clinical screen.
 */
export function hubMessage(err) {
  const raw = rawMessage(err);
  const m = raw.match(/HubException:\s*([\s\S]*)$/);
  if (m && m[1].trim()) return m[1].trim();
  if (/error occurred invoking/i.test(raw)) return 'The controller could not carry out the change.';
  if (/not in the 'Connected' State/i.test(raw)) return 'Not connected to the controller: the change was not sent.';
  return 'The connection dropped: the change may not have been applied.';
}
