// thv client register/remove/status/setup/list-registered, as ToolHive
// v0.44.0 has them (cmd/thv/app/client.go, pkg/client): the client config
// files they write are ToolHive's (thv-state.mts, hujson.mts).
import { existsSync } from 'node:fs';
import path from 'node:path';
import type { ShimResult } from './server.mts';
import { mcpServerUrl } from './thv-log.mts';
import { workloads } from './workloads.mts';
import { THV_CLIENT_TYPES, type ParsedThv } from '../../lib/toolhive-cli.mts';
import {
  CLIENT_FILES,
  clientFilePath,
  readGroup,
  removeClientServer,
  upsertClientServer,
  writeGroup,
} from './thv-state.mts';
import { fail, list_, LOCALHOST_IPV4, type ThvWorld } from './thv-command.mts';

function checkClient(client: string): ShimResult | undefined {
  if (!(THV_CLIENT_TYPES as readonly string[]).includes(client))
    return fail(`invalid client type: ${client} (valid types: ${THV_CLIENT_TYPES.join(', ')})`);
  if (!CLIENT_FILES[client])
    return fail(
      `the doctest thv shim writes the config files of ${Object.keys(CLIENT_FILES).join(', ')} only; ${client} is a real ToolHive client it does not model`,
      2,
    );
  return undefined;
}

export function clientRegister(w: ThvWorld, p: ParsedThv): ShimResult {
  const client = p.positionals[0] as string;
  const bad = checkClient(client);
  if (bad) return bad;
  const groups = list_(p, 'group');
  for (const g of groups)
    if (g !== 'default')
      return fail(`failed to register clients with groups: group '${g}' does not exist`);
  const g = readGroup(w.paths, 'default');
  if (!g.registered_clients.includes(client)) g.registered_clients.push(client);
  writeGroup(w.paths, g);
  // cmd/thv/app/client.go:238 ListWorkloads(running only) → their URLs (127.0.0.1)
  for (const wl of workloads(w.ctx).values()) {
    if (wl.status !== 'running') continue;
    upsertClientServer(
      w.paths,
      client,
      wl.name,
      mcpServerUrl(LOCALHOST_IPV4, wl.port, wl.transport, wl.name),
      wl.transport,
    );
  }
  return { code: 0 };
}

export function clientRemove(w: ThvWorld, p: ParsedThv): ShimResult {
  const client = p.positionals[0] as string;
  const bad = checkClient(client);
  if (bad) return bad;
  const g = readGroup(w.paths, 'default');
  g.registered_clients = g.registered_clients.filter((c) => c !== client);
  writeGroup(w.paths, g);
  for (const wl of workloads(w.ctx).values()) removeClientServer(w.paths, client, wl.name);
  return { code: 0 };
}

/** olekukonko/tablewriter with borders, as cmd/thv/app/ui/clients_status.go renders (headers upper-cased). */
function boxTable(header: string[], rows: string[][]): string {
  const width = (s: string) =>
    [...s].reduce((n, ch) => n + (/\p{Extended_Pictographic}/u.test(ch) ? 2 : 1), 0);
  const all = [header.map((h) => h.toUpperCase()), ...rows];
  const widths = header.map((_, i) => Math.max(...all.map((r) => width(r[i] as string))));
  const line = (l: string, m: string, r: string) =>
    l + widths.map((wd) => '─'.repeat(wd + 2)).join(m) + r;
  const row = (cells: string[]) =>
    '│' +
    cells.map((c, i) => ` ${c}${' '.repeat((widths[i] as number) - width(c))} `).join('│') +
    '│';
  return (
    [
      line('┌', '┬', '┐'),
      row(all[0] as string[]),
      line('├', '┼', '┤'),
      ...rows.map(row),
      line('└', '┴', '┘'),
    ].join('\n') + '\n'
  );
}

/**
 * pkg/client/discovery.go:113 IsClientInstalled@v0.44.0: the client's config
 * directory (or, for a client with none, its settings file) exists under HOME.
 * Clients whose files the shim does not model are never installed in a page's HOME.
 */
function isInstalled(w: ThvWorld, client: string): boolean {
  const file = clientFilePath(w.paths, client);
  return (
    file !== undefined &&
    existsSync(path.dirname(file)) &&
    (client !== 'claude-code' || existsSync(file))
  );
}

/** pkg/client: every supported client; installed = its config directory exists under HOME. */
export function clientStatus(w: ThvWorld): ShimResult {
  const registered = readGroup(w.paths, 'default').registered_clients;
  const rows = [...THV_CLIENT_TYPES].sort().map((c) => {
    const installed = isInstalled(w, c);
    return [c, installed ? '✅ Yes' : '❌ No', registered.includes(c) ? '✅ Yes' : '❌ No'];
  });
  return { code: 0, stdout: boxTable(['Client Type', 'Installed', 'Registered'], rows) };
}

/**
 * cmd/thv/app/client.go:97 clientSetupCmdFunc@v0.44.0: with no client
 * installed it says so and succeeds; otherwise it opens a menu in the
 * terminal, which a page's shell does not have.
 */
export function clientSetup(w: ThvWorld): ShimResult {
  if (!THV_CLIENT_TYPES.some((c) => isInstalled(w, c)))
    return { code: 0, stdout: 'No new clients found.\n' };
  return fail(
    'thv client setup asks you to pick clients in a terminal menu; the doctest has no terminal. ' +
      'Use thv client register <client> (the same registration, without the menu)',
    2,
  );
}

export function clientListRegistered(w: ThvWorld): ShimResult {
  const registered = [...readGroup(w.paths, 'default').registered_clients].sort();
  if (registered.length === 0) return { code: 0, stdout: 'No clients are currently registered.\n' };
  return {
    code: 0,
    stdout: boxTable(
      ['Client Type', 'Groups'],
      registered.map((c) => [c, 'default']),
    ),
  };
}
