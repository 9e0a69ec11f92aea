import { createHmac, hkdfSync, timingSafeEqual } from 'node:crypto';
import { newId, uuidBytes, uuidString } from '@shop/contracts';

const TAG_BYTES = 4;
const HEAD = 16 - TAG_BYTES;

/**
 * Order ids that say who they were minted for. An id is a UUIDv7 whose last four random bytes
 * are an HMAC of the customer and the rest of the id, under a key only the gateways hold. Between
 * the 202 and the moment order-management records the order, any gateway replica can then tell
 * the owner's early GET or cancel of an id it accepted from a made-up id or another customer's,
 * without a write on the hot path and across restarts.
 */
export function createOrderIds(secret: string) {
  const key = Buffer.from(hkdfSync('sha256', secret, 'order-platform', 'order-id-tag', 32));
  const tagOf = (customerId: string, head: Uint8Array): Buffer =>
    createHmac('sha256', key).update(customerId).update(head).digest().subarray(0, TAG_BYTES);

  return {
    mint(customerId: string): string {
      const bytes = newId(undefined, new Uint8Array(16));
      bytes.set(tagOf(customerId, bytes.subarray(0, HEAD)), HEAD);
      return uuidString(bytes);
    },

    /** True only for an id this platform minted for this customer. */
    mintedFor(orderId: string, customerId: string): boolean {
      const bytes = uuidBytes(orderId);
      return timingSafeEqual(bytes.subarray(HEAD), tagOf(customerId, bytes.subarray(0, HEAD)));
    },

    /** When the id was minted: UUIDv7 starts with its Unix time in milliseconds. */
    mintedAt(orderId: string): number {
      return Buffer.from(uuidBytes(orderId).buffer, 0, 6).readUIntBE(0, 6);
    },
  };
}

export type OrderIds = ReturnType<typeof createOrderIds>;
