// Who is signed in on this tablet, read once as the page boots (a new sign-in reloads the page).

import { currentUser } from './api.js';

/** { username, role, canControlRooms, canProvision, … }, or null before boot and when nobody is signed in. */
export let me = null;

export async function loadSignedInUser() {
  me = await currentUser().catch(() => null);
  return me;
}
