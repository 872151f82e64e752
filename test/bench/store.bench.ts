// Plugs the store's figures (store.ts) into `npm run bench`.
import { benchStore } from './store';
import type { BenchModule } from './types';

export const bench: BenchModule = { area: 'store', run: benchStore };
