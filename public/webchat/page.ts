// The web chat page: asks our Direct Line channel for a token carrying the page's context (or, after a reload, renews
// the tab's own and reconnects), then renders the official Web Chat client (polling, no WebSocket). Web Chat's bundle
// comes in by its own script tag; nothing is inline, the CSP allows 'self' only.
import { browserKeys, browserValue, tabValue } from '../shared/storage';
import { PageTexts, readPageConfig, type TPageConfig } from '../shared/texts';

interface TWebChatConfig extends TPageConfig {
  context: Record<string, string>;
  webchatLocale: string;
  nonce: string;
  linkTtlHours: number;
  /** Framed by the admin page to try the organisation's draft: the conversation comes from there, and is not kept. */
  preview: boolean;
}

/** What this page uses of Web Chat's global (botframework-webchat's bundle). */
interface TDirectLine {
  connectionStatus$: { subscribe(next: (status: number) => void): unknown };
}
declare global {
  interface Window {
    WebChat?: {
      createDirectLine(options: { token: string; conversationId?: string; domain: string; webSocket: boolean }): TDirectLine;
      renderWebChat(props: Record<string, unknown>, element: HTMLElement): void;
    };
  }
}

interface TChat {
  conversationId: string;
  token: string;
  resumed: boolean;
  warnings?: string[];
}

/** An error the Direct Line channel answered with (its protocol's own shape). */
interface TChannelRefusal {
  error?: { code?: string; message?: string };
}

const root = document.getElementById('webchat')!;
const status = document.getElementById('chat-status')!;
const config = readPageConfig<TWebChatConfig>();
const texts = new PageTexts(config);
const t = texts.t.bind(texts);

// The tab's own copy of its conversation: a reload reconnects and shows the history; a closed tab forgets it, so
// the next person at a shared computer starts afresh. Keyed by the page's query: another language is another chat.
const savedChat = tabValue(`meethuis-chat:${location.search}`);
const REFRESH_EVERY_MS = 10 * 60 * 1000;
const FAILED_TO_CONNECT = 4;
const LINK_KEY_PREFIX = 'meethuis-link:';
/** The messages between the admin page and its framed preview. */
const PREVIEW_READY = 'meethuis-preview-ready';
const PREVIEW_MESSAGE = 'meethuis-preview';

function fail(detail: unknown): void {
  const refusal = (detail ?? {}) as TChannelRefusal;
  const code = refusal.error?.code;
  // An embed that names an organisation or service we do not have: the integrator reads why in the console; the
  // resident is not told that something is broken, only that the chat is not set up here.
  const notSetUp = code === 'unknown_organisation' || code === 'unknown_service';
  // Too many chats from this address: say so, so the resident waits instead of giving up on a broken page.
  status.textContent = notSetUp ? t('page.notSetUp') : code === 'rate_limited' ? t('page.busy') : t('page.error');
  console.error('meethuis web chat:', refusal.error?.message ?? detail);
}

function remembered(): Pick<TChat, 'conversationId' | 'token'> | null {
  try {
    const saved = JSON.parse(savedChat.get() ?? 'null') as { conversationId?: unknown; token?: unknown } | null;
    return saved && typeof saved.conversationId === 'string' && typeof saved.token === 'string' ? { conversationId: saved.conversationId, token: saved.token } : null;
  } catch {
    return null;
  }
}

function remember(chat: TChat): void {
  savedChat.set(JSON.stringify({ conversationId: chat.conversationId, token: chat.token }));
}

