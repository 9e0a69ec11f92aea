import { createHmac, hkdfSync, timingSafeEqual } from 'node:crypto';
import { newId } from '@shop/contracts';

const TAG_BYTES = 4;

const bytesOf = (uuid: string): Buffer => Buffer.from(uuid.replace(/-/g, ''), 'hex');
const uuidOf = (b: Buffer): string => {
  const h = b.toString('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
};

/**
 * Order ids that say who they were minted for. An id is a UUIDv7 whose last four random bytes
 * are an HMAC of the customer and the rest of the id, under a key only the gateways hold. Between
 * the 202 and the moment order-management records the order, any gateway replica can then tell
 * the owner's early GET or cancel of an id it accepted from a made-up id or another customer's,
 * without a write on the hot path and across restarts.
 */
export function createOrderIds(secret: string) {
  const key = Buffer.from(hkdfSync('sha256', secret, 'order-platform', 'order-id-tag', 32));
  const tagOf = (customerId: string, head: Buffer): Buffer =>
    createHmac('sha256', key).update(customerId).update(head).digest().subarray(0, TAG_BYTES);

  return {
    mint(customerId: string): string {
      const bytes = bytesOf(newId());
      tagOf(customerId, bytes.subarray(0, 16 - TAG_BYTES)).copy(bytes, 16 - TAG_BYTES);
      return uuidOf(bytes);
    },

    /** True only for an id this platform minted for this customer. */
    mintedFor(orderId: string, customerId: string): boolean {
      const bytes = bytesOf(orderId);
      if (bytes.length !== 16) return false;
      return timingSafeEqual(bytes.subarray(16 - TAG_BYTES), tagOf(customerId, bytes.subarray(0, 16 - TAG_BYTES)));
    },

    /** When the id was minted: UUIDv7 starts with its Unix time in milliseconds. */
    mintedAt(orderId: string): number {
      return bytesOf(orderId).readUIntBE(0, 6);
    },
  };
}

export type OrderIds = ReturnType<typeof createOrderIds>;
