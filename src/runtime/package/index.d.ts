export * from './types/runtime/index';
