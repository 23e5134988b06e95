import { createHash } from 'node:crypto';

/**
 * Merkle root (sha256, pairwise, the last node of an odd level carried up unchanged) over hex
 * leaf hashes in order. Empty → the hash of the empty string.
 */
export function merkleRoot(leaves: readonly string[]): string {
  if (leaves.length === 0) return createHash('sha256').update('').digest('hex');
  let level: Buffer[] = leaves.map((l) => Buffer.from(l, 'hex'));
  while (level.length > 1) {
    const next: Buffer[] = [];
    for (let i = 0; i < level.length; i += 2) {
      next.push(
        i + 1 < level.length
          ? createHash('sha256')
              .update(level[i])
              .update(level[i + 1])
              .digest()
          : level[i],
      );
    }
    level = next;
  }
  return level[0].toString('hex');
}
