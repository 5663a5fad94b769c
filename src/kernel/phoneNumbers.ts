import libphonenumber from 'google-libphonenumber';

// A CommonJS package: Node's ESM loader (the CLI, the built service) sees only its default export.
const { PhoneNumberFormat, PhoneNumberType, PhoneNumberUtil } = libphonenumber;

const phoneNumbers = PhoneNumberUtil.getInstance();

/** Regions libphonenumber knows (NL, BQ for Bonaire, Saba and St. Eustatius, CW, …): what an organisation may choose. */
export function isPhoneRegion(region: string): boolean {
  return (phoneNumbers.getSupportedRegions() as string[]).includes(region);
}

/** Types of number that can receive a text message; a fixed line cannot, an unknown type is not risked. */
const TEXTABLE = new Set<number>([PhoneNumberType.MOBILE, PhoneNumberType.FIXED_LINE_OR_MOBILE]);

export type TMobileNumber = { ok: true; e164: string } | { ok: false; problem: 'not-a-number' | 'not-mobile' };

/**
 * A number as staff type it (spaces, dashes, brackets, 06…, +599 …, 00 44 …) in E.164, read in `region` when it has
 * no country code: "7001234" is +5997001234 for an organisation on Bonaire and not a number at all for one in NL.
 */
export function mobileNumberOf(input: string, region: string): TMobileNumber {
  let parsed;
  try {
    parsed = phoneNumbers.parse(input, region);
  } catch {
    return { ok: false, problem: 'not-a-number' };
  }
  if (!phoneNumbers.isValidNumber(parsed)) return { ok: false, problem: 'not-a-number' };
  if (!TEXTABLE.has(phoneNumbers.getNumberType(parsed))) return { ok: false, problem: 'not-mobile' };
  return { ok: true, e164: phoneNumbers.format(parsed, PhoneNumberFormat.E164) };
}
