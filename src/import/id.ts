import { createHash } from 'node:crypto';

/** RFC 9562 namespace for URLs (the one every UUID v5 library ships). */
const URL_NAMESPACE = '6ba7b811-9dad-11d1-80b4-00c04fd430c8';

const UUID_PATTERN = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
/** What the post schema accepts as an id: versions 1-8, RFC variant (as zod's z.uuid()). */
const RFC_UUID_PATTERN = /^[0-9a-f]{8}-[0-9a-f]{4}-[1-8][0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/i;

function uuidBytes(uuid: string): Buffer {
  if (!UUID_PATTERN.test(uuid)) throw new RangeError(`not a UUID: ${uuid}`);
  return Buffer.from(uuid.replace(/-/g, ''), 'hex');
}

/** A name-based UUID, version 5 (SHA-1), as RFC 9562 §5.5 defines it. */
export function uuidV5(name: string, namespace: string): string {
  const hash = createHash('sha1').update(uuidBytes(namespace)).update(name, 'utf8').digest();
  const bytes = hash.subarray(0, 16);
  bytes[6] = (bytes[6]! & 0x0f) | 0x50;
  bytes[8] = (bytes[8]! & 0x3f) | 0x80;
  const hex = bytes.toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/** The namespace of every id `news import` derives: fixed forever, or re-imports would stop matching. */
export const IMPORT_NAMESPACE = uuidV5('urn:news:import', URL_NAMESPACE);

/** A UUID the post schema accepts, lower case, from `x` or `urn:uuid:x`; undefined otherwise. */
export function asPostUuid(value: string): string | undefined {
  const bare = value.trim().replace(/^urn:uuid:/i, '');
  return RFC_UUID_PATTERN.test(bare) ? bare.toLowerCase() : undefined;
}
