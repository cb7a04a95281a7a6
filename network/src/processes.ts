import { spawn } from 'node:child_process';
import { closeSync, openSync, readFileSync, readdirSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';

/** A process the network started and must stop: recorded in network.json so `down` finds it. */
export interface ProcessRecord {
  /** Node or role name, e.g. orderer0.bigdata.henan.gov.cn or chaincode-supervisor. */
  name: string;
  pid: number;
  /** The program (or script) it runs, to tell it from an unrelated process that later got the same pid. */
  program: string;
  log: string;
}

export interface StartOptions {
  name: string;
  program: string;
  /** The script `program` runs, when it is an interpreter (node): what identifies the process. */
  script?: string;
  args: string[];
  env: NodeJS.ProcessEnv;
  cwd: string;
  log: string;
}

/**
 * Starts a program in its own session (so it outlives this command and a terminal's Ctrl-C), with
 * stdout and stderr appended to its log.
 */
export function startProcess(options: StartOptions): ProcessRecord {
  const fd = openSync(options.log, 'a');
  try {
    const child = spawn(options.program, options.args, { cwd: options.cwd, env: options.env, detached: true, stdio: ['ignore', fd, fd] });
    if (child.pid === undefined) throw new Error(`could not start ${options.program}`);
    child.unref();
    return { name: options.name, pid: child.pid, program: options.script ?? options.program, log: options.log };
  } finally {
    closeSync(fd);
  }
}

/** Whether `record`'s process still runs (and is still that program, not a reused pid). */
export function isRunning(record: Pick<ProcessRecord, 'pid' | 'program'>): boolean {
  try {
    const cmdline = readFileSync(`/proc/${record.pid}/cmdline`, 'utf8');
    const stat = readFileSync(`/proc/${record.pid}/stat`, 'utf8');
    // A zombie has exited; only its parent's wait is missing.
    if (/^\d+ \(.*\) Z/.test(stat)) return false;
    return cmdline.split('\0').includes(record.program);
  } catch {
    return false;
  }
}

/** Resident memory of a running process in MiB (from /proc), or undefined when it is gone. */
export function residentMiB(pid: number): number | undefined {
  try {
    const kb = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1];
    return kb === undefined ? undefined : Math.round(Number(kb) / 1024);
  } catch {
    return undefined;
  }
}

/**
 * The live processes of the process group `pgid`. Every process the network starts leads its own
 * group (its own session), and what it starts stays in it (the supervisor's chaincode servers), so
 * the group is everything that must stop with it, even when its leader was killed first.
 */
export function groupMembers(pgid: number): number[] {
  const members: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      // pid (comm) state ppid pgrp ...; comm may hold spaces and parentheses, so read after the last ')'.
      const [state, , pgrp] = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      if (Number(pgrp) === pgid && state !== 'Z') members.push(Number(entry));
    } catch {
      // The process ended while we looked.
    }
  }
  return members;
}

/**
 * Whether anything of `record` runs: its leader, or what the leader started (left behind when the
 * leader was killed). A pid now led by another program is someone else's and not ours.
 */
export function stillRunning(record: ProcessRecord): boolean {
  if (isRunning(record)) return true;
  const members = groupMembers(record.pid);
  return members.length > 0 && !members.includes(record.pid);
}

/**
 * Stops a recorded process and its group: SIGTERM, then SIGKILL after `graceMs`; resolves once none
 * of them is left. A record whose leader is gone or was replaced by an unrelated pid with no group
 * left is already stopped.
 */
export async function stopProcess(record: ProcessRecord, graceMs = 10_000): Promise<void> {
  const alive = () => stillRunning(record);
  if (!alive()) return;
  signalGroup(record.pid, 'SIGTERM');
  const deadline = Date.now() + graceMs;
  while (alive()) {
    if (Date.now() > deadline) {
      signalGroup(record.pid, 'SIGKILL');
      await sleep(300);
      if (alive()) throw new Error(`${record.name} (pid ${record.pid}) survived SIGKILL`);
      return;
    }
    await sleep(100);
  }
}

function signalGroup(pgid: number, name: NodeJS.Signals): void {
  try {
    process.kill(-pgid, name);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ESRCH') throw err;
  }
}
