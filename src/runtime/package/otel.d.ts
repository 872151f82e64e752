export * from './types/otel/index';
