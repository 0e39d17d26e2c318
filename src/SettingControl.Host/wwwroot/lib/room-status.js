// A room's speakers and storage in plain words for the therapist.


/**
 * The room's speakers in plain words for the therapist. The output's name and its technical state (a device name,
 * an errno) are for staff, who see them in the console; here only what it means for the room.
 */
export function speakersText(now) {
  if (!now) return { text: 'Music player not started', warning: false };
  const state = String(now.outputState ?? '');
  if (state.startsWith('refused')) return { text: 'Speakers off after a safety check · ask staff to choose the room\'s audio output again', warning: true };
  // The room is on a standby controller while the one its speakers hang off is down (docs/cluster.md, Music).
  if (state.startsWith('unavailable: the room\'s speaker is connected to another controller')) {
    return { text: 'Music is not audible: the controller the room\'s speakers are connected to is not running', warning: true };
  }
  // Network speakers (Snapcast): what is wrong in the room's words, never the server's address or its message.
  if (state.startsWith('unavailable') && String(now.output ?? '').startsWith('snapcast:')) {
    if (state.startsWith('unavailable: none of the room\'s speakers is connected')) {
      return { text: 'The room\'s speakers are not connected — music is not audible; staff can check them', warning: true };
    }
    if (state.startsWith('unavailable: no speaker of this room')) {
      return { text: 'No speakers are set up for this room — music is not audible; staff can set them up', warning: true };
    }
    return { text: 'The speaker system cannot be reached — music is not audible; staff can check it', warning: true };
  }
  if (state.startsWith('unavailable')) return { text: 'No sound output here — music is not audible; staff can choose an output', warning: true };
  if (String(now.output ?? '').startsWith('none')) return { text: 'No speakers chosen for this room', warning: false };
  return { text: 'Playing to the room\'s speakers', warning: false };
}

/** The room is running ahead of its storage: said on every dashboard, in plain words. */
export function storageWarning(snap) {
  const storage = snap.storage;
  if (!storage || storage.saved !== false) return null;
  return snap.lightsUp?.active
    ? 'Lights up active — not saved: storage failing'
    : 'Changes are not being saved: storage failing';
}

export function storageProblem(snap) {
  const problem = snap.storage?.problem;
  return typeof problem === 'string' && problem.trim() ? problem.trim() : '';
}

/**
 * How brightly the room is lit, as its lights report it (0 when they are off); what it is set to when no light
 * reports; null for a room without lights. Night mode's "follow the room" reads it.
 */
export function roomLightLevel(snap) {
  const reporting = (snap.devices ?? []).filter((d) => d.kind === 'light' && d.availability === 'online' && d.actual);
  if (reporting.length) return Math.max(...reporting.map((d) => (d.actual.on ? d.actual.brightness ?? 0 : 0)));
  if (!(snap.devices ?? []).some((d) => d.kind === 'light')) return null;
  const L = snap.desired?.lighting;
  return L ? (L.on ? L.brightness : 0) : null;
}
