export * from './connection';
export * from './codec';
export * from './topology';
export * from './publisher';
export * from './consumer';
export * from './rpc-client';
export * from './rpc-server';
export * from './dead-letters';
