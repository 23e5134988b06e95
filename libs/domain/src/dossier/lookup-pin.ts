/**
 * The citizen's look-up PIN (printed on the receipt, asked by `GET /public/dossiers/{code}?pin=`):
 * six characters of an alphabet without look-alikes (no 0/O, 1/I/L, 2/Z, 5/S, 8/B), so that it
 * reads back from paper without doubt: 25^6 ≈ 2.4·10^8 values. The application draws it with a
 * cryptographic generator; the domain only checks its shape.
 */
export const LOOKUP_PIN_ALPHABET = '34679ACDEFGHJKMNPQRTUVWXY';
export const LOOKUP_PIN_LENGTH = 6;

const PIN = new RegExp(`^[${LOOKUP_PIN_ALPHABET}]{${LOOKUP_PIN_LENGTH}}$`);

/** True for a string of the PIN's shape (exact case: the alphabet is upper-case). */
export function isLookupPin(value: unknown): value is string {
  return typeof value === 'string' && PIN.test(value);
}
