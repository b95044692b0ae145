import * as fs from 'node:fs';
import * as path from 'node:path';
import { repositoryRoot } from './project-files';

/**
 * localstack/tables.json: the project's one definition of its DynamoDB tables, an array of
 * CreateTable requests. LocalStack's init hook and the embedded dynalite create tables from it;
 * the CDK stack does too, so the three environments cannot disagree on a key or an index.
 */

export type AttributeType = 'S' | 'N' | 'B';

export interface KeyAttribute {
  readonly name: string;
  readonly type: AttributeType;
}

export interface IndexDefinition {
  readonly name: string;
  readonly partitionKey: KeyAttribute;
  readonly sortKey?: KeyAttribute;
  readonly projection: 'ALL' | 'KEYS_ONLY' | 'INCLUDE';
  readonly nonKeyAttributes?: string[];
}

export interface TableDefinition {
  readonly name: string;
  readonly partitionKey: KeyAttribute;
  readonly sortKey?: KeyAttribute;
  readonly globalIndexes: IndexDefinition[];
  readonly localIndexes: IndexDefinition[];
}

/**
 * Fields of a CreateTable request the stack carries over, and those it knowingly replaces: on AWS
 * every table is on-demand, so BillingMode and ProvisionedThroughput (the emulators' settings)
 * give way. Any other field is refused, so that a feature added to tables.json cannot be dropped
 * silently on AWS.
 */
const KNOWN_TABLE_FIELDS = new Set([
  'TableName', 'AttributeDefinitions', 'KeySchema', 'GlobalSecondaryIndexes', 'LocalSecondaryIndexes',
  'BillingMode', 'ProvisionedThroughput',
]);
const KNOWN_INDEX_FIELDS = new Set(['IndexName', 'KeySchema', 'Projection', 'ProvisionedThroughput']);

/**
 * Indexes an earlier release deployed that this one no longer uses, by table. CloudFormation creates
 * or deletes at most one global secondary index of a table per stack update, so a release that
 * replaces an index deploys twice: first with `-c keepRetiredIndexes=true` (the new index is added
 * and backfilled, the retired one stays), then without (the retired one is deleted).
 */
export const RETIRED_INDEXES: Readonly<Record<string, IndexDefinition[]>> = {
  // replaced by queue-created-index (the claim path's sharded queues, docs/scale.md)
  'pipeline-jobs': [{
    name: 'status-created-index',
    partitionKey: { name: 'status', type: 'S' },
    sortKey: { name: 'created', type: 'S' },
    projection: 'ALL',
  }],
};

/** The tables with their retired indexes added back (those tables.json does not define again). */
export function withRetiredIndexes(tables: TableDefinition[]): TableDefinition[] {
  return tables.map((table) => {
    const retired = (RETIRED_INDEXES[table.name] ?? [])
      .filter((index) => !table.globalIndexes.some((kept) => kept.name === index.name));
    return retired.length === 0 ? table : { ...table, globalIndexes: [...table.globalIndexes, ...retired] };
  });
}

export function tablesFile(root: string = repositoryRoot()): string {
  return path.join(root, 'localstack', 'tables.json');
}

export function readTableDefinitions(file: string = tablesFile()): TableDefinition[] {
  let parsed: unknown;
  try {
    parsed = JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch (e) {
    throw new Error(`${file} is not valid JSON: ${(e as Error).message}`);
  }
  if (!Array.isArray(parsed) || parsed.length === 0) {
    throw new Error(`${file} must be a non-empty JSON array of CreateTable requests.`);
  }
  return parsed.map((request, index) => toTable(request, `${file} entry ${index}`));
}

function toTable(request: any, where: string): TableDefinition {
  if (typeof request !== 'object' || request === null || typeof request.TableName !== 'string' || request.TableName === '') {
    throw new Error(`${where} has no TableName.`);
  }
  const name: string = request.TableName;
  const at = `${where} (${name})`;
  for (const field of Object.keys(request)) {
    if (!KNOWN_TABLE_FIELDS.has(field)) {
      throw new Error(`${at} has field ${field}, which the CDK stack does not carry to AWS yet; `
        + 'teach cdk/lib/table-definitions.ts and the stack about it.');
    }
  }
  const attributes = new Map<string, AttributeType>();
  for (const definition of list(request.AttributeDefinitions, `${at} AttributeDefinitions`)) {
    const type = definition?.AttributeType;
    if (typeof definition?.AttributeName !== 'string' || !['S', 'N', 'B'].includes(type)) {
      throw new Error(`${at} has an attribute definition without AttributeName or with AttributeType other than S, N or B.`);
    }
    attributes.set(definition.AttributeName, type);
  }
  const keys = toKeys(request.KeySchema, attributes, `${at} KeySchema`);
  return {
    name,
    ...keys,
    globalIndexes: optionalList(request.GlobalSecondaryIndexes, `${at} GlobalSecondaryIndexes`)
      .map((index) => toIndex(index, attributes, at)),
    localIndexes: optionalList(request.LocalSecondaryIndexes, `${at} LocalSecondaryIndexes`)
      .map((index) => toIndex(index, attributes, at)),
  };
}

function toIndex(index: any, attributes: Map<string, AttributeType>, at: string): IndexDefinition {
  if (typeof index?.IndexName !== 'string' || index.IndexName === '') {
    throw new Error(`${at} has an index without IndexName.`);
  }
  const where = `${at} index ${index.IndexName}`;
  for (const field of Object.keys(index)) {
    if (!KNOWN_INDEX_FIELDS.has(field)) {
      throw new Error(`${where} has field ${field}, which the CDK stack does not carry to AWS yet.`);
    }
  }
  const projection = index.Projection?.ProjectionType ?? 'ALL';
  if (!['ALL', 'KEYS_ONLY', 'INCLUDE'].includes(projection)) {
    throw new Error(`${where} has ProjectionType ${projection}; expected ALL, KEYS_ONLY or INCLUDE.`);
  }
  return {
    name: index.IndexName,
    ...toKeys(index.KeySchema, attributes, `${where} KeySchema`),
    projection,
    nonKeyAttributes: projection === 'INCLUDE' ? list(index.Projection.NonKeyAttributes, `${where} NonKeyAttributes`) : undefined,
  };
}

function toKeys(schema: unknown, attributes: Map<string, AttributeType>, where: string):
  { partitionKey: KeyAttribute; sortKey?: KeyAttribute } {
  const elements = list(schema, where);
  const attribute = (keyType: string): KeyAttribute | undefined => {
    const element = elements.find((e: any) => e?.KeyType === keyType);
    if (!element) {
      return undefined;
    }
    const type = attributes.get(element.AttributeName);
    if (!type) {
      throw new Error(`${where} uses ${element.AttributeName}, which AttributeDefinitions does not define.`);
    }
    return { name: element.AttributeName, type };
  };
  const partitionKey = attribute('HASH');
  if (!partitionKey) {
    throw new Error(`${where} has no HASH key.`);
  }
  return { partitionKey, sortKey: attribute('RANGE') };
}

function list(value: unknown, where: string): any[] {
  if (!Array.isArray(value) || value.length === 0) {
    throw new Error(`${where} must be a non-empty array.`);
  }
  return value;
}

function optionalList(value: unknown, where: string): any[] {
  return value === undefined ? [] : list(value, where);
}
