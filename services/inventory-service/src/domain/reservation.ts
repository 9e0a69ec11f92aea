import type { ReservationResult } from '@shop/contracts';
import type { Tx } from '@shop/platform';

export interface ReservationRepository {
  /** Inserts a row per order not seen before and returns those ids; concurrent claims of one order serialize here. */
  claim(tx: Tx, orderIds: string[], status: 'PENDING' | 'RELEASED'): Promise<Set<string>>;
  /** The recorded answers of orders already decided. */
  answers(tx: Tx, orderIds: string[]): Promise<ReservationResult[]>;
  record(tx: Tx, results: ReservationResult[]): Promise<void>;
  /** Locks the orders that still hold stock and returns the quantities they hold per product. */
  lockHeld(tx: Tx, orderIds: string[]): Promise<{ orderIds: string[]; quantities: Map<string, number> }>;
  markReleased(tx: Tx, orderIds: string[]): Promise<void>;
}
