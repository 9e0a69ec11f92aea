import { loadOrderManagementConfig } from '../src/config';
import { testEnv } from '@shop/test-kit';

describe('order-management configuration', () => {
  it('when the publish and RPC timeouts are set apart, then the relay waits for confirms by the publish timeout, not the RPC one', () => {
    const config = loadOrderManagementConfig(testEnv('order-management', { extra: { RPC_TIMEOUT_MS: '700', PUBLISH_TIMEOUT_MS: '2500' } }));

    expect({ rpc: config.rpcTimeoutMs, publish: config.publishTimeoutMs }).toEqual({ rpc: 700, publish: 2500 });
  });

  it('when neither is set, then both default to 5 s', () => {
    const config = loadOrderManagementConfig(testEnv('order-management'));

    expect({ rpc: config.rpcTimeoutMs, publish: config.publishTimeoutMs }).toEqual({ rpc: 5000, publish: 5000 });
  });
});
