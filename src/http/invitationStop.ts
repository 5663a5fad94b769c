import type { TI18n } from '../i18n/i18n';
import type { TLanguage } from '../i18n/languages';
import type { FollowUpGateway } from '../followups/gateway';
import { followUpOfStopToken, INVITATION_STOP_PATH } from '../followups/links';
import { escapeHtml, setPageSecurityHeaders } from './pageSafety';
import { pageLanguage } from './pages';
import { stringParam, type Request, type Response, type THttpServer } from './server';

/** A page of one form and no script: its own small style, nothing loaded, posting only to itself. */
const STOP_PAGE_CSP = ["default-src 'none'", "style-src 'unsafe-inline'", "base-uri 'none'", "form-action 'self'", "frame-ancestors 'none'"].join('; ');

/**
 * "Stop the invitations" from an invitation e-mail. Opening the link shows a button and changes nothing: mail
 * scanners open links. Pressing it — or a mail client's one-click `List-Unsubscribe-Post` — records the opt-out for
 * the address the e-mail went to (by keyed hash), for good.
 */
export function registerInvitationStop({ route }: THttpServer, options: { i18n: TI18n; hashSecret: string; gateway: FollowUpGateway }): void {
  const path = `${INVITATION_STOP_PATH}:token`;
  const followUpOf = (req: Request) => followUpOfStopToken(options.hashSecret, stringParam(req.params, 'token') ?? '');
  const languageOf = async (req: Request, followUpId: string | null): Promise<TLanguage> => {
    const asked = pageLanguage(req);
    if (asked.asked) return asked.language;
    const sent = followUpId ? await options.gateway.invitationLanguage(followUpId) : null;
    return sent ?? asked.language;
  };

  route('get', path, async (req, res) => {
    const followUpId = followUpOf(req);
    const language = await languageOf(req, followUpId);
    send(res, page(options.i18n, language, followUpId ? 'ask' : 'unknown', req.url ?? ''));
  });
  route('post', path, async (req, res) => {
    const followUpId = followUpOf(req);
    const stopped = followUpId ? await options.gateway.stopInvitations(followUpId) : false;
    send(res, page(options.i18n, await languageOf(req, followUpId), stopped ? 'done' : 'unknown', req.url ?? ''));
  });
}

function send(res: Response, html: string): void {
  setPageSecurityHeaders(res);
  res.header('Content-Security-Policy', STOP_PAGE_CSP);
  res.header('X-Frame-Options', 'DENY');
  res.header('Cache-Control', 'no-store');
  res.header('Content-Type', 'text/html; charset=utf-8');
  res.sendRaw(200, html);
}

function page(i18n: TI18n, language: TLanguage, state: 'ask' | 'done' | 'unknown', action: string): string {
  const t = i18n.translatorFor(language, 'mail');
  const body =
    state === 'ask'
      ? `<p>${escapeHtml(t('stopPage.text'))}</p>
<form method="post" action="${escapeHtml(action.split('?')[0]!)}"><button type="submit">${escapeHtml(t('stopPage.button'))}</button></form>`
      : `<p role="status">${escapeHtml(t(state === 'done' ? 'stopPage.done' : 'stopPage.unknown'))}</p>`;
  return `<!doctype html>
<html lang="${language}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<title>${escapeHtml(t('stopPage.title'))}</title>
<style>
body { margin: 0; font: 18px/1.5 system-ui, sans-serif; color: #1b2a3a; background: #f5f7f9; }
main { max-width: 32rem; margin: 3rem auto; padding: 1.5rem; background: #fff; border: 1px solid #d5dde5; border-radius: 8px; }
h1 { font-size: 1.4rem; color: #154273; margin-top: 0; }
button { font: inherit; padding: 0.6rem 1.2rem; background: #154273; color: #fff; border: 0; border-radius: 4px; cursor: pointer; }
button:focus-visible { outline: 3px solid #e17000; outline-offset: 2px; }
</style>
</head>
<body>
<main>
<h1>${escapeHtml(t('stopPage.title'))}</h1>
${body}
</main>
</body>
</html>
`;
}
