import type { ResourceProbe } from '../probes/probe';
import type { Profile } from '../repo';

/** What a load run drives and watches: a gateway, the orders database, the processes to measure. */
export interface Target {
  profile: Profile;
  gatewayUrl: string;
  ordersDatabaseUrl: string;
  brokerUrl: string;
  probes(): ResourceProbe[];
  close(): Promise<void>;
}
