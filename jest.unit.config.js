// The unit tier of every package in one Jest run (`npm run test:unit`): *.spec.ts only, no global
// setup; the script points DATABASE_URL/REDIS_URL/NATS_URL/NEO4J_URL at closed ports, so a unit
// test that reaches for a service fails instead of passing on this machine and not on another.
import { allUnitProjects } from './jest.preset.js';

export default { testTimeout: 30_000, projects: await allUnitProjects() };
