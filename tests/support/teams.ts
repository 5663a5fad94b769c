import { readFileSync } from 'node:fs';
import type { ConversationAccount } from 'botbuilder';
import type { TLanguage } from '../../src/i18n/languages';
import { postJson, type TRecordedRequest } from '../channels/support';

export const BOT = { id: '28:meethuis', name: 'Meethuis' };

/** The resident-facing texts of a language, straight from the locale files the bot uses. */
export function textsOf(language: TLanguage) {
  const read = (ns: string) => JSON.parse(readFileSync(new URL(`../../locales/${language}/${ns}.json`, import.meta.url), 'utf8')) as Record<string, Record<string, string>>;
  return { chat: read('chat'), survey: read('survey') };
}

const PROGRESS_LINES = (['nl', 'pap', 'en'] as const).map((language) => {
  const pattern = (textsOf(language).chat.progress as Record<string, string>).question!;
  return new RegExp(`^${pattern.replace('{{number}}', '\\d+').replace('{{total}}', '\\d+')}\n\n`);
});

/** The question a bot's message asks, without the line that says where the resident is ("Vraag 3 van 10"). */
export function questionOf(text: string | undefined): string | undefined {
  if (text === undefined) return undefined;
  const line = PROGRESS_LINES.find((pattern) => pattern.test(text));
  return line ? text.replace(line, '') : text;
}

/**
 * A Teams resident talking to `/api/messages` of whichever replica it is pointed at; the bot's replies reach the
 * test's connector stub, as the Bot Framework protocol says.
 */
export class TeamsResident {
  private sequence = 0;
  readonly conversation: ConversationAccount;

  readonly user: { id: string; name: string; aadObjectId?: string };
  /** Ids of the activities this resident sent: a message to the conversation that answers none of them is proactive. */
  readonly sent = new Set<string>();

  constructor(
    private readonly connector: { url: string; requests: TRecordedRequest[] },
    readonly locale: string,
    name = `resident-${Math.random().toString(36).slice(2, 10)}`,
    aadObjectId?: string,
  ) {
    this.user = { id: `29:${name}`, name, ...(aadObjectId ? { aadObjectId } : {}) };
    this.conversation = { id: `a:${name}`, conversationType: 'personal', tenantId: 'tenant', isGroup: false, name: '' };
  }

  /** The bodies the bot posted in reply to one activity, in order. */
  repliesTo(id: string): Record<string, unknown>[] {
    return this.connector.requests
      .filter((request) => request.path === `/v3/conversations/${this.conversation.id}/activities/${id}`)
      .map((request) => request.body);
  }

  /** Messages the bot started itself: posted to the conversation, answering nothing this resident sent. */
  proactive(): Record<string, unknown>[] {
    const prefix = `/v3/conversations/${this.conversation.id}/activities`;
    return this.connector.requests
      .filter((request) => request.method === 'POST' && (request.path === prefix || request.path.startsWith(`${prefix}/`)))
      .filter((request) => !this.sent.has(request.path.slice(prefix.length + 1)))
      .map((request) => request.body);
  }

  /** Sends one activity to a replica; returns its id, the HTTP status, and the texts and bodies the bot replied. */
  async send(baseUrl: string, activity: Record<string, unknown>): Promise<{ id: string; status: number; replies: string[]; bodies: Record<string, unknown>[] }> {
    const id = `1:${this.user.name}:${++this.sequence}`;
    this.sent.add(id);
    const response = await postJson(`${baseUrl}/api/messages`, {
      channelId: 'msteams',
      serviceUrl: this.connector.url,
      id,
      timestamp: new Date().toISOString(),
      from: this.user,
      recipient: BOT,
      conversation: this.conversation,
      channelData: { tenant: { id: 'tenant' } },
      locale: this.locale,
      ...activity,
    });
    const bodies = this.repliesTo(id);
    return { id, status: response.status, replies: bodies.map((body) => (typeof body.text === 'string' ? body.text : '')), bodies };
  }

  open(baseUrl: string) {
    return this.send(baseUrl, { type: 'conversationUpdate', membersAdded: [BOT, { ...this.user }] });
  }

  say(baseUrl: string, text: string) {
    return this.send(baseUrl, { type: 'message', text });
  }
}
