import * as runtime from './types/runtime/index.js';

export * from './types/runtime/index.js';
export default runtime;
