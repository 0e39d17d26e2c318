// The page's route, read from the location hash: the room list, one room, or the staff console.

export let route = parseRoute();

/** The hash changed: the route is read again (the router then mounts the new view). */
export function followHash() {
  route = parseRoute();
}

export function parseRoute() {
  const hash = location.hash.replace(/^#/, '');
  if (/^\/staff\/?$/.test(hash)) return { name: 'staff' };
  const m = hash.match(/^\/rooms\/([^/?#]+)\/?$/);
  if (m) {
    try {
      return { name: 'room', roomId: decodeURIComponent(m[1]) };
    } catch { /* fall through to the list */ }
  }
  return { name: 'list' };
}

export function roomHref(roomId) {
  return `#/rooms/${encodeURIComponent(roomId)}`;
}
