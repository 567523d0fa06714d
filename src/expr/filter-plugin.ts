/**
 * `filterPlugin`: the row-filter plugin of a table scan — binds the scan's filter once and returns
 * the pruning hooks for planning (manifests, data and delete files, residuals) and the stages that
 * prune row groups and filter rows while reading.
 */
import { IcebergScanError } from '../errors.ts';
import { nameMappingFromProperties, type NameMapping } from '../metadata/name-mapping.ts';
import type { BoundFilterPlan, FilterPluginContext } from '../table/scan-plugins.ts';
import type { Expression } from './expression.ts';
import { createScanFilter } from './scan-filter.ts';

/**
 * The plan of a filter that is constant false (`1 <> 1`, `false`, `i in ()` on a required column…):
 * every manifest is pruned, whatever its spec, so planning reads the manifest list and nothing else.
 */
const MATCHES_NOTHING: BoundFilterPlan = {
  pruneManifest: () => true,
  pruneFile: () => true,
  residualFor: () => ({ op: 'false' }),
  extraFieldIds: [],
  matchesNothing: true,
};

/**
 * Binds a scan's filter (filter text or expression JSON) against the scan's schema and specs.
 *
 * @param filter Filter text (`"id > 5 and name like 'a%'"`) or an expression tree.
 * @param context Schema, partition specs and case sensitivity of the scan.
 * @returns Pruning hooks (`true` = skip), residuals, the row-group filter, the row stage and the
 *   filter-only field ids the projection must read; nothing for a filter that is constant true, and
 *   hooks that skip every manifest for one that is constant false.
 * @throws IcebergScanError `invalid_argument` for a filter that does not parse or bind.
 */
export function filterPlugin(filter: unknown, context: FilterPluginContext): BoundFilterPlan {
  if (typeof filter !== 'string' && (typeof filter !== 'object' || filter === null || !('op' in filter))) {
    throw new IcebergScanError('invalid_argument', `filter: expected filter text or an expression, got ${JSON.stringify(filter)}`, {
      expected: 'a string or an expression object with an `op`',
    });
  }
  let nameMapping: NameMapping | undefined;
  try {
    nameMapping = nameMappingFromProperties(context.metadata.properties);
  } catch {
    nameMapping = undefined; // the projection reports a malformed mapping; pruning just does without
  }
  const scan = createScanFilter({
    filter: filter as string | Expression,
    schema: context.schema,
    specs: context.specs,
    caseSensitive: context.caseSensitive,
    ...(nameMapping !== undefined ? { nameMapping } : {}),
  });
  if (scan.isAlwaysTrue) return {};
  if (scan.bound.op === 'false') return MATCHES_NOTHING;
  return {
    pruneManifest: (manifest, spec) =>
      spec !== undefined && !scan.manifestMatches({ partitionSpecId: spec.specId, partitions: manifest.partitions }),
    pruneFile: (file) => !scan.fileMatches(file),
    residualFor: (file) => scan.residualFor(file),
    stage: scan.filterStage,
    rowGroupFilter: scan.rowGroupFilter,
    pageFilter: scan.pageFilter,
    extraFieldIds: scan.referencedFieldIds,
  };
}
