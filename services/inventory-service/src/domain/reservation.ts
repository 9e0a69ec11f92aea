import type { ReservationResult } from '@shop/contracts';
import type { Tx } from '@shop/platform';

export interface ReservationRepository {
  /** Marks orders not seen before as RELEASED, so a later reserve of them holds nothing. */
  markNeverReserved(tx: Tx, orderIds: string[]): Promise<void>;
  /** The recorded answers of orders already decided. */
  answers(tx: Tx, orderIds: string[]): Promise<ReservationResult[]>;
  /**
   * Stores each decision with its lines, unless the order already has a row; returns the orders
   * stored. Concurrent requests for one order serialize on its row.
   */
  record(tx: Tx, results: ReservationResult[]): Promise<Set<string>>;
  /** Locks the orders that still hold stock and returns the quantities they hold per product. */
  lockHeld(tx: Tx, orderIds: string[]): Promise<{ orderIds: string[]; quantities: Map<string, number> }>;
  markReleased(tx: Tx, orderIds: string[]): Promise<void>;
}
