// The ES module entry point: the CommonJS bundle's own exports, so a program that both imports
// and requires the package gets one implementation (one hub, one id sequence).
import runtime from './runtime.js';

export const { AsyncInfo, AsyncStatus, AsyncInfoError, LIFECYCLE_CHANNEL, HUB_KEY } = runtime;
export default runtime;
