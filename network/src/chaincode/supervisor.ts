#!/usr/bin/env node
/**
 * The chaincode supervisor: runs each organisation's chaincode server (fabric-chaincode-node server,
 * the chaincode as a service its peer dials) and starts it again when it dies, backing off while it
 * keeps dying. `chaincode deploy` starts it detached; SIGTERM stops the servers and then it.
 * Usage: supervisor.js <plan.json>  (see SupervisorPlan); it keeps <plan>.status.json current.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { closeSync, openSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export interface ServerPlan {
  /** e.g. chaincode.HenanProvinceMSP */
  name: string;
  address: string;
  /** The package id the organisation approved, which the server presents to its peer. */
  packageId: string;
  /** The built chaincode (scripts/build-chaincode's output). */
  artifact: string;
  log: string;
}

export interface SupervisorPlan {
  servers: ServerPlan[];
}

export interface ServerStatus {
  name: string;
  pid?: number;
  /** How many times it was started; more than one means it died and was restarted. */
  starts: number;
  lastExit?: string;
}

/** Restart delays: 0.5 s doubling to 30 s, back to 0.5 s once a server ran for a minute. */
const FIRST_DELAY_MS = 500;
const MAX_DELAY_MS = 30_000;
const STABLE_MS = 60_000;

export function statusFile(planFile: string): string {
  return planFile.replace(/\.json$/, '') + '.status.json';
}

function main(planFile: string): void {
  const plan = JSON.parse(readFileSync(planFile, 'utf8')) as SupervisorPlan;
  const statuses = new Map<string, ServerStatus>(plan.servers.map((s) => [s.name, { name: s.name, starts: 0 }]));
  const children = new Map<string, ChildProcess>();
  let stopping = false;

  const publish = () => {
    const tmp = `${statusFile(planFile)}.tmp`;
    writeFileSync(tmp, JSON.stringify([...statuses.values()], null, 2));
    renameSync(tmp, statusFile(planFile));
  };

  const start = (server: ServerPlan, delay: number) => {
    if (stopping) return;
    const status = statuses.get(server.name)!;
    const fd = openSync(server.log, 'a');
    const startedAt = Date.now();
    const child = spawn(
      join(server.artifact, 'node_modules', '.bin', 'fabric-chaincode-node'),
      ['server', '--chaincode-address', server.address, '--chaincode-id', server.packageId, '--module-path', server.artifact],
      { cwd: server.artifact, stdio: ['ignore', fd, fd], env: { ...process.env, CORE_CHAINCODE_LOGGING_LEVEL: process.env.CORE_CHAINCODE_LOGGING_LEVEL ?? 'INFO' } },
    );
    closeSync(fd);
    children.set(server.name, child);
    status.pid = child.pid;
    status.starts += 1;
    publish();
    // A server that cannot even be spawned (its artifact gone) reports 'error' and no 'exit'.
    let ended = false;
    const onEnd = (how: string) => {
      if (ended) return;
      ended = true;
      children.delete(server.name);
      status.pid = undefined;
      status.lastExit = `${new Date().toISOString()} ${how}`;
      publish();
      if (stopping) {
        if (children.size === 0) process.exit(0);
        return;
      }
      const next = Date.now() - startedAt > STABLE_MS ? FIRST_DELAY_MS : Math.min(delay * 2, MAX_DELAY_MS);
      console.error(`${status.lastExit}: ${server.name} ended; starting it again in ${next} ms`);
      setTimeout(() => start(server, next), next);
    };
    child.once('exit', (code, signal) => onEnd(signal ?? `code ${code}`));
    child.once('error', (err) => onEnd(err.message));
  };

  const stop = () => {
    if (stopping) return;
    stopping = true;
    if (children.size === 0) process.exit(0);
    for (const child of children.values()) child.kill('SIGTERM');
    // A server that ignores SIGTERM is killed; `network down` would kill the whole group anyway.
    setTimeout(() => {
      for (const child of children.values()) child.kill('SIGKILL');
    }, 5000).unref();
  };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
  for (const server of plan.servers) start(server, FIRST_DELAY_MS / 2);
}

if (require.main === module) {
  const planFile = process.argv[2];
  if (!planFile) {
    console.error('usage: supervisor.js <plan.json>');
    process.exit(2);
  }
  main(planFile);
}
