/** One frame of Docker's multiplexed attach stream: type (1 stdout, 2 stderr), 3 zero bytes, length, payload. */
export function dockerFrame(type: number, payload: string | Buffer): Buffer {
  const body = typeof payload === 'string' ? Buffer.from(payload) : payload;
  const header = Buffer.alloc(8);
  header[0] = type;
  header.writeUInt32BE(body.length, 4);
  return Buffer.concat([header, body]);
}
