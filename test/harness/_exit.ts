import { startRegistry } from './registry.ts';
const reg = await startRegistry(process.argv[2] as 'tls-auth');
console.log(reg.dataDir);
if (process.argv[3] === 'throw') throw new Error('boom');
if (process.argv[3] === 'sigterm') { process.kill(process.pid, 'SIGTERM'); await new Promise((r) => setTimeout(r, 5000)); }
if (process.argv[3] === 'exit') process.exit(3);
