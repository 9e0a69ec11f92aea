export * from './config';
export * from './logger';
export * from './errors';
export * from './metrics';
export * from './http';
export * from './lifecycle';
export * from './database';
export * from './faults';