async function post<T>(path: string, token: string | null, body: unknown = {}): Promise<T> {
  const response = await fetch(`/v3/directline/${path}`, {
    method: 'POST',
    credentials: 'omit',
    headers: { 'Content-Type': 'application/json', ...(token ? { Authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify(body),
  });
  const answer = (await response.json()) as unknown;
  if (!response.ok) throw answer;
  return answer as T;
}

interface TGrant {
  conversationId: string;
  token: string;
  warnings?: string[];
}

async function newChat(): Promise<TChat> {
  // The one-time link's holder: the first browser to open a link keeps a random secret for it, so that this
  // browser, and no other, can open the link again and continue.
  const link = config.context.followUpLink;
  const context = link ? { ...config.context, linkHolder: linkHolderFor(link) } : config.context;
  const grant = await post<TGrant>('tokens/generate', null, { context });
  return { conversationId: grant.conversationId, token: grant.token, resumed: false, ...(grant.warnings ? { warnings: grant.warnings } : {}) };
}

async function resumedChat(saved: Pick<TChat, 'conversationId' | 'token'>): Promise<TChat> {
  const grant = await post<TGrant>('tokens/refresh', saved.token);
  return { conversationId: saved.conversationId, token: grant.token, resumed: true };
}

/** Forgets the secrets of links that have expired by now: a link holds its browser only while it works. */
function forgetExpiredLinks(): void {
  const oldest = Date.now() - config.linkTtlHours * 3600 * 1000;
  for (const key of browserKeys(LINK_KEY_PREFIX)) {
    const kept = browserValue(key);
    let since: unknown;
    try {
      since = (JSON.parse(kept.get() ?? 'null') as { since?: unknown } | null)?.since;
    } catch {
      since = undefined;
    }
    if (typeof since !== 'number' || since < oldest) kept.clear();
  }
}

function linkHolderFor(link: string): string {
  const kept = browserValue(LINK_KEY_PREFIX + link.slice(0, 24));
  try {
    const holder = (JSON.parse(kept.get() ?? 'null') as { holder?: unknown } | null)?.holder;
    if (typeof holder === 'string') return holder;
  } catch {
    // Unreadable: a new holder.
  }
  const holder = Array.from(crypto.getRandomValues(new Uint8Array(16)), (byte) => byte.toString(16).padStart(2, '0')).join('');
  // Storage off: this browser can open the link once.
  kept.set(JSON.stringify({ holder, since: Date.now() }));
  return holder;
}

/** Keeps the tab's token alive while it is open, so that a reload after a long pause still reconnects. */
function keepFresh(chat: TChat): void {
  window.setInterval(() => {
    post<TGrant>('tokens/refresh', chat.token)
      .then((grant) => {
        chat.token = grant.token;
        remember(chat);
      })
      .catch(() => {
        // The next reload starts a new chat.
      });
  }, REFRESH_EVERY_MS);
}

/** The preview's conversation, handed over by the admin page that frames this one (same origin only). */
function previewChat(): Promise<TChat> {
  return new Promise((resolve) => {
    window.addEventListener('message', (event: MessageEvent<unknown>) => {
      if (event.origin !== location.origin || event.source !== window.parent) return;
      const data = event.data as { type?: unknown; token?: unknown; conversationId?: unknown } | null;
      if (data?.type !== PREVIEW_MESSAGE || typeof data.token !== 'string' || typeof data.conversationId !== 'string') return;
      resolve({ token: data.token, conversationId: data.conversationId, resumed: false });
    });
    window.parent.postMessage({ type: PREVIEW_READY }, location.origin);
  });
}

function show(chat: TChat): void {
  const webChat = window.WebChat!;
  // For the integrator: a part of the embed the service could not use (say, a location it does not know).
  for (const warning of chat.warnings ?? []) console.warn('meethuis web chat:', warning);
  // A preview is not picked up again after a reload: the admin asks for a fresh one.
  if (!config.preview) {
    remember(chat);
    keepFresh(chat);
  }
  const directLine = webChat.createDirectLine({
    token: chat.token,
    // A reconnect (GET conversations/{id}) replays the conversation from its start: the history is shown.
    ...(chat.resumed ? { conversationId: chat.conversationId } : {}),
    domain: `${location.origin}/v3/directline`,
    webSocket: false,
  });
  if (chat.resumed) {
    directLine.connectionStatus$.subscribe((connectionStatus) => {
      // The conversation is gone (it never started, or ended): start afresh rather than show an empty chat.
      if (connectionStatus === FAILED_TO_CONNECT) {
        savedChat.clear();
        location.reload();
      }
    });
  }
  webChat.renderWebChat(
    {
      directLine,
      locale: config.webchatLocale,
      overrideLocalizedStrings: config.texts[config.language]?.webchat,
      nonce: config.nonce,
      sendTypingIndicator: false,
      styleOptions: {
        accent: '#154273',
        primaryFont: 'system-ui, -apple-system, "Segoe UI", Roboto, Arial, sans-serif',
        fontSizeSmall: '85%',
        bubbleBackground: '#f2f2f2',
        bubbleTextColor: '#1a1a1a',
        bubbleBorderRadius: 8,
        bubbleFromUserBackground: '#154273',
        bubbleFromUserTextColor: '#ffffff',
        bubbleFromUserBorderRadius: 8,
        botAvatarInitials: 'M',
        botAvatarBackgroundColor: '#154273',
        hideUploadButton: true,
        suggestedActionLayout: 'flow',
        suggestedActionBackgroundColor: '#ffffff',
        suggestedActionBorderColor: '#154273',
        suggestedActionBorderWidth: 2,
        suggestedActionTextColor: '#154273',
        suggestedActionHeight: 44,
        sendBoxButtonColor: '#154273',
        sendBoxTextColor: '#1a1a1a',
        transcriptVisualKeyboardIndicatorColor: '#154273',
        subtle: '#4a4a4a',
        timestampColor: '#4a4a4a',
      },
    },
    root,
  );
  status.textContent = '';
}

if (!window.WebChat) {
  fail('the Web Chat bundle did not load');
} else if (config.preview) {
  previewChat().then(show).catch(fail);
} else {
  forgetExpiredLinks();
  const saved = remembered();
  (saved ? resumedChat(saved).catch(newChat) : newChat()).then(show).catch(fail);
}
