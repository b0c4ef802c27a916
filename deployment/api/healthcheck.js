// @ts-check
// Compose healthcheck: exit 0 only if GET /health answers 200 within 3 s.
import http from 'node:http';

const port = Number(process.env.PORT || 8000);
const request = http.get({ host: '127.0.0.1', port, path: '/health', timeout: 3000 }, (res) => {
  res.resume();
  process.exit(res.statusCode === 200 ? 0 : 1);
});
request.on('timeout', () => {
  console.error('healthcheck: no answer within 3 s');
  process.exit(1);
});
request.on('error', (error) => {
  console.error(`healthcheck: ${error.message}`);
  process.exit(1);
});
