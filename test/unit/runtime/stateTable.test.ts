// The contract's "State x call" table, cell by cell, for every kind of op made by the factories.
import { KIND_CASES } from './fixtures';
import { describeStateTable } from './stateTable';

for (const kindCase of KIND_CASES) describeStateTable('contract', kindCase);
