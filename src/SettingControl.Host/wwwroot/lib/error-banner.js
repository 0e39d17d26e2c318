// The error banner under the top bar: a refusal stays until dismissed, a link error goes once the link is back.

import { setText } from './dom.js';
import { hubMessage, isRefusal } from './hub-errors.js';

const banner = document.querySelector('[data-testid="error-banner"]');
const bannerText = banner.querySelector('.error-text');

banner.querySelector('.error-dismiss').addEventListener('click', () => clearError());

/** `kind` 'connection' marks an error the link caused: it goes away by itself once the link is back. */
function showError(message, kind = 'refusal') {
  setText(bannerText, message);
  banner.dataset.kind = kind;
  banner.hidden = false;
}

export function showHubError(err) {
  showError(hubMessage(err), isRefusal(err) ? 'refusal' : 'connection');
}

export function clearError() {
  banner.hidden = true;
  delete banner.dataset.kind;
  setText(bannerText, '');
}

/** A command went through: a refusal shown for an earlier one no longer describes the room, so it goes. */
export function clearRefusal() {
  if (banner.dataset.kind === 'refusal') clearError();
}

export function clearConnectionError() {
  if (banner.dataset.kind === 'connection') clearError();
}
