// Who is signed in on this tablet, read once as the page boots (a new sign-in reloads the page).

import { currentSession } from './api.js';

/** { username, role, canControlRooms, canProvision, … }, or null before boot and when nobody is signed in. */
export let me = null;

/** True when the facility has no admin yet, so the page offers first-run setup instead of sign-in. */
export let setupRequired = false;

export async function loadSignedInUser() {
  const session = await currentSession().catch(() => null);
  me = session?.user ?? null;
  setupRequired = session?.setupRequired ?? false;
  return me;
}
