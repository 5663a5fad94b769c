/**
 * Removes personal data from residents' free-text answers before anything stores them (README, "What the scrubber removes").
 *
 * Runs on every stored free-text answer and on the echo of the resident's own message, so it must be cheap and
 * safe on hostile input: every regular expression below is either bounded in length or built from adjacent parts
 * that cannot match the same character, and numbers are split into groups by a hand-written scanner instead of a
 * regex. Total work is linear in the length of the text.
 *
 * The trade-off throughout is asymmetric: a personal number that slips through is a privacy incident, a case
 * number that gets scrubbed is a lost detail. Where the two collide we scrub, and say so next to the rule.
 */
import firstNames from './names/firstNames.json' with { type: 'json' };
import nameFrames from './names/frames.json' with { type: 'json' };
import notNames from './names/notNames.json' with { type: 'json' };

export const PERSONAL_DATA_KINDS = ['bsn', 'phone', 'email', 'iban', 'address', 'name'] as const;
export type TPersonalDataKind = (typeof PERSONAL_DATA_KINDS)[number];

/**
 * Language-neutral on purpose: one stored answer is read by analysts in all three languages and exported to CSV,
 * so `[PHONE]` means the same to everyone and can be counted with one search. Upper case in brackets cannot be
 * mistaken for what a resident wrote, and the placeholders hold no digits, `@` or postcode shape, so scrubbing
 * already-scrubbed text changes nothing.
 */
export const PLACEHOLDERS: Readonly<Record<TPersonalDataKind, string>> = {
  bsn: '[BSN]',
  phone: '[PHONE]',
  email: '[EMAIL]',
  iban: '[IBAN]',
  address: '[ADDRESS]',
  name: '[NAME]',
};

export interface TScrubResult {
  text: string;
  /** Each kind that was found, once, in the order of PERSONAL_DATA_KINDS. */
  found: TPersonalDataKind[];
}

interface TSpan {
  start: number;
  end: number;
  kind: TPersonalDataKind;
}

/**
 * Replaces BSNs, phone numbers, e-mail addresses, IBANs, (Dutch or Caribbean) addresses and people's names in free
 * text with placeholders from {@link PLACEHOLDERS}, and reports which kinds it found.
 *
 * Passes run from the most to the least specific shape, each on the output of the one before, so that the digits
 * inside an IBAN or an e-mail address are gone before the number rules look for phone numbers and BSNs, and a
 * street named after someone is an address before the name rules see it.
 */
export function scrubPersonalData(text: string): TScrubResult {
  const found = new Set<TPersonalDataKind>();
  let current = text;
  for (const detect of DETECTORS) {
    const spans = detect(current);
    if (spans.length === 0) continue;
    for (const span of spans) found.add(span.kind);
    current = replaceSpans(current, spans);
  }
  return { text: current, found: PERSONAL_DATA_KINDS.filter((kind) => found.has(kind)) };
}

/** Expects spans sorted by start and not overlapping, which every detector guarantees by scanning left to right. */
function replaceSpans(text: string, spans: readonly TSpan[]): string {
  let out = '';
  let at = 0;
  for (const span of spans) {
    out += text.slice(at, span.start) + PLACEHOLDERS[span.kind];
    at = span.end;
  }
  return out + text.slice(at);
}

/**
 * Every detector only matches text bounded by something other than a letter or digit on both sides: replacing a
 * match must never leave a neighbour that was glued to it (and so ignored) standing free for the next pass.
 *
 * Runs a global regex and lets `accept` confirm (and possibly shrink) each candidate. A rejected candidate resumes
 * the search one character later rather than after the whole candidate, so a failed long match cannot hide a valid
 * shorter one that starts inside it; each start position is still tried only once.
 */
function scanRegex(
  text: string,
  pattern: RegExp,
  kind: TPersonalDataKind,
  accept: (match: RegExpExecArray) => { start: number; end: number } | undefined,
): TSpan[] {
  const spans: TSpan[] = [];
  const regex = new RegExp(pattern.source, pattern.flags.includes('g') ? pattern.flags : `${pattern.flags}g`);
  let match: RegExpExecArray | null;
  while ((match = regex.exec(text)) !== null) {
    const span = accept(match);
    if (span && span.end > span.start) {
      spans.push({ ...span, kind });
      regex.lastIndex = span.end;
    } else {
      regex.lastIndex = match.index + 1;
    }
  }
  return spans;
}

const whole = (match: RegExpExecArray): { start: number; end: number } => ({
  start: match.index,
  end: match.index + match[0].length,
});

// ---------------------------------------------------------------------------------------------------------------
// Shared guards

/**
 * Words that turn a number into a count, duration or amount. A number followed by one of these is not a house
 * number or a local phone number ("Kaya Grandi 3 biaha", "700-1000 hende", "Stationsweg 2 keer").
 */
const COUNT_WORDS = [
  // nl
  'keer', 'maal', 'dag', 'dagen', 'week', 'weken', 'maand', 'maanden', 'jaar', 'jaren', 'uur', 'uren', 'minuut',
  'minuten', 'min', 'sec', 'seconden', 'mensen', 'personen', 'euro', 'eur', 'cent', 'procent', 'km', 'meter',
  'kilometer', 'stuks', 'klanten', 'wachtenden',
  // pap
  'biaha', 'bes', 'dia', 'siman', 'luna', 'aña', 'ana', 'ora', 'minüt', 'minut', 'sekonde', 'hende', 'persona',
  'florin', 'dòler', 'doler', 'sèn', 'porshento', 'kilometro',
  // en
  'times', 'time', 'day', 'days', 'weeks', 'month', 'months', 'year', 'years', 'hour', 'hours', 'hrs', 'minute',
  'minutes', 'mins', 'people', 'persons', 'dollar', 'dollars', 'usd', 'percent', 'miles',
] as const;

// Sticky, so it only looks at the text right after a number; the alternation is a fixed list, so bounded.
const COUNT_WORD_AFTER = new RegExp(`\\s{0,3}(?:%|(?:${COUNT_WORDS.join('|')})(?![\\p{L}\\p{N}]))`, 'iuy');

function followedByCountWord(text: string, end: number): boolean {
  COUNT_WORD_AFTER.lastIndex = end;
  return COUNT_WORD_AFTER.test(text);
}

// USD is the currency of the Caribbean Netherlands, ANG/NAf/Afl (guilders) are still used in prices on Curaçao.
const CURRENCY_BEFORE = /(?:[€$£ƒ]|(?<![\p{L}])(?:eur|euro|usd|ang|naf|afl|awg|fl)\.?)\s{0,2}$/iu;

function precededByCurrency(text: string, start: number): boolean {
  return CURRENCY_BEFORE.test(text.slice(Math.max(0, start - 8), start));
}

// ---------------------------------------------------------------------------------------------------------------
// E-mail

/**
 * Local part and labels are bounded by RFC 5321's limits, and a match starts only where a local part can start,
 * so each run of letters is read once. "(at)" and "[at]" are the usual ways people dodge spam harvesters.
 */
