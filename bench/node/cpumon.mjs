// Measures CPU use until it is sent SIGTERM (or SIGINT), then writes what stats.mjs's cpuMeter
// found: PostgreSQL's processes for the given databases, processes with the given command names
// (e.g. pgbench), an optional service pid and the machine. For parts driven from bash (pgbench).
//
//   node cpumon.mjs --dbs bench_x_pgbench --comms pgbench [--service-pid PID] [--units N] --out cpu.json &
//   ...; kill -TERM $!; wait $!
import { writeFileSync } from 'node:fs';
import { cpuMeter, parseArgs, required } from './stats.mjs';

const args = parseArgs();
const out = required(args, 'out');
const meter = cpuMeter({
  servicePid: args['service-pid'] ? Number(args['service-pid']) : null,
  dbs: (args.dbs ?? '').split(',').filter(Boolean),
  comms: (args.comms ?? '').split(',').filter(Boolean),
});
const keepAlive = setInterval(() => {}, 1 << 30);
const finish = () => {
  clearInterval(keepAlive);
  const cpu = meter.stop(args.units ? Number(args.units) : null);
  delete cpu.driver_cpu_ms; delete cpu.driver_cores; delete cpu.driver_cpu_ms_per_unit; // this monitor's own
  writeFileSync(out, JSON.stringify(cpu) + '\n');
  process.exit(0);
};
process.on('SIGTERM', finish);
process.on('SIGINT', finish);
process.on('SIGHUP', finish);
writeFileSync(out + '.ready', '');
