#!/usr/bin/env node
import { main } from '../dist/main.js';

process.stdout.on('error', (error) => {
  // A closed pipe (tongli ... | head) is a normal way to stop reading.
  if (error.code === 'EPIPE') process.exit(0);
  throw error;
});
process.exitCode = await main(process.argv.slice(2), { stdout: process.stdout, stderr: process.stderr });
