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

/**
 * A Teams resident talking to `/api/messages` of whichever replica it is pointed at; the bot's replies reach the
 * test's connector stub, as the Bot Framework protocol says.
 */
export class TeamsResident {
  private sequence = 0;
  readonly user: { id: string; name: string };
  readonly conversation: ConversationAccount;

  constructor(
    private readonly connector: { url: string; requests: TRecordedRequest[] },
    readonly locale: string,
    name = `resident-${Math.random().toString(36).slice(2, 10)}`,
  ) {
    this.user = { id: `29:${name}`, name };
    this.conversation = { id: `a:${name}`, conversationType: 'personal', tenantId: 'tenant', isGroup: false, name: '' };
  }

  /** Sends one activity to a replica and returns the texts the bot replied to it. */
  async send(baseUrl: string, activity: Record<string, unknown>): Promise<{ status: number; replies: string[] }> {
    const id = `1:${this.user.name}:${++this.sequence}`;
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
    const replies = this.connector.requests
      .filter((request) => request.path === `/v3/conversations/${this.conversation.id}/activities/${id}`)
      .map((request) => String(request.body.text ?? ''));
    return { status: response.status, replies };
  }

  open(baseUrl: string) {
    return this.send(baseUrl, { type: 'conversationUpdate', membersAdded: [BOT, { id: this.user.id }] });
  }

  say(baseUrl: string, text: string) {
    return this.send(baseUrl, { type: 'message', text });
  }
}
