// Signing in on the analyst pages: the dashboard and the board report keep one token for the tab, so the report a
// dashboard link opens in the same tab is signed in already, and either page's sign-in serves both.
import { byId } from './dom';
import { tabValue } from './storage';

export const analystToken = tabValue('meethuis.dashboard.token');

/** Calls back with the token typed into the page's #token-form; the field is emptied, so the token is not left on screen. */
export function onTokenEntered(signIn: (token: string) => void): void {
  byId('token-form').addEventListener('submit', (event) => {
    event.preventDefault();
    const input = byId<HTMLInputElement>('token');
    const token = input.value.trim();
    input.value = '';
    if (token) signIn(token);
  });
}
