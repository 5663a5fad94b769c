export const CONTACT_METHODS = ['phone', 'email'] as const;
export type TContactMethod = (typeof CONTACT_METHODS)[number];

/**
 * A simple check of a phone number or e-mail address a resident gives for a call-back; returns the detail
 * to store, or undefined when it does not look like one. Deliberately lenient: staff read it, not a machine,
 * and a resident on Bonaire writes +599 numbers differently from one in Utrecht.
 */
export function validContactDetail(method: TContactMethod, input: string): string | undefined {
  const trimmed = input.trim();
  if (method === 'phone') {
    if (!/^\+?[\d\s().-]+$/.test(trimmed)) return undefined;
    const digits = trimmed.replace(/[^\d]/g, '');
    if (digits.length < 7 || digits.length > 15) return undefined;
    return `${trimmed.startsWith('+') ? '+' : ''}${digits}`;
  }
  if (trimmed.length > 254 || !/^[^\s@]+@[^\s@]+\.[^\s@]{2,}$/.test(trimmed)) return undefined;
  return trimmed;
}
