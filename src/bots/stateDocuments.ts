import type { StatePropertyAccessor, TurnContext } from 'botbuilder';
import type { TStateStorage } from '../db/databaseStorage';
import type { TSqlTransaction } from '../db/sql';
import { turnKeysOfContext } from '../dialogs/turnKeys';

type TDocument = Record<string, unknown>;

interface TReadDocument {
  key: string;
  document: TDocument;
  /** The document as stored, to tell whether the turn changed it. */
  storedText: string;
}

/**
 * One state document — a conversation's or a resident's — read at most once per turn and written only when the
 * turn changed it. It takes the place of botbuilder's BotState for two reasons: BotState hashes the document (a
 * JavaScript stringify and SHA-256) three times a turn where comparing its JSON once will do, and it writes through
 * its storage alone, where this write can join the transaction of the turn's answers. Like BotState's saves, a
 * write replaces the document (eTag `*`): of two turns of one conversation at the same moment, the later one wins.
 */
export class StateDocument {
  private readonly reading = Symbol('meethuis.stateDocument.reading');
  private readonly read = Symbol('meethuis.stateDocument.read');

  constructor(
    private readonly storage: TStateStorage,
    private readonly storageKeyOf: (context: TurnContext) => string,
  ) {}

  /** A named part of the document, as botbuilder's dialogs and our session read and write it. */
  property<T>(name: string): StatePropertyAccessor<T> {
    const load = (context: TurnContext) => this.load(context);
    return {
      async get(context: TurnContext, defaultValue?: T): Promise<T> {
        const document = await load(context);
        if (document[name] === undefined && defaultValue !== undefined) {
          // A copy, so that the default object a caller keeps is never the state itself (botbuilder does the same).
          document[name] = typeof defaultValue === 'object' && defaultValue !== null ? structuredClone(defaultValue) : defaultValue;
        }
        return document[name] as T;
      },
      async set(context: TurnContext, value: T): Promise<void> {
        (await load(context))[name] = value;
      },
      async delete(context: TurnContext): Promise<void> {
        delete (await load(context))[name];
      },
    };
  }

  /** The document as stored when this turn read it, if it did (for the error handler: where the turn began). */
  asRead(context: TurnContext): TDocument | undefined {
    const read = context.turnState.get<TReadDocument | undefined>(this.read);
    return read ? (JSON.parse(read.storedText) as TDocument) : undefined;
  }

  /**
   * Writes the document if the turn changed it; `within` a transaction, when the turn's answers are written too.
   * What was read stays the reference (asRead): within a transaction, the write is not stored until its commit.
   */
  async save(context: TurnContext, within?: TSqlTransaction): Promise<void> {
    const read = context.turnState.get<TReadDocument | undefined>(this.read);
    if (!read || JSON.stringify(read.document) === read.storedText) return;
    await this.storage.write({ [read.key]: { ...read.document, eTag: '*' } }, within);
  }

  private load(context: TurnContext): Promise<TDocument> {
    // The read itself is remembered, so that two parts asked for at once share one document.
    let reading = context.turnState.get<Promise<TDocument> | undefined>(this.reading);
    if (!reading) {
      reading = this.readFromStorage(context);
      context.turnState.set(this.reading, reading);
    }
    return reading;
  }

  private async readFromStorage(context: TurnContext): Promise<TDocument> {
    const key = this.storageKeyOf(context);
    const { [key]: item } = await this.storage.read([key]);
    const { eTag: _eTag, ...document } = (item ?? {}) as TDocument;
    context.turnState.set(this.read, { key, document, storedText: JSON.stringify(document) } satisfies TReadDocument);
    return document;
  }
}

/**
 * The conversation's and the resident's state documents, stored under keyed hashes: botbuilder's own
 * ConversationState and UserState would key them by the channel's conversation and user ids in clear.
 */
export function hashedStateDocuments(storage: TStateStorage, hashSecret: string): { conversation: StateDocument; resident: StateDocument } {
  const keys = (context: TurnContext) => turnKeysOfContext(hashSecret, context);
  return {
    conversation: new StateDocument(storage, (context) => `conversation/${keys(context).conversationKey}`),
    resident: new StateDocument(storage, (context) => `resident/${keys(context).residentKey}`),
  };
}
