import { startCustomerService } from '../../services/customer-service/src/app';
import { loadCustomerServiceConfig } from '../../services/customer-service/src/config';
import { startInventoryService } from '../../services/inventory-service/src/app';
import { loadInventoryServiceConfig } from '../../services/inventory-service/src/config';
import { startOrderManagement } from '../../services/order-management/src/app';
import { loadOrderManagementConfig } from '../../services/order-management/src/config';
import { quietLogger, testEnv, waitReady } from '@shop/test-kit';

const onPort0 = (service: string) => testEnv(service, { extra: { HTTP_PORT: '0' } });

/** order-management with its real collaborators, in this process, on the real broker and databases. */
export async function startBackend(): Promise<{ orderManagementUrl: string; stop(): Promise<void> }> {
  const running = [
    await startCustomerService(loadCustomerServiceConfig(onPort0('customer-service')), quietLogger()),
    await startInventoryService(loadInventoryServiceConfig(onPort0('inventory-service')), quietLogger()),
    await startOrderManagement(loadOrderManagementConfig(onPort0('order-management')), quietLogger()),
  ];
  await Promise.all(running.map((s) => waitReady(`http://127.0.0.1:${s.port}/readyz`)));
  return {
    orderManagementUrl: `http://127.0.0.1:${running[2].port}`,
    async stop() {
      for (const s of running.reverse()) await s.stop();
    },
  };
}
