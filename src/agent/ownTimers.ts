// The agent's own timers, taken when the agent loads, before the `timers` source (node/timers.ts)
// may wrap the globals: the agent's work never shows as the program's (its flush timer would
// otherwise make an op, whose events schedule the next flush, and so on).
export const ownSetTimeout = setTimeout;
export const ownSetInterval = setInterval;
