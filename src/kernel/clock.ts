/** The time as the code sees it: injected everywhere, so tests and replicas can agree on "now". */
export type TClock = () => Date;

export const systemClock: TClock = () => new Date();
