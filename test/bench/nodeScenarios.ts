// One process of the Node-sources bench (agentNode.bench.ts runs it, with and without the agent):
// an HTTP server and its client in this process, on loopback, one keep-alive connection, requests
// one after another. Prints the median wall-clock and CPU (user + system, all threads) ns per
// request over the rounds: on a shared machine the CPU time is the steadier of the two.
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import { median, nsPerIteration } from './stats';

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 9);
const PER_ROUND = Number(process.env.BENCH_REQUESTS ?? 2000);

async function main(): Promise<void> {
  const server = http.createServer((req, res) => res.end('ok'));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
  const one = (): Promise<void> => new Promise((resolve, reject) => {
    http.get({ host: '127.0.0.1', port, path: '/item?id=1', agent }, (res) => {
      res.resume();
      res.on('end', resolve);
    }).on('error', reject);
  });
  const requests = async (n: number): Promise<void> => {
    for (let i = 0; i < n; i++) await one();
  };
  await requests(PER_ROUND); // warm up
  const rounds: number[] = [];
  const cpuRounds: number[] = [];
  for (let r = 0; r < ROUNDS; r++) {
    const cpu = process.cpuUsage();
    rounds.push(await nsPerIteration(requests, PER_ROUND));
    const used = process.cpuUsage(cpu);
    cpuRounds.push(((used.user + used.system) * 1000) / PER_ROUND);
  }
  agent.destroy();
  server.close();
  console.log(JSON.stringify({ ns: median(rounds), cpuNs: median(cpuRounds) }));
}

void main();
