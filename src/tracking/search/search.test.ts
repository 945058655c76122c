import { runSearchEntitiesConformance } from './search-entities.conformance.js';
import { searchTargets } from './search-fixtures.js';
import { runSearchRunsConformance } from './search-runs.conformance.js';

// The same behaviour suites on SQLite and (when LATHE_TEST_POSTGRES_URI is set) PostgreSQL.
if (!process.env.LATHE_TEST_POSTGRES_URI && process.env.CI) {
  throw new Error('LATHE_TEST_POSTGRES_URI must be set in CI (see .ci/run)');
}
for (const target of searchTargets()) runSearchRunsConformance(target);
for (const target of searchTargets()) runSearchEntitiesConformance(target);
