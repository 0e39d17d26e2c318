// The host's REST API with its problem+json answers turned into errors a person can read, and who is signed in.

/** fetch + JSON with the problem+json message turned into an Error a person can read. */
export async function api(method, url, body) {
  const res = await fetch(url, {
    method,
    credentials: 'same-origin',
    headers: body === undefined ? {} : { 'Content-Type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  if (res.status === 204) return null;
  const text = await res.text();
  let data = null;
  try { data = text ? JSON.parse(text) : null; } catch { data = null; }
  if (!res.ok) {
    const details = data?.errors ? Object.values(data.errors).flat().join(' ') : (data?.detail ?? '');
    const message = [data?.title ?? `${res.status} ${res.statusText}`, details].filter(Boolean).join(' ');
    const error = new Error(message);
    error.status = res.status;
    throw error;
  }
  return data;
}

/**
 * Who is signed in and whether the facility still needs its first admin: `{ signedIn, user, setupRequired }`.
 * Asked of `/api/auth/session`, which answers anyone, so a sign-in page logs no 401.
 */
export async function currentSession() {
  return await api('GET', '/api/auth/session');
}

/** Who is signed in ({ username, role, canControlRooms, … }) or null. */
export async function currentUser() {
  return (await currentSession()).user ?? null;
}

export async function signOut() {
  try { await api('POST', '/api/auth/sign-out'); } finally { location.hash = '#/'; location.reload(); }
}
