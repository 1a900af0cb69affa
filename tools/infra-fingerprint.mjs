#!/usr/bin/env node
// An Nx runtime input for the test target: which real services are reachable. A cached test
// result is reused only when the same services are up (and REQUIRE_INFRA is the same).
import net from 'node:net';

function probe(host, port) {
  return new Promise((resolve) => {
    const socket = net.connect({ host, port: Number(port) });
    socket.setTimeout(500);
    socket.on('connect', () => (socket.destroy(), resolve(1)));
    socket.on('error', () => resolve(0));
    socket.on('timeout', () => (socket.destroy(), resolve(0)));
  });
}
const pg = new URL(process.env.DATABASE_URL ?? 'postgres://prm:prm@127.0.0.1:5433/prm');
const [kHost, kPort] = (process.env.KAFKA_BROKERS ?? '127.0.0.1:9092').split(',')[0].split(':');
const [p, k] = await Promise.all([probe(pg.hostname, pg.port || 5432), probe(kHost, kPort)]);
console.log(`postgres=${p} kafka=${k} kurrentdb=${process.env.KURRENTDB_URL ? 1 : 0}`);
