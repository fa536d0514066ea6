// Object ids as git prints them in full: 40 hex digits (SHA-1) or 64 (SHA-256); all zeros for "none".
export const FULL_OID = /^[0-9a-f]{40}(?:[0-9a-f]{24})?$/;
export const ZERO_OID = /^0+$/;

export function isFullOid(text: string): boolean {
  return FULL_OID.test(text);
}

export function isZeroOid(oid: string): boolean {
  return ZERO_OID.test(oid);
}
