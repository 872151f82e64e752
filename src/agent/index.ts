// Placeholder until the agent lands: dormant.
export {};
