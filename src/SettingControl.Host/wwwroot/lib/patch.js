// A room's changes as the host sends them (RoomPatched, see Services/SnapshotPatch.cs): an object lists only the
// members that changed; a list of the same length lists only the items that changed, under "$items" by position;
// anything else is the new value whole. Nothing is changed in place: what did not change is shared with the old copy.

const ITEMS = '$items';

function isObject(value) {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

export function applyPatch(base, patch) {
  if (!isObject(patch)) return patch;
  if (Array.isArray(base) && isObject(patch[ITEMS])) {
    const out = base.slice();
    for (const [index, change] of Object.entries(patch[ITEMS])) out[Number(index)] = applyPatch(base[Number(index)], change);
    return out;
  }
  if (!isObject(base)) return patch;
  const out = { ...base };
  for (const [name, change] of Object.entries(patch)) out[name] = applyPatch(base[name], change);
  return out;
}