const EMAIL =
  /(?<![\p{L}\p{N}._%+-])[\p{L}\p{N}._%+-]{1,64}(?:@|\s?[[(]at[\])]\s?)[\p{L}\p{N}-]{1,63}(?:\.[\p{L}\p{N}-]{1,63}){0,6}\.\p{L}{2,24}(?![\p{L}\p{N}])/giu;

function detectEmails(text: string): TSpan[] {
  return scanRegex(text, EMAIL, 'email', whole);
}

// ---------------------------------------------------------------------------------------------------------------
// IBAN

/**
 * Country code, check digits, then groups of four with an optional single space (the printed form) or none (the
 * electronic form); the last group may be short. Groups of exactly four keep the pattern unambiguous. The candidate
 * may swallow a following four-letter word ("… 7034 from"), which {@link acceptIban} trims off.
 */
const IBAN_CANDIDATE = /(?<![\p{L}\p{N}])[a-z]{2}\d{2}(?: ?[a-z0-9]{4}){2,7}(?: ?[a-z0-9]{1,3})?(?![\p{L}\p{N}])/giu;

/** ISO 13616 lengths run from 15 (Norway) to 34 characters. */
const IBAN_MIN_LENGTH = 15;
const IBAN_MAX_LENGTH = 34;

/**
 * Checks an IBAN (spaces allowed, any case) with the ISO 7064 mod 97-10 check: one random string in 97 passes,
 * which is what keeps order codes and licence plates out.
 */
export function isValidIban(value: string): boolean {
  const compact = value.replace(/ /g, '').toUpperCase();
  if (compact.length < IBAN_MIN_LENGTH || compact.length > IBAN_MAX_LENGTH) return false;
  if (!/^[A-Z]{2}\d{2}[A-Z0-9]+$/.test(compact)) return false;
  const rearranged = compact.slice(4) + compact.slice(0, 4);
  let remainder = 0;
  for (const char of rearranged) {
    const code = char.charCodeAt(0);
    // Letters count as two digits (A = 10 … Z = 35); folding digit by digit keeps the number small.
    remainder = code >= 65 ? (remainder * 100 + (code - 55)) % 97 : (remainder * 10 + (code - 48)) % 97;
  }
  return remainder === 1;
}

function acceptIban(match: RegExpExecArray): { start: number; end: number } | undefined {
  const tokens = match[0].split(' ');
  for (let count = tokens.length; count >= 1; count--) {
    const candidate = tokens.slice(0, count).join(' ');
    if (isValidIban(candidate)) return { start: match.index, end: match.index + candidate.length };
  }
  return undefined;
}

function detectIbans(text: string): TSpan[] {
  return scanRegex(text, IBAN_CANDIDATE, 'iban', acceptIban);
}

// ---------------------------------------------------------------------------------------------------------------
// BSN after a keyword

/**
 * Right after words like "BSN" a resident means their number even when they mistype it or drop the leading zero
 * (an 8-digit BSN is a 9-digit one that lost a leading 0 in a spreadsheet), so here 8 or 9 digits are scrubbed
 * without the elfproef. "persoonsnummer" and "CRIB" are the BES-islands' own identification numbers.
 */
// Brackets are neither around the keyword nor between it and the number: the placeholder [BSN] is no keyword
// and cannot be bridged, so scrubbing already-scrubbed text changes nothing.
const BSN_AFTER_KEYWORD =
  /(?<![\p{L}\p{N}[])(?:bsn|burgerservicenummer|burger\s?service\s?nummer|sofi-?\s?nummer|sofi|persoonsnummer|crib(?:-?\s?nummer|\snumber)?|social\s?security\s?number)(?![\p{L}\]])[^\d\n[\]]{0,30}?(?<!\d)(\d(?:[ .-]?\d){7,8})(?![\p{L}\p{N}])/giu;

function detectBsnAfterKeyword(text: string): TSpan[] {
  return scanRegex(text, BSN_AFTER_KEYWORD, 'bsn', (match) => {
    const number = match[1];
    if (number === undefined) return undefined;
    const end = match.index + match[0].length;
    const start = end - number.length;
    // "BSN123456782" is one token: scrubbing only its digits would leave "BSN" glued to the placeholder, and free
    // what "BSN" was glued to on its other side ("x@mail.BSN…") for a second pass.
    return { start: isWordChar(text[start - 1]) ? match.index : start, end };
  });
}

// ---------------------------------------------------------------------------------------------------------------
// Numbers: phone numbers and BSNs

/**
 * Elfproef (11-check) of a 9-digit BSN: 9a+8b+7c+6d+5e+4f+3g+2h−1i ≡ 0 (mod 11), all zeros excluded. One random
 * 9-digit number in 11 passes, so ordinary 9-digit numbers mostly survive; those that pass are scrubbed even when
 * they were a case number, because telling them apart from a BSN is not possible from the digits.
 */
export function isValidBsn(digits: string): boolean {
  if (!/^\d{9}$/.test(digits) || /^0+$/.test(digits)) return false;
  let sum = 0;
  for (let i = 0; i < 8; i++) sum += (9 - i) * Number(digits[i]);
  sum -= Number(digits[8]);
  return sum % 11 === 0;
}

interface TDigitGroup {
  /** Where the group's text starts (its opening parenthesis, if any) and ends. */
  start: number;
  end: number;
  digits: string;
  /** The characters between the previous group and this one ('' for the first group of a run). */
  sep: string;
}

interface TDigitRun {
  groups: TDigitGroup[];
  /** The run is written with a leading `+` (international form). */
  plus: boolean;
  /** Glued to a letter or digit, or the tail of a decimal or time: not a number of its own. */
  gluedLeft: boolean;
  gluedRight: boolean;
}

const isDigit = (char: string | undefined): boolean => char !== undefined && char >= '0' && char <= '9';
const isWordChar = (char: string | undefined): boolean => char !== undefined && /[\p{L}\p{N}_]/u.test(char);
const isSpace = (char: string | undefined): boolean => char === ' ' || char === '\u00a0' || char === '\t';

/** Digits of one group; a Dutch area code may be written in parentheses: "(020) 123 4567". */
function readGroup(text: string, at: number): { digits: string; end: number } | undefined {
  let i = at;
  const paren = text[i] === '(';
  if (paren) i++;
  const digitsStart = i;
  while (isDigit(text[i])) i++;
  if (i === digitsStart) return undefined;
  const digits = text.slice(digitsStart, i);
  if (paren) {
    if (text[i] !== ')' || digits.length > 4) return undefined;
    i++;
  }
  return { digits, end: i };
}

/**
 * Reads what may stand between two groups: up to two spaces, at most one of - . / and up to two spaces again, or
 * the trunk prefix "(0)" of "+31 (0)6 …". Returns where the next group starts, or undefined when none follows.
 */
