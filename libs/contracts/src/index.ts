export * from './topology';
export * from './types';
export * from './common.schemas';
export * from './compiled-schema';
export * from './order-messages';
export * from './rpc-methods';
export * from './rpc-results';
export * from './rpc-replies';
export { v7 as newId, parse as uuidBytes, stringify as uuidString } from 'uuid';
