// localStorage that never throws (private mode, storage disabled): a setting is then simply not kept.

export function storageGet(key) {
  try { return window.localStorage.getItem(key); } catch { return null; }
}

export function storageSet(key, value) {
  try { window.localStorage.setItem(key, value); } catch { /* private mode: not persisted */ }
}