function readSeparator(text: string, at: number): { next: number; trunk: boolean } | undefined {
  let i = at;
  let spaces = 0;
  while (isSpace(text[i]) && spaces < 2) {
    i++;
    spaces++;
  }
  // " / " between numbers lists alternatives ("06 12345678 / 020 1234567"); it never sits inside one number.
  if (spaces > 0 && text[i] === '/') return undefined;
  if (text.startsWith('(0)', i)) {
    i += 3;
    if (isSpace(text[i])) i++;
    return isDigit(text[i]) ? { next: i, trunk: true } : undefined;
  }
  if (text[i] === '-' || text[i] === '.' || text[i] === '/') {
    i++;
    spaces = 0;
    while (isSpace(text[i]) && spaces < 2) {
      i++;
      spaces++;
    }
  }
  if (i === at) return undefined;
  if (isDigit(text[i]) || (text[i] === '(' && isDigit(text[i + 1]))) return { next: i, trunk: false };
  return undefined;
}

/** Splits the text into runs of digit groups in one left-to-right pass. */
function scanDigitRuns(text: string): TDigitRun[] {
  const runs: TDigitRun[] = [];
  let i = 0;
  while (i < text.length) {
    const startsGroup = isDigit(text[i]) || (text[i] === '(' && isDigit(text[i + 1]));
    if (!startsGroup) {
      i++;
      continue;
    }
    const first = readGroup(text, i);
    if (!first) {
      i++;
      continue;
    }
    const prev = text[i - 1];
    const plus = prev === '+';
    // A leading + bounds the number as a space would: the run before it ends at the + too ("…643+31 6 …"), so
    // neither may count the other as glued on, or scrubbing one would leave the other to a second pass.
    const gluedLeft = !plus && (isWordChar(prev) || ((prev === ',' || prev === '.' || prev === ':') && isDigit(text[i - 2])));
    const groups: TDigitGroup[] = [{ start: i, end: first.end, digits: first.digits, sep: '' }];
    let at = first.end;
    for (;;) {
      const sep = readSeparator(text, at);
      if (!sep) break;
      // The trunk "(0)" follows a country code ("+31 (0)6", "0031 (0)6") and nothing else: after any other number
      // it does not join the digits behind it to it ("123456782(0)2026").
      if (sep.trunk && !(groups.length === 1 && (plus || first.digits.startsWith('00')))) break;
      const group = readGroup(text, sep.next);
      if (!group) break;
      // The trunk "(0)" is dialled only from inside the country; it is not part of the international number.
      groups.push({ start: sep.next, end: group.end, digits: group.digits, sep: sep.trunk ? '(0)' : text.slice(at, sep.next) });
      at = group.end;
    }
    const next = text[at];
    const gluedRight = isWordChar(next) || ((next === ',' || next === ':') && isDigit(text[at + 1]));
    runs.push({ groups, plus, gluedLeft, gluedRight });
    i = at;
  }
  return runs;
}

/** A break inside a run where one number may end and another begin: whitespace or a slash between numbers. */
const isSoftBreak = (sep: string): boolean => /\s/.test(sep) || sep === '/';

/**
 * Day, month and a four-digit year with one repeated separator: "06-03-2026". Two-digit years are left out on
 * purpose: "06-12-34-56-78" is a phone number, not 6 December '34 and some digits.
 */
function isDateAt(groups: readonly TDigitGroup[], i: number): boolean {
  const [day, month, year] = [groups[i], groups[i + 1], groups[i + 2]];
  if (!day || !month || !year) return false;
  if (month.sep !== year.sep || !['-', '.', '/'].includes(month.sep)) return false;
  const d = Number(day.digits);
  const m = Number(month.digits);
  return (
    day.digits.length <= 2 && month.digits.length <= 2 && /^(?:19|20)\d\d$/.test(year.digits) &&
    d >= 1 && d <= 31 && m >= 1 && m <= 12
  );
}

/**
 * Local numbers without a country code in the Caribbean Netherlands are seven digits: Bonaire 7xx-xxxx (landlines
 * 715/717, mobiles 70x, 78x, 79x), Saba 41x-xxxx, St. Eustatius 31x-xxxx. Other 7-digit numbers (amounts, case
 * numbers) survive; "700-1000" as a range is the known casualty unless a count word follows.
 */
const CARIBBEAN_LOCAL_PREFIX = /^(?:7\d\d|41\d|31\d)/;

type TNumberKind = 'phone' | 'bsn';

/**
 * Exact lengths (country code included) for the codes our residents use, so a number followed by another one
 * ("+31 20 123 4567 2026") is not read as one long number: the Netherlands, the Caribbean Netherlands and
 * Curaçao (+599, with Curaçao's extra 9), Aruba, and +1 for Sint Maarten and the US. Elsewhere E.164's 8–15.
 */
const INTERNATIONAL_LENGTHS: readonly (readonly [string, readonly number[]])[] = [
  ['31', [11]],
  ['599', [10, 11]],
  ['297', [10]],
  ['1', [11]],
];

function isInternationalLength(body: string): boolean {
  const known = INTERNATIONAL_LENGTHS.find(([code]) => body.startsWith(code));
  if (known) return known[1].includes(body.length);
  return body.length >= 8 && body.length <= 15;
}

function sameSeparators(groups: readonly TDigitGroup[]): boolean {
  const first = groups[0]?.sep.trim() || groups[0]?.sep;
  return groups.every((group) => (group.sep.trim() || group.sep) === first);
}

/** Classifies groups i..j of a run, or undefined when they are not one phone number or BSN. */
function classifyNumber(text: string, run: TDigitRun, i: number, j: number): TNumberKind | undefined {
  const groups = run.groups.slice(i, j + 1);
  const digits = groups.map((group) => group.digits).join('');
  const firstGroup = groups[0];
  const lastGroup = groups[groups.length - 1];
  if (!firstGroup || !lastGroup || digits.length > 17) return undefined;
  const rest = groups.slice(1);

  // International: "+599 717 1234", "+31 (0)6 12345678", "0031612345678".
  const plus = run.plus && i === 0;
  if (plus || firstGroup.digits.startsWith('00')) {
    const body = plus ? digits : digits.slice(2);
    if (body[0] !== '0' && isInternationalLength(body)) return 'phone';
    if (plus) return undefined;
  }

  const money = precededByCurrency(text, firstGroup.start) || followedByCountWord(text, lastGroup.end);

  // Dutch national: 0 + 9 digits. The first group is the trunk plus area code ("06", "020", "0299") or the whole
  // number; the rest share one separator. Dates with times ("06-03-2026 10") are the near miss this excludes.
  if (digits.length === 10 && digits[0] === '0' && digits[1] !== '0') {
    const areaOk =
      firstGroup.digits.length === 10 ||
      (firstGroup.digits.length === 2 && firstGroup.digits === '06') ||
      firstGroup.digits.length === 3 ||
      firstGroup.digits.length === 4;
    const restOk = rest.every((group) => group.digits.length >= 2) && sameSeparators(rest.slice(1));
    if (areaOk && restOk && !isDateAt(run.groups, i)) {
      return 'phone';
    }
  }

  if (money) return undefined;

  // BSN as written on documents and by people: 123456782, 123.456.782, 123 456 782, 1234 56 782.
  if (digits.length === 9 && isValidBsn(digits)) {
    const shape = groups.map((group) => group.digits.length).join('-');
    const plainSeps = rest.every((group) => [' ', '.', '-'].includes(group.sep)) && sameSeparators(rest);
    if (shape === '9' || ((shape === '3-3-3' || shape === '4-2-3') && plainSeps)) return 'bsn';
  }

  if (digits.length === 7 && CARIBBEAN_LOCAL_PREFIX.test(digits)) {
    const shape = groups.map((group) => group.digits.length).join('-');
    const plainSeps = rest.every((group) => [' ', '-', '.'].includes(group.sep));
    if (shape === '7' || ((shape === '3-4' || shape === '3-2-2') && plainSeps)) return 'phone';
  }
  return undefined;
}

