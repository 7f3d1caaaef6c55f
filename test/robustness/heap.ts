// Reading a V8 heap snapshot of the server (written on SIGUSR2 with --heapsnapshot-signal) to count
// live objects by their shape: property names survive minification, constructor names may not.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';

interface HeapSnapshot {
  snapshot: { meta: { node_fields: string[]; node_types: [string[], ...unknown[]]; edge_fields: string[]; edge_types: [string[], ...unknown[]] } };
  nodes: number[];
  edges: number[];
  strings: string[];
}

export interface HeapSummary {
  /** Sum of every node's self size: the live heap after the GC the snapshot starts with. */
  totalBytes: number;
  /** Objects having all the property names of each shape. */
  counts: Record<string, number>;
}

/**
 * Counts objects that have every property of each named shape. The first property of a shape must
 * hold a real value: V8 keeps a boilerplate of each object literal whose fields are placeholders
 * (oddballs), and those are not live state.
 */
export function summarizeHeap(file: string, shapes: Record<string, string[]>): HeapSummary {
  const snap = JSON.parse(readFileSync(file, 'utf8')) as HeapSnapshot;
  const { node_fields: nodeFields, node_types: nodeTypes, edge_fields: edgeFields, edge_types: edgeTypes } = snap.snapshot.meta;
  const nodeSize = nodeFields.length;
  const edgeSize = edgeFields.length;
  const typeField = nodeFields.indexOf('type');
  const selfSizeField = nodeFields.indexOf('self_size');
  const edgeCountField = nodeFields.indexOf('edge_count');
  const edgeTypeField = edgeFields.indexOf('type');
  const edgeNameField = edgeFields.indexOf('name_or_index');
  const toNodeField = edgeFields.indexOf('to_node');
  const objectType = nodeTypes[0].indexOf('object');
  const propertyType = edgeTypes[0].indexOf('property');
  const counts: Record<string, number> = Object.fromEntries(Object.keys(shapes).map((k) => [k, 0]));
  const wanted = Object.entries(shapes).map(([name, props]) => ({ name, props: new Set(props), first: props[0] }));
  const nameField = nodeFields.indexOf('name');
  let totalBytes = 0;
  let edgeIndex = 0;
  for (let n = 0; n < snap.nodes.length; n += nodeSize) {
    totalBytes += snap.nodes[n + selfSizeField];
    const edgeCount = snap.nodes[n + edgeCountField];
    if (snap.nodes[n + typeField] === objectType && edgeCount > 0) {
      const names = new Map<string, number>();
      for (let e = 0; e < edgeCount; e++) {
        const at = (edgeIndex + e) * edgeSize;
        if (snap.edges[at + edgeTypeField] === propertyType) names.set(snap.strings[snap.edges[at + edgeNameField]], snap.edges[at + toNodeField]);
      }
      for (const w of wanted) {
        let all = true;
        for (const p of w.props) if (!names.has(p)) all = false;
        if (all && snap.strings[snap.nodes[names.get(w.first)! + nameField]] !== 'system / Oddball') counts[w.name]++;
      }
    }
    edgeIndex += edgeCount;
  }
  return { totalBytes, counts };
}

/** Waits for a new, complete .heapsnapshot file in `dir` (its size stops changing). */
export async function waitForSnapshot(dir: string, known: Set<string>, timeoutMs = 30_000): Promise<string> {
  const deadline = Date.now() + timeoutMs;
  let lastSize = -1;
  for (;;) {
    const fresh = readdirSync(dir).filter((f) => f.endsWith('.heapsnapshot') && !known.has(f));
    if (fresh.length) {
      const file = join(dir, fresh[0]);
      const size = statSync(file).size;
      if (size > 0 && size === lastSize) {
        known.add(fresh[0]);
        return file;
      }
      lastSize = size;
    }
    if (Date.now() > deadline) throw new Error(`no heap snapshot in ${dir} within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

/** Resident set size of a process, from /proc (Linux). */
export function rssBytes(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const m = /VmRSS:\s+(\d+) kB/.exec(status);
  if (!m) throw new Error(`no VmRSS for ${pid}`);
  return Number(m[1]) * 1024;
}
