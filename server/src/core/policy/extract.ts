// Loader view -> PolicyModel: what OpenShell's serde structs would hold, with the spans of every node.
// Shapes the schema rejects are skipped here (the schema check reports them), never guessed at.
import type { Span } from '../types';
import type { FilesystemSection, Located, PathEntry, PolicyModel, SectionState, ListName } from '../model';
import type { LoaderView, NodeOrigin } from '../yaml/parse';
import { normalizePath } from '../fsview/paths';

const EMPTY: Span = { start: 0, end: 0 };

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

export function extractPolicy(view: LoaderView): PolicyModel {
  const origin = (pointer: string): NodeOrigin | undefined => view.origins.get(pointer);
  const root = isObject(view.value) ? view.value : Object.create(null);
  const rootSpan = origin('')?.span ?? EMPTY;

  const section = (key: string): { state: SectionState; value?: Record<string, unknown>; keySpan?: Span; span?: Span } => {
    if (!(key in root)) return { state: 'absent' };
    const o = origin('/' + key);
    const v = root[key];
    if (isObject(v)) return { state: 'present', value: v, keySpan: o?.keySpan, span: o?.span };
    return { state: v === null ? 'null' : 'invalid', keySpan: o?.keySpan, span: o?.span };
  };

  const located = <T>(pointer: string, value: T): Located<T> => {
    const o = origin(pointer);
    return { value, span: o?.span ?? EMPTY, keySpan: o?.keySpan ?? o?.span ?? EMPTY };
  };

  /** Any scalar is a string to serde (`123` -> "123"), in its source spelling; maps and lists are not. */
  const isCollection = (v: unknown) => isObject(v) || Array.isArray(v);
  const textOf = (o: NodeOrigin | undefined, v: unknown): string => o?.scalarText ?? (v == null ? '' : String(v));
  const scalarText = (pointer: string, v: unknown): string | undefined => (isCollection(v) ? undefined : textOf(origin(pointer), v));

  let version: Located<number> | undefined;
  if (typeof root.version === 'number' && Number.isInteger(root.version)) version = located('/version', root.version);

  const fs = section('filesystem_policy');
  const filesystem: FilesystemSection = { state: fs.state, keySpan: fs.keySpan, span: fs.span, readOnly: [], readWrite: [] };
  if (fs.value) {
    if (typeof fs.value.include_workdir === 'boolean') {
      filesystem.includeWorkdir = located('/filesystem_policy/include_workdir', fs.value.include_workdir);
    }
    for (const list of ['read_only', 'read_write'] as ListName[]) {
      const pointer = `/filesystem_policy/${list}`;
      const o = origin(pointer);
      if (!o) continue;
      if (list === 'read_only') {
        filesystem.readOnlyKeySpan = o.keySpan;
        filesystem.readOnlySpan = o.span;
      } else {
        filesystem.readWriteKeySpan = o.keySpan;
        filesystem.readWriteSpan = o.span;
      }
      const items = fs.value[list];
      if (!Array.isArray(items)) continue;
      const entries: PathEntry[] = list === 'read_only' ? filesystem.readOnly : filesystem.readWrite;
      let otherItems = 0;
      items.forEach((item, index) => {
        if (isCollection(item)) {
          otherItems++; // a path must be a scalar; the schema check says so
          return;
        }
        const itemOrigin = view.origins.child(pointer, index);
        const raw = textOf(itemOrigin, item);
        entries.push({
          list,
          index,
          raw,
          normalized: normalizePath(raw),
          span: itemOrigin?.span ?? EMPTY,
          yamlPath: ['filesystem_policy', list, index],
        });
      });
      if (otherItems > 0) filesystem[list === 'read_only' ? 'readOnlyOtherItems' : 'readWriteOtherItems'] = otherItems;
    }
  }

  const ll = section('landlock');
  const landlock: PolicyModel['landlock'] = { state: ll.state, keySpan: ll.keySpan };
  if (ll.value && 'compatibility' in ll.value) {
    const text = scalarText('/landlock/compatibility', ll.value.compatibility);
    if (text !== undefined) landlock.compatibility = located('/landlock/compatibility', text);
  }

  const pr = section('process');
  const processSection: PolicyModel['process'] = { state: pr.state, keySpan: pr.keySpan };
  if (pr.value) {
    for (const field of ['run_as_user', 'run_as_group'] as const) {
      if (!(field in pr.value)) continue;
      const text = scalarText(`/process/${field}`, pr.value[field]);
      if (text === undefined) continue;
      const loc = located(`/process/${field}`, text);
      if (field === 'run_as_user') processSection.runAsUser = loc;
      else processSection.runAsGroup = loc;
    }
  }

  const count = (key: string) => {
    const v = root[key];
    return { keySpan: key in root ? origin('/' + key)?.keySpan : undefined, count: isObject(v) ? Object.keys(v).length : 0 };
  };

  return {
    version,
    filesystem,
    landlock,
    process: processSection,
    networkPolicies: count('network_policies'),
    networkMiddlewares: count('network_middlewares'),
    presetKeySpan: 'preset' in root ? origin('/preset')?.keySpan : undefined,
    rootSpan,
  };
}