/** Enough for "+31 (0)6 12 34 56 78"; longer spans are not one number. */
const MAX_GROUPS_PER_NUMBER = 7;

/**
 * Finds phone numbers and BSNs inside each run of digit groups. A run may hold more than one number ("2026
 * 123456782"), so every sub-span that starts and ends at a soft break is tried, longest first; with at most
 * {@link MAX_GROUPS_PER_NUMBER} groups per sub-span the work stays linear.
 */
function detectNumbers(text: string): TSpan[] {
  const spans: TSpan[] = [];
  for (const run of scanDigitRuns(text)) {
    const last = run.groups.length - 1;
    // A run glued on at its start ("Kaya1234 123456782") is no number there, but may hold one after a soft break,
    // just as a run glued on at its end may hold one before.
    let i = run.gluedLeft ? 1 : 0;
    while (i <= last) {
      const group = run.groups[i];
      if (!group || (i > 0 && !isSoftBreak(group.sep))) {
        i++;
        continue;
      }
      let matched = false;
      for (let j = Math.min(last, i + MAX_GROUPS_PER_NUMBER - 1); j >= i; j--) {
        const after = run.groups[j + 1];
        if (after ? !isSoftBreak(after.sep) : run.gluedRight) continue;
        const kind = classifyNumber(text, run, i, j);
        const lastGroup = run.groups[j];
        if (kind && lastGroup) {
          const start = i === 0 && run.plus ? group.start - 1 : group.start;
          spans.push({ start, end: lastGroup.end, kind });
          i = j + 1;
          matched = true;
          break;
        }
      }
      if (!matched) i++;
    }
  }
  return spans;
}

// ---------------------------------------------------------------------------------------------------------------
// Addresses

/**
 * The end of a number in an address: no letter or digit, and nothing the number rules read as joining it to more
 * digits ("12.5", "12-345", the trunk "(0)" of "+31 (0)6"). An address ending inside such a token would leave the
 * rest standing free for a second pass.
 */
const NUMBER_END = String.raw`(?![\p{L}\p{N}]|[.,:-]\d|\s{0,2}\(0\)\s?\d)`;

/** A house number with an optional addition: 12, 12a, 12-3, 12-II, 12 A. */
const HOUSE_NUMBER = String.raw`\d{1,5}(?:[a-zA-Z](?![\p{L}])|-[\p{L}\p{N}]{1,4}(?![\p{L}\p{N}])| [A-Z](?![\p{L}]))?${NUMBER_END}`;

/**
 * A Dutch postcode: four digits (no leading zero) and two letters; PostNL never issues SA, SD or SS. Followed by
 * neither a letter nor a hyphen, so "2020 EU-regels" is not one.
 */
const POSTCODE = /(?<![\p{L}\p{N}])[1-9]\d{3}( ?)([a-z]{2})(?![\p{L}\p{N}-])/giu;
const NEVER_ISSUED_POSTCODE_LETTERS = new Set(['SA', 'SD', 'SS']);

/**
 * Digits joined to the ones before by a separator that does not end a number ("123456782-2026ab", "…782(0)2026ab"):
 * the number rules read the whole as one glued token, so the postcode rule must too. Were the tail scrubbed alone,
 * the number before it would stand free for the next pass (see the detectors' rule below).
 */
const JOINED_TO_A_NUMBER_BEFORE = /\d(?:[-.]|\s{0,2}\(0\)[ \t\u00a0]?)$/;

function joinedToANumberBefore(text: string, start: number): boolean {
  return JOINED_TO_A_NUMBER_BEFORE.test(text.slice(Math.max(0, start - 8), start));
}

/**
 * Letter pairs that, after four digits, are much more often a unit, an ordinal or a clock time than a postcode
 * ("1500km", "2000th", "1030am"). They still count as a postcode when a house number or street comes with them.
 */
const UNIT_LIKE_LETTERS = new Set([
  'km', 'kg', 'mg', 'ml', 'cm', 'mm', 'dl', 'cl', 'gb', 'mb', 'kb', 'tb', 'kw', 'mw', 'hz', 'st', 'nd', 'rd',
  'th', 'am', 'pm', 'pk', 'ha',
]);

// The number after a postcode may be the next postcode in a list ("1234 AB 5678 CD"), not a house number.
const HOUSE_NUMBER_AFTER_POSTCODE = new RegExp(
  String.raw`,?\s{0,2}(?:(?:[Nn]r|[Nn]o|[Hh]uisnummer)\.?\s?)?(?![1-9]\d{3} ?[a-zA-Z]{2}(?![\p{L}\p{N}-]))${HOUSE_NUMBER}`,
  'uy',
);

/** "March 12, 2026 at" is a date, not a street called March. */
const MONTHS = new Set([
  'january', 'february', 'march', 'april', 'may', 'june', 'july', 'august', 'september', 'october', 'november',
  'december', 'jan', 'feb', 'mar', 'apr', 'jun', 'jul', 'aug', 'sep', 'sept', 'oct', 'nov', 'dec',
  'januari', 'februari', 'maart', 'mei', 'juni', 'juli', 'augustus', 'oktober', 'okt', 'mrt',
  'yanüari', 'yanuari', 'febrüari', 'februari', 'mart', 'aprel', 'yüni', 'yuni', 'yüli', 'yuli', 'ougùstùs',
  'ougustus', 'sèptèmber', 'òktober', 'novèmber', 'desèmber', 'desember',
]);

/** Particles inside street names ("Laan van Meerdervoort", "Burgemeester de Vlugtlaan", "Kaya di Pos"). */
const STREET_PARTICLES = new Set(['van', 'de', 'der', 'den', 'het', "'t", 'ter', 'ten', 'te', 'op', 'aan', 'in', 'bij', 'di', 'la', 'del']);

const DUTCH_STREET_SUFFIXES = [
  'straat', 'laan', 'weg', 'plein', 'gracht', 'kade', 'singel', 'dijk', 'steeg', 'pad', 'hof', 'park', 'dreef',
  'markt', 'plantsoen', 'boulevard', 'allee', 'kanaal', 'hoven', 'erf',
] as const;
const ENDS_WITH_STREET_SUFFIX = new RegExp(`(?:${DUTCH_STREET_SUFFIXES.join('|')})$`, 'iu');

const isCapitalised = (word: string): boolean => /^\p{Lu}/u.test(word);

/**
 * Walks back from a postcode over "Kerkstraat 12, " to find where the street starts. Hand-written rather than an
 * end-anchored regex, which would be retried from every earlier position; each step here is bounded.
 */
