import { startLocalPostgres } from '../tests/support/local-postgres.ts';
const s = await startLocalPostgres();
console.log(s.url);
process.on('SIGTERM', async () => { await s.stop(); process.exit(0); });
setInterval(() => {}, 1 << 30);
