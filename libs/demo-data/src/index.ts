import { v5 as uuidv5 } from 'uuid';

/**
 * The demo data set (`npm run seed`, the chart's seed Jobs): its rows get stable ids, so a token for
 * "customer 1" works on any machine and the load generator knows the products without asking.
 */
const DEMO_NAMESPACE = '6f1c1a8e-52a7-4c1e-9a3b-2f0d9a6c7e11';

export const demoCustomerCount = 1000;
export const demoProductCount = 1000;
export const demoCustomerId = (n: number): string => uuidv5(`customer-${n}`, DEMO_NAMESPACE);
export const demoProductId = (n: number): string => uuidv5(`product-${n}`, DEMO_NAMESPACE);
