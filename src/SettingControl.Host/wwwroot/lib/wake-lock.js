// Keeps the tablet's screen awake while a session runs in the room it shows (Screen Wake Lock): a therapist beside a
// patient should not have to wake the tablet to reach Lights up. Released when the session ends or the page leaves
// the room. The browser drops a wake lock whenever the page is hidden, so it is asked for again when the page shows.

let lock = null;
let wanted = false;

export function keepScreenAwake(want) {
  if (want === wanted) return;
  wanted = want;
  if (want) acquire();
  else release();
}

async function acquire() {
  if (lock || !('wakeLock' in navigator) || document.visibilityState !== 'visible') return;
  try {
    const acquired = await navigator.wakeLock.request('screen');
    if (!wanted) {
      acquired.release();
      return;
    }
    lock = acquired;
    lock.addEventListener('release', () => { lock = null; });
  } catch {
    // Refused (battery saver, no user gesture yet): the screen follows the tablet's own settings.
    lock = null;
  }
}

function release() {
  const held = lock;
  lock = null;
  held?.release().catch(() => {});
}

document.addEventListener('visibilitychange', () => {
  if (document.visibilityState === 'visible' && wanted) acquire();
});