function streetBeforePostcode(text: string, postcodeStart: number): { start: number; suffixed: boolean } | undefined {
  let k = postcodeStart;
  while (k > 0 && isSpace(text[k - 1])) k--;
  if (text[k - 1] === ',') k--;
  while (k > 0 && isSpace(text[k - 1])) k--;
  // House number with an optional letter or "-addition".
  const tail = /(?<![\p{L}\p{N}])\d{1,5}(?:[a-zA-Z]|-[\p{L}\p{N}]{1,4})?$/u.exec(text.slice(Math.max(0, k - 12), k));
  if (!tail) return undefined;
  k -= tail[0].length;
  if (!isSpace(text[k - 1])) return undefined;
  const words: { start: number; word: string }[] = [];
  for (let count = 0; count < 5; count++) {
    let end = k;
    while (end > 0 && isSpace(text[end - 1])) end--;
    let start = end;
    while (start > 0 && end - start < 40 && /[\p{L}.'-]/u.test(text[start - 1] ?? '')) start--;
    const word = text.slice(start, end);
    if (word === '' || isWordChar(text[start - 1])) break;
    const nearest = words.length === 0;
    const ok = nearest
      ? (isCapitalised(word) || ENDS_WITH_STREET_SUFFIX.test(word)) && !MONTHS.has(word.replace(/\.$/, '').toLowerCase())
      : isCapitalised(word) || STREET_PARTICLES.has(word.toLowerCase());
    if (!ok) break;
    words.push({ start, word });
    k = start;
  }
  // A street name does not begin with a lowercase particle: "woon op Kerkstraat 12" keeps "op".
  while (words.length > 1 && !isCapitalised(words[words.length - 1]?.word ?? '')) words.pop();
  const first = words[words.length - 1];
  const nearest = words[0];
  if (!first || !nearest) return undefined;
  return { start: first.start, suffixed: ENDS_WITH_STREET_SUFFIX.test(nearest.word) };
}

/**
 * A postcode with a house number ("1234 AB 12"), with a street before it ("Kerkstraat 12, 1234 AB"), or alone.
 * A postcode alone narrows a resident down to one side of one street (about 20 addresses), so it is scrubbed
 * too — but only in the shapes people use for postcodes: capital letters ("1234 AB", "1234AB") or lower case
 * written together ("1234ab"). Four digits, a space and two lower-case letters are far more often a year and a
 * word ("2025 en 2026", "in 2026 we") and count only after a street such as "kerkstraat 12, 1234 ab". The town
 * after a postcode stays: it is rarely identifying on its own and analysts use it.
 */
function detectPostcodeAddresses(text: string): TSpan[] {
  return scanRegex(text, POSTCODE, 'address', (match) => {
    const letters = match[2] ?? '';
    const spaced = match[1] === ' ';
    if (NEVER_ISSUED_POSTCODE_LETTERS.has(letters.toUpperCase())) return undefined;
    if (joinedToANumberBefore(text, match.index)) return undefined;
    let end = match.index + match[0].length;
    HOUSE_NUMBER_AFTER_POSTCODE.lastIndex = end;
    const house = HOUSE_NUMBER_AFTER_POSTCODE.exec(text);
    const hasHouseNumber = house !== null && !followedByCountWord(text, HOUSE_NUMBER_AFTER_POSTCODE.lastIndex);
    if (hasHouseNumber) end = HOUSE_NUMBER_AFTER_POSTCODE.lastIndex;
    const street = streetBeforePostcode(text, match.index);
    const upper = letters === letters.toUpperCase();
    const lower = letters === letters.toLowerCase();
    const postcodeShape = upper || (lower && !spaced);
    const streetOk = street !== undefined && (postcodeShape || street.suffixed);
    if (streetOk) return { start: street.start, end };
    if (!postcodeShape) return undefined;
    if (hasHouseNumber) return { start: match.index, end };
    if (UNIT_LIKE_LETTERS.has(letters.toLowerCase())) return undefined;
    return { start: match.index, end: match.index + match[0].length };
  });
}

/**
 * Street names ending in a Dutch street word, with a number: "Kerkstraat 12", "Fort Oranjestraat 3" (St.
 * Eustatius). Residents type "kerkstraat 12" too, so the street word may be lower case; it needs at least one
 * letter before the suffix, so the bare words "weg 2" or "hof 3" are not streets. Up to two capitalised words
 * before it belong to the name ("Fort Oranjestraat", "Van Heemstraweg" has one); a capitalised word that starts a
 * sentence goes with it, which costs a word, not a detail. No `i` flag: under it `\p{Lu}` matches any letter.
 */
const DUTCH_STREET = new RegExp(
  String.raw`(?<![\p{L}\p{N}])(?:\p{Lu}[\p{L}'.-]{0,30}\s{1,2}){0,2}[\p{L}'-]{1,40}?(?:${DUTCH_STREET_SUFFIXES.join('|')})\s{1,2}(?:(?:[Nn]r|[Nn]o|[Nn]ummer)\.?\s?)?${HOUSE_NUMBER}`,
  'gu',
);

/**
 * Caribbean addresses have no postcode. On Bonaire and Curaçao a street is "Kaya …" (also Kaminda, Plasa,
 * Avenida): "Kaya Grandi 12", "Kaya Gob. N. Debrot #44", "kaya korona number 5". The word after Kaya is what makes
 * it a street name, so any case is accepted, but not when a name word is a common function word — "e kaya tin 3
 * buraku" ("the street has 3 holes") is feedback, not an address. "Kaya Grandi" without a number survives.
 */
const PAPIAMENTU_STREET = new RegExp(
  String.raw`(?<![\p{L}\p{N}])(?:kaya|kaminda|plasa|avenida)((?:\s{1,2}[\p{L}][\p{L}'.-]{0,30}){1,4})\s{0,2}(?:(?:#|nr\.?|no\.?|num\.?|number|numero|nùmer)\s?)?(\d{1,4}(?:[a-z](?![\p{L}]))?)${NUMBER_END}`,
  'giu',
);

const NOT_A_STREET_NAME = new Set([
  // pap
  'a', 'e', 'ta', 'tin', 'no', 'ku', 'pa', 'mi', 'bo', 'nan', 'nos', 'boso', 'un', 'den', 'for', 'riba', 'te',
  'ma', 'i', 'o', 'tabata', 'lo', 'sa', 'ya', 'tambe', 'mas', 'hopi', 'ke', 'kos', 'awor', 'semper', 'nunka',
  'ora', 'ki', 'kon', 'unda', 'ei', 'aki', 'djis', 'solamente', 'bai', 'bin', 'sushi', 'malu', 'bon',
  // nl
  'is', 'was', 'heeft', 'had', 'en', 'op', 'naar', 'voor', 'al', 'nog', 'ook', 'er', 'met', 'na', 'om', 'dan',
  // en
  'the', 'has', 'and', 'for', 'at', 'on', 'to', 'with', 'after', 'about', 'only', 'since',
]);

function detectPapiamentuStreets(text: string): TSpan[] {
  return scanRegex(text, PAPIAMENTU_STREET, 'address', (match) => {
    const words = (match[1] ?? '').trim().split(/\s+/);
    if (words.some((word) => NOT_A_STREET_NAME.has(word.replace(/\.$/, '').toLowerCase()))) return undefined;
    const span = whole(match);
    return followedByCountWord(text, span.end) ? undefined : span;
  });
}

const ENGLISH_STREET_TYPES = 'Road|Street|Lane|Avenue|Drive|Boulevard|Rd|St|Ave|Hill|Close|Court';

/**
 * English street names on Saba and St. Eustatius, in both orders ("12 Rosemary Lane", "Rosemary Lane 12"). Only
 * capitalised names count: in English a street is written capitalised, while "after 2 hours on the road" is not.
 */
const ENGLISH_STREET_NUMBER_FIRST = new RegExp(
  String.raw`(?<![\p{L}\p{N}])(?:#\s?)?\d{1,5}[a-zA-Z]?,?\s{1,2}(?:\p{Lu}[\p{L}'-]{0,30}\s{1,2}){1,3}(?:${ENGLISH_STREET_TYPES})\.?(?![\p{L}\p{N}])`,
  'gu',
);
const ENGLISH_STREET_NAME_FIRST = new RegExp(
  String.raw`(?<![\p{L}\p{N}])(?:\p{Lu}[\p{L}'-]{0,30}\s{1,2}){1,3}(?:${ENGLISH_STREET_TYPES})\.?,?\s{1,2}(?:(?:#|No\.?|Nr\.?|Number)\s?)?${HOUSE_NUMBER}`,
  'gu',
);

function detectStreetsWithNumber(text: string, pattern: RegExp): TSpan[] {
  return scanRegex(text, pattern, 'address', (match) => {
    const span = whole(match);
    return followedByCountWord(text, span.end) ? undefined : span;
  });
}

// ---------------------------------------------------------------------------------------------------------------
// Names

/**
 * A name has no shape of its own, so this pass reads words rather than characters, left to right, and decides by
 * what a word is and what stands before it. One [NAME] replaces a whole name: its first word with the initials,
 * surname particles and capitalised words that follow ("Jan de Vries", "J.P. van den Berg", "Shurandy Martis").
 * A name starts at
 *  - a capitalised first name from names/firstNames.json, anywhere in a sentence;
 *  - any capitalised word after a title ("mevrouw", "shon", "Mr.") or after an introduction or closing ("ik heet",
 *    "mi nomber ta", "regards"): there the lists are not needed, as the frame says a name follows;
 *  - after "ik ben", "mi ta" or "I am", which as often describe the resident ("mi ta hopi kontentu", "I am very
 *    satisfied"), only a capitalised word or a first name: lower-case words are what people are, not who.
 * Capitalised words of the survey's own world (names/notNames.json: places, organisations, months, languages and
 * common words that people capitalise) are not taken for a name after a frame nor for a surname, so "mi ta Aruba"
 * and "Jan van de Gemeente" keep them. The lists are data so that they can grow without touching the rules; every
 * lookup is a Set built once here, and every word is looked at a bounded number of times.
 *
 * What a word list cannot promise, and this pass does not: a surname on its own ("Jansen belde"), a name typed in
 * lower case outside a frame ("jan belde"), or a first name missing from the lists with no frame or title before it.
 */

/** Lower case without accents or typographic apostrophes: "José", "JOSE" and "Jose" are one key. */
function foldName(word: string): string {
  // Every word of the text is folded; most are plain ASCII, for which Unicode normalisation is wasted work.
  // eslint-disable-next-line no-control-regex -- the whole ASCII range, control characters included, is plain
  if (!/[^\x00-\x7f]/.test(word)) return word.toLowerCase();
  return word.normalize('NFD').replace(/\p{M}/gu, '').replace(/’/g, "'").toLowerCase();
}

const foldedSet = (words: readonly string[]): ReadonlySet<string> => new Set(words.map(foldName));
const withoutFullStop = (entry: string): string => (entry.endsWith('.') ? entry.slice(0, -1) : entry);

const FIRST_NAMES = foldedSet([...firstNames.dutch, ...firstNames.caribbean, ...firstNames.english]);

/**
 * First names that are also everyday words ("Will", "Hope", "Mark", Dutch "Roos", "Ben", "Dan"). Capitalised in
 * the middle of a sentence they are names; at the start of one, where every word is capitalised ("Will you call
 * me back?", "Ben erg tevreden"), only when a surname follows ("Will Smith"). The choice costs the odd "Grace"
 * written for grace, and keeps the sentence openers.
 */
const ORDINARY_WORD_NAMES = foldedSet(firstNames.alsoOrdinaryWords);

/** Places, organisations, months and days, languages: capitalised, and no one's name even after "van de". */
const NAMED_THINGS = foldedSet([...notNames.places, ...notNames.organisations, ...notNames.calendar, ...notNames.languagesAndBeliefs]);

/**
 * Capitalised words that are no one's name. A first name that is also one of these ("May", "June", Dutch "Frans"
 * for French) counts only after a title or an introduction, or with a surname: "in May" and "ik spreek Frans" stay.
 * Common words are surnames after a particle, though: "de Jong", "van der Meer".
 */
const NOT_NAMES = new Set([...NAMED_THINGS, ...foldedSet([...notNames.words.nl, ...notNames.words.pap, ...notNames.words.en])]);

/** "Sint Maarten", "Santa Lucia", "Kaya Simon Bolivar", "Koningin Juliana": a place or a head of state. */
const PLACE_PREFIXES = foldedSet(notNames.placePrefixes.map(withoutFullStop));

/**
 * "Rosemary Lane", "Juliana Straat": a street named after someone. Not "Hill", "Dijk" or "Park", which are
 * surnames as often.
 */
const STREET_WORDS = foldedSet(notNames.streetWords);

/**
 * "Anne Frankstraat", "Jan van Galenlaan". Only endings that common surnames do not have: "-dijk", "-hof" and
 * "-weg" end surnames as often as streets (Van Dijk, Nijhof, Verweg).
 */
const STREET_SUFFIXES: readonly string[] = notNames.streetSuffixes;

const NAME_LANGUAGES = [nameFrames.nl, nameFrames.pap, nameFrames.en] as const;

const SURNAME_PARTICLES = foldedSet(NAME_LANGUAGES.flatMap((language) => language.surnameParticles));
const PARTICLE_FIRST_WORDS = new Set([...SURNAME_PARTICLES].map((particle) => particle.split(' ')[0]));
const MAX_PARTICLE_WORDS = Math.max(...[...SURNAME_PARTICLES].map((particle) => particle.split(' ').length));

/**
 * What stands before a name decides how sure we may be that one follows: nothing ('none'); a title or a frame that
 * only ever introduces a name ('introduction', 'salutation': "Beste", "groeten"); or one that may as well
 * describe ('selfDescription').
 */
type TNameContext = 'none' | 'title' | 'introduction' | 'selfDescription' | 'salutation';

interface TFrame {
  words: readonly string[];
  context: TNameContext;
  /** "thanks," and "naam:" need their comma or colon: "thanks Teams" is no signature. */
  punctuation: string | undefined;
}

function parseFrame(entry: string, context: TNameContext): TFrame {
  const punctuation = entry.endsWith(',') || entry.endsWith(':') ? entry.slice(-1) : undefined;
  const words = (punctuation ? entry.slice(0, -1) : entry).split(' ').map(foldName);
  return { words, context, punctuation };
}

/** Frames by their first word, longest first, so "mi ta yama" wins over "mi ta". */
const FRAMES_BY_FIRST_WORD = new Map<string, TFrame[]>();
for (const language of NAME_LANGUAGES) {
  const frames = [
    ...language.introductions.map((entry) => parseFrame(entry, 'introduction')),
    ...language.selfDescriptions.map((entry) => parseFrame(entry, 'selfDescription')),
    ...language.greetings.map((entry) => parseFrame(entry, 'salutation')),
    ...language.closings.map((entry) => parseFrame(entry, 'salutation')),
  ];
  for (const frame of frames) {
    const [first] = frame.words;
    if (first === undefined) continue;
    FRAMES_BY_FIRST_WORD.set(first, [...(FRAMES_BY_FIRST_WORD.get(first) ?? []), frame]);
  }
}
for (const frames of FRAMES_BY_FIRST_WORD.values()) frames.sort((a, b) => b.words.length - a.words.length);

/**
 * Titles by key, the full stop dropped ("dhr." and "dhr" are one title). One written with a capital in
 * frames.json ("Miss") counts only when capitalised in the text too: "I miss the old office".
 */
const TITLES = new Map(
  NAME_LANGUAGES.flatMap((language) => language.titles).map((entry) => [foldName(withoutFullStop(entry)), { capitalOnly: isCapitalised(entry) }]),
);

/** A name of more parts than this is read as two names: it bounds the look-ahead from every word. */
const MAX_NAME_PARTS = 6;
/** The longest gap between a frame and its name that is still read: "groet,\r\n\r\nJan". */
const MAX_GAP = 8;

interface TWord {
  start: number;
  end: number;
  text: string;
  /** Lookup form of the whole word, for frames and titles ("name's" of "my name's"). */
  key: string;
  /** The word without a possessive "'s", which stays in the text: "Jan's fiets" becomes "[NAME]'s fiets". */
  nameEnd: number;
  nameKey: string;
  possessive: boolean;
  /** Glued to no letter, digit or underscore, so that replacing it frees no neighbour for a second pass. */
  free: boolean;
  /** The characters since the previous word, when there are at most {@link MAX_GAP}. */
  gap: string | undefined;
  /** First word of the text, of a line or of a sentence. */
  sentenceStart: boolean;
  /** A month-like word next to a number is a date: "Jan 15", "15 jan.". */
  nextToNumber: boolean;
  /** A capital letter followed by a full stop. */
  initial: boolean;
}

// Parts joined by a mandatory apostrophe or hyphen cannot overlap, so the match is linear.
const WORD = /[\p{L}\p{M}]+(?:['’-][\p{L}\p{M}]+)*/gu;
const isApostrophe = (char: string | undefined): boolean => char === "'" || char === '’';
const isShouted = (word: string): boolean => word.length > 1 && /^\p{Lu}\p{Lu}/u.test(word);

function digitNear(text: string, at: number, step: 1 | -1): boolean {
  let i = at;
  if (step === 1 && (text[i] === '.' || text[i] === ',')) i++;
  for (let spaces = 0; spaces < 2 && isSpace(text[i]); spaces++) i += step;
  return isDigit(text[i]);
}

function readWords(text: string): TWord[] {
  const words: TWord[] = [];
  let previousEnd = 0;
  for (const match of text.matchAll(WORD)) {
    const [letters] = match;
    const end = match.index + letters.length;
    // "'t Hart", "van 't Veer": the elided article is a particle of its own.
    const elided = letters.length === 1 && isApostrophe(text[match.index - 1]) && !isWordChar(text[match.index - 2]);
    const start = elided ? match.index - 1 : match.index;
    const possessive = letters.length > 2 && isApostrophe(letters[letters.length - 2]) && (letters.endsWith('s') || letters.endsWith('S'));
    const nameEnd = possessive ? end - 2 : end;
    const separator = text.slice(previousEnd, start);
    const word = text.slice(start, end);
    const key = foldName(word);
    words.push({
      start,
      end,
      text: word,
      key,
      nameEnd,
      nameKey: possessive ? key.slice(0, -2) : key,
      possessive,
      free: !isWordChar(text[start - 1]) && !isWordChar(text[end]),
      gap: separator.length <= MAX_GAP ? separator : undefined,
      sentenceStart: words.length === 0 || /[.!?\n]/.test(separator),
      nextToNumber: digitNear(text, start - 1, -1) || digitNear(text, end, 1),
      initial: letters.length === 1 && /\p{Lu}/u.test(letters) && text[end] === '.',
    });
    previousEnd = end;
  }
  return words;
}

const NAME_GAP = /^[ \t\u00a0]{1,2}$/;
const AFTER_INITIAL_GAP = /^\.[ \t\u00a0]{0,2}$/;
/** After a title or place prefix, with or without its full stop: "Mr. Smith", "dhr Jansen", "St.Maarten". */
const AFTER_ABBREVIATION_GAP = /^\.?[ \t\u00a0]{0,2}$/;
/** Spaces, line breaks and the punctuation of "Groeten, Jan", "Naam: Jan", "Regards -- John". */
const AFTER_FRAME_GAP = /^[\s,:;–—-]{1,8}$/u;

function joinsName(previous: TWord, next: TWord): boolean {
  if (next.gap === undefined || previous.possessive) return false;
  return (previous.initial ? AFTER_INITIAL_GAP : NAME_GAP).test(next.gap);
}

/** How many words from `at` form a surname particle ("van der" is two), or 0. */
function particleAt(words: readonly TWord[], at: number): number {
  if (!PARTICLE_FIRST_WORDS.has(words[at]?.key)) return 0;
  for (let count = MAX_PARTICLE_WORDS; count >= 1; count--) {
    const candidate = words.slice(at, at + count);
    if (candidate.length < count || !candidate.every((word, i) => word.free && (i === 0 || NAME_GAP.test(word.gap ?? '')))) continue;
    if (SURNAME_PARTICLES.has(candidate.map((word) => word.key).join(' '))) return count;
  }
  return 0;
}

function isSurname(word: TWord, shouted: boolean, afterParticle: boolean): boolean {
  const key = word.nameKey;
  return (
    word.nameEnd - word.start > 1 && isCapitalised(word.text) && (shouted || !isShouted(word.text)) &&
    !(afterParticle ? NAMED_THINGS : NOT_NAMES).has(key) && !STREET_WORDS.has(key) && !PLACE_PREFIXES.has(key) &&
    !SURNAME_PARTICLES.has(key)
  );
}

/** "Jan-Willem", "Anna-Maria": a double first name is listed when its first half is. */
function isListedFirstName(key: string): boolean {
  const hyphen = key.indexOf('-');
  return FIRST_NAMES.has(key) || (hyphen > 0 && FIRST_NAMES.has(key.slice(0, hyphen)));
}

/** Whether a name's first word is one: surely, only when a surname follows it, or not. */
function firstWordVerdict(word: TWord, context: TNameContext): 'name' | 'withSurname' | 'no' {
  const key = word.nameKey;
  // Words that decide whether their neighbour is a name are never part of one, or replacing them would change that
  // decision on a second pass ("Dan Mevrouw Lane").
  if (word.nameEnd - word.start < 2 || SURNAME_PARTICLES.has(key) || STREET_WORDS.has(key) || PLACE_PREFIXES.has(key)) return 'no';
  const listed = isListedFirstName(key);
  const capital = isCapitalised(word.text);
  const vocabulary = NOT_NAMES.has(key);
  const lowerCaseName = !capital && listed && !vocabulary && !ORDINARY_WORD_NAMES.has(key);
  switch (context) {
    case 'title':
    case 'introduction':
    case 'salutation':
      return (capital && (listed || (!vocabulary && !isShouted(word.text)))) || lowerCaseName ? 'name' : 'no';
    case 'selfDescription':
      if (capital && !vocabulary && (listed || !isShouted(word.text))) return 'name';
      if (capital && listed) return 'withSurname';
      return lowerCaseName ? 'name' : 'no';
    case 'none':
      if (!capital || !listed || (MONTHS.has(key) && word.nextToNumber)) return 'no';
      return vocabulary || (ORDINARY_WORD_NAMES.has(key) && word.sentenceStart) ? 'withSurname' : 'name';
  }
}

/** Particles may open a name only where a name is expected: "meneer de Vries", "Groeten, van Dijk". */
function particleMayStart(word: TWord, context: TNameContext): boolean {
  if (context === 'none') return false;
  return context !== 'selfDescription' || isCapitalised(word.text);
}

function followsPlacePrefix(words: readonly TWord[], at: number): boolean {
  const previous = words[at - 1];
  const word = words[at];
  return previous !== undefined && word?.gap !== undefined && PLACE_PREFIXES.has(previous.key) && AFTER_ABBREVIATION_GAP.test(word.gap);
}

function isStreetName(words: readonly TWord[], from: number, last: number): boolean {
  const after = words[last + 1];
  if (after && joinsName(words[last]!, after) && STREET_WORDS.has(after.key)) return true;
  return words
    .slice(from, last + 1)
    .some((word) => STREET_SUFFIXES.some((suffix) => word.nameKey.length > suffix.length && word.nameKey.endsWith(suffix)));
}

/** The index of the last word of the name that starts at `from`, or undefined when none does. */
function readName(words: readonly TWord[], from: number, context: TNameContext): number | undefined {
  const first = words[from];
  if (!first?.free || followsPlacePrefix(words, from)) return undefined;
  const shouted = isShouted(first.text);
  let last: number | undefined;
  let needsSurname = false;
  let afterParticle = false;
  let at = from;
  for (let parts = 0; parts < MAX_NAME_PARTS; parts++) {
    const word = words[at];
    if (!word?.free || (at > from && !joinsName(words[at - 1]!, word))) break;
    if (word.initial) {
      at++;
      continue;
    }
    const particle = particleAt(words, at);
    // A particle opens a name only before a surname: in "Groeten van Jan" the "van" is the sentence's.
    if (particle > 0 && (at > from || (particleMayStart(word, context) && !isListedFirstName(words[at + particle]?.nameKey ?? '')))) {
      at += particle;
      afterParticle = true;
      continue;
    }
    if (at === from) {
      const verdict = firstWordVerdict(word, context);
      if (verdict === 'no') break;
      needsSurname = verdict === 'withSurname';
    } else if (!isSurname(word, shouted, afterParticle)) {
      break;
    }
    last = at;
    // "Jansen-de Jong": a double surname may end in the particle of the next.
    afterParticle = SURNAME_PARTICLES.has(word.nameKey.slice(word.nameKey.lastIndexOf('-') + 1));
    at++;
  }
  if (last === undefined || (needsSurname && last === from) || isStreetName(words, from, last)) return undefined;
  return last;
}

interface TLead {
  /** The word after the frame or title. */
  next: number;
  context: TNameContext;
  /** Only spaces and the expected punctuation stand between it and that word, so a name may follow. */
  open: boolean;
}

function titleAt(words: readonly TWord[], at: number): TLead | undefined {
  const word = words[at];
  const title = word?.free ? TITLES.get(word.key) : undefined;
  if (!word || !title || (title.capitalOnly && !isCapitalised(word.text))) return undefined;
  const gap = words[at + 1]?.gap;
  return { next: at + 1, context: 'title', open: gap !== undefined && AFTER_ABBREVIATION_GAP.test(gap) };
}

/** A frame or title that starts at `at`; a frame followed by a title leads to the title's name ("groet, Fam. Smit"). */
function leadAt(words: readonly TWord[], at: number): TLead | undefined {
  const word = words[at];
  if (!word?.free) return undefined;
  for (const frame of FRAMES_BY_FIRST_WORD.get(word.key) ?? []) {
    const matched = frame.words.every((key, i) => {
      const candidate = words[at + i];
      return candidate?.free && candidate.key === key && (i === 0 || NAME_GAP.test(candidate.gap ?? ''));
    });
    if (!matched) continue;
    const next = at + frame.words.length;
    const gap = words[next]?.gap;
    const open = gap !== undefined && AFTER_FRAME_GAP.test(gap) && (!frame.punctuation || gap.includes(frame.punctuation));
    const title = open ? titleAt(words, next) : undefined;
    return title ?? { next, context: frame.context, open };
  }
  return titleAt(words, at);
}

function detectNames(text: string): TSpan[] {
  const words = readWords(text);
  const spans: TSpan[] = [];
  let at = 0;
  while (at < words.length) {
    const lead = leadAt(words, at);
    // The words of a frame never start a name themselves: "Ik Ben blij" keeps its "Ben".
    const from = lead?.next ?? at;
    const last = lead && !lead.open ? undefined : readName(words, from, lead?.context ?? 'none');
    if (last === undefined) {
      at = lead?.next ?? at + 1;
      continue;
    }
    spans.push({ start: words[from]!.start, end: words[last]!.nameEnd, kind: 'name' });
    at = last + 1;
  }
  return spans;
}

const DETECTORS: readonly ((text: string) => TSpan[])[] = [
  detectEmails,
  detectIbans,
  detectBsnAfterKeyword,
  detectNumbers,
  detectPostcodeAddresses,
  (text) => detectStreetsWithNumber(text, DUTCH_STREET),
  detectPapiamentuStreets,
  (text) => detectStreetsWithNumber(text, ENGLISH_STREET_NAME_FIRST),
  (text) => scanRegex(text, ENGLISH_STREET_NUMBER_FIRST, 'address', (match) => (joinedToANumberBefore(text, match.index) ? undefined : whole(match))),
  detectNames,
];
