export * from './topology';
export * from './types';
export * from './common.schemas';
export * from './compiled-schema';
export * from './order-messages';
export * from './rpc-methods';
export * from './rpc-results';
export * from './demo-data';
export { v7 as newId } from 'uuid';
