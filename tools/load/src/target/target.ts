import type { ResourceProbe } from '../probes/probe';
import type { Profile, SpawnProfile } from '../repo';

/** What a load run drives and watches: a gateway, the orders database, the processes to measure. */
export interface Target {
  profile: Profile | SpawnProfile;
  gatewayUrl: string;
  ordersDatabaseUrl: string;
  brokerUrl: string;
  probes(): ResourceProbe[];
  close(): Promise<void>;
}
