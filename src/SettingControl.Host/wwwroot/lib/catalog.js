// Protocols and playlists from the hub, loaded once per connection (a failure is kept until the next one).

import { hubMessage } from './hub-errors.js';
import { connection } from './hub.js';
import { refreshView } from './store.js';

/** Protocols from GetProtocols (null until loaded). */
export let protocols = null;
let protocolsLoading = false;

/** Why GetProtocols failed (shown in the session panel); not retried until the next room page or reconnect. */
export let protocolsError = null;

export async function loadProtocols(force) {
  if (protocolsLoading || ((protocols || protocolsError) && !force)) return;
  if (connection.state !== signalR.HubConnectionState.Connected) return;
  protocolsLoading = true;
  try {
    const list = await connection.invoke('GetProtocols');
    protocols = Array.isArray(list) ? list : [];
    protocolsError = null;
  } catch (err) {
    protocolsError = hubMessage(err);
  } finally {
    protocolsLoading = false;
    refreshView();
  }
}

/** A fresh connection: a list that failed to load is worth another try. */
export function forgetCatalogErrors() {
  protocolsError = null;
  playlistsError = null;
}

export let playlists = null;
export let playlistsError = null;
let playlistsLoading = false;

/**
 * Loads the playlists once per connection. A failure is kept until the next connection: every redraw asks for the
 * playlists, and a failed request redraws, so retrying on failure would spin the page without end on a dead link.
 */
export async function loadPlaylists() {
  if (playlists || playlistsError || playlistsLoading) return;
  if (connection.state !== signalR.HubConnectionState.Connected) return;
  playlistsLoading = true;
  try {
    playlists = await connection.invoke('GetPlaylists');
    playlistsError = null;
  } catch (err) {
    playlistsError = hubMessage(err);
  } finally {
    playlistsLoading = false;
  }
  refreshView();
}
