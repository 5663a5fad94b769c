import type { TurnContext } from 'botbuilder';
import { turnKeysOf, type TTurnKeys } from '../privacy/residentKeys';

const TURN_KEYS = Symbol('meethuis.turnKeys');

/** The keys of the turn's resident and conversation, hashed once per turn however often they are asked for. */
export function turnKeysOfContext(hashSecret: string, context: TurnContext): TTurnKeys {
  let keys = context.turnState.get<TTurnKeys | undefined>(TURN_KEYS);
  if (!keys) {
    keys = turnKeysOf(hashSecret, context.activity);
    context.turnState.set(TURN_KEYS, keys);
  }
  return keys;
}
