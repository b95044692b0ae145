import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Match } from 'aws-cdk-lib/assertions';
import { repositoryRoot } from '../lib/project-files';
import {
  build, environmentOf, container, logicalId, resourcesOfType, synthesize, synthesizedFullyConfigured, synthesizedWithDefaults,
} from './synthesized';

/** localstack/tables.json as the project has it, read here on its own (not through the stack's reader). */
const TABLES_JSON = path.join(repositoryRoot(), 'localstack', 'tables.json');
const tablesJson = (): any[] => JSON.parse(fs.readFileSync(TABLES_JSON, 'utf8'));

function chunkBucket() {
  const { json } = synthesizedWithDefaults();
  const buckets = resourcesOfType(json, 'AWS::S3::Bucket');
  assert.equal(buckets.length, 1, 'one bucket: the chunks');
  return buckets[0];
}

test('the chunk bucket blocks all public access and is kept when the stack is deleted', () => {
  const [, bucket] = chunkBucket();
  assert.deepEqual(bucket.Properties.PublicAccessBlockConfiguration, {
    BlockPublicAcls: true, BlockPublicPolicy: true, IgnorePublicAcls: true, RestrictPublicBuckets: true,
  });
  assert.equal(bucket.DeletionPolicy, 'Retain');
});

test('the chunk bucket refuses every request not made over TLS 1.2 or later', () => {
  const [bucketId] = chunkBucket();
  const { template } = synthesizedWithDefaults();
  const bucketAndObjects = [{ 'Fn::GetAtt': [bucketId, 'Arn'] }, { 'Fn::Join': ['', [{ 'Fn::GetAtt': [bucketId, 'Arn'] }, '/*']] }];
  template.hasResourceProperties('AWS::S3::BucketPolicy', {
    Bucket: { Ref: bucketId },
    PolicyDocument: {
      Statement: Match.arrayWith([
        Match.objectLike({
          Effect: 'Deny', Principal: { AWS: '*' }, Action: 's3:*', Resource: bucketAndObjects,
          Condition: { Bool: { 'aws:SecureTransport': 'false' } },
        }),
        Match.objectLike({
          Effect: 'Deny', Principal: { AWS: '*' }, Action: 's3:*', Resource: bucketAndObjects,
          Condition: { NumericLessThan: { 's3:TlsVersion': 1.2 } },
        }),
      ]),
    },
  });
});

test('the chunk bucket encrypts every chunk at rest with S3-managed keys', () => {
  const [, bucket] = chunkBucket();
  assert.deepEqual(bucket.Properties.BucketEncryption, {
    ServerSideEncryptionConfiguration: [{ ServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } }],
  });
});

test('stray chunks under chunks/ expire after a week and incomplete multipart uploads are aborted', () => {
  const [, bucket] = chunkBucket();
  const rules = bucket.Properties.LifecycleConfiguration.Rules;
  assert.deepEqual(rules.find((r: any) => r.Prefix === 'chunks/'),
    { Id: 'ExpireStrayChunks', Prefix: 'chunks/', ExpirationInDays: 7, Status: 'Enabled' });
  assert.ok(rules.some((r: any) => r.AbortIncompleteMultipartUpload?.DaysAfterInitiation === 1 && r.Prefix === undefined),
    `a bucket-wide rule aborts incomplete multipart uploads after a day: ${JSON.stringify(rules)}`);
  assert.equal(bucket.Properties.VersioningConfiguration, undefined, 'no versions keep deleted chunks');
});

test('chunkExpirationDays sets how long a stray chunk is kept', () => {
  const { json } = synthesizedFullyConfigured();
  const [[, bucket]] = resourcesOfType(json, 'AWS::S3::Bucket');
  assert.equal(bucket.Properties.LifecycleConfiguration.Rules.find((r: any) => r.Prefix === 'chunks/').ExpirationInDays, 3);
});

test('every table and index of localstack/tables.json is deployed with exactly its keys, and no other table is', () => {
  const { stack, json } = synthesizedWithDefaults();
  const deployed = resourcesOfType(json, 'AWS::DynamoDB::Table');
  assert.equal(deployed.length, tablesJson().length, 'as many tables as tables.json defines');
  for (const request of tablesJson()) {
    const table = stack.tables.find((t) => t.definition.name === request.TableName);
    assert.ok(table, `tables.json table ${request.TableName} is in the stack`);
    const properties = json.Resources[logicalId(stack, table.table)].Properties;
    const sortByName = (list: any[] = []) => [...list].sort((a, b) => JSON.stringify(a).localeCompare(JSON.stringify(b)));
    assert.deepEqual(properties.KeySchema, request.KeySchema, `${request.TableName} key schema`);
    assert.deepEqual(sortByName(properties.AttributeDefinitions), sortByName(request.AttributeDefinitions),
      `${request.TableName} attribute definitions`);
    const indexes = (list: any[] = []) => sortByName(list.map((i) => ({
      IndexName: i.IndexName, KeySchema: i.KeySchema, Projection: i.Projection,
    })));
    assert.deepEqual(indexes(properties.GlobalSecondaryIndexes), indexes(request.GlobalSecondaryIndexes),
      `${request.TableName} global secondary indexes`);
    assert.deepEqual(indexes(properties.LocalSecondaryIndexes), indexes(request.LocalSecondaryIndexes),
      `${request.TableName} local secondary indexes`);
  }
});

test('keepRetiredIndexes deploys the jobs table with its retired status index beside the queue index, for the first of two deploys', () => {
  const jobsIndexes = (json: any, stack: any): string[] => {
    const jobs = stack.tables.find((t: any) => t.definition.name === 'pipeline-jobs')!;
    return json.Resources[logicalId(stack, jobs.table)].Properties.GlobalSecondaryIndexes.map((i: any) => i.IndexName).sort();
  };
  const first = synthesize({ keepRetiredIndexes: 'true' });
  assert.deepEqual(jobsIndexes(first.json, first.stack), ['organisation-created-index', 'queue-created-index', 'status-created-index']);
  first.template.hasResourceProperties('AWS::DynamoDB::Table', {
    GlobalSecondaryIndexes: Match.arrayWith([{
      IndexName: 'status-created-index',
      KeySchema: [{ AttributeName: 'status', KeyType: 'HASH' }, { AttributeName: 'created', KeyType: 'RANGE' }],
      Projection: { ProjectionType: 'ALL' },
    }]),
  });
  const second = synthesizedWithDefaults();
  assert.deepEqual(jobsIndexes(second.json, second.stack), ['organisation-created-index', 'queue-created-index'],
    'the second deploy (the default) drops it: one index change per table per update');
  assert.throws(() => build({ keepRetiredIndexes: 'yes' }), /keepRetiredIndexes must be true or false, got 'yes'/);
});

test('every table is on demand, has point-in-time recovery, expires items by their ttl attribute and cannot be deleted by accident', () => {
  const { json } = synthesizedWithDefaults();
  for (const [id, table] of resourcesOfType(json, 'AWS::DynamoDB::Table')) {
    assert.equal(table.Properties.BillingMode, 'PAY_PER_REQUEST', id);
    assert.deepEqual(table.Properties.PointInTimeRecoverySpecification, { PointInTimeRecoveryEnabled: true }, id);
    // The server writes `ttl` (epoch seconds) on sessions and nonces; `expires` is ISO text, which TTL ignores.
    assert.deepEqual(table.Properties.TimeToLiveSpecification, { AttributeName: 'ttl', Enabled: true }, id);
    assert.equal(table.Properties.DeletionProtectionEnabled, true, id);
    assert.equal(table.DeletionPolicy, 'Retain', id);
  }
});

test('the server is told each table\'s deployed name under the setting that names it in application.properties', () => {
  const { stack, json } = synthesizedWithDefaults();
  const server = environmentOf(container(json, logicalId(stack, stack.serverTaskDefinition), 'server'));
  const expected: Record<string, string> = {
    'pipeline-jobs': 'SERVER_JOBS_TABLE', 'pipeline-results': 'SERVER_RESULTS_TABLE', 'pipeline-directory': 'SERVER_DIRECTORY_TABLE',
  };
  for (const { definition, table } of stack.tables) {
    assert.equal(server[expected[definition.name]], `{${logicalId(stack, table)}}`, definition.name);
  }
});

function tablesJsonCopy(change: (tables: any[]) => void): string {
  const tables = tablesJson();
  change(tables);
  const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'tables-')), 'tables.json');
  fs.writeFileSync(file, JSON.stringify(tables));
  return file;
}

test('an index added to tables.json is deployed and granted to the server with no change to the stack', () => {
  const file = tablesJsonCopy((tables) => {
    const results = tables.find((t) => t.TableName === 'pipeline-results');
    results.AttributeDefinitions.push({ AttributeName: 'job', AttributeType: 'S' });
    results.GlobalSecondaryIndexes.push({
      IndexName: 'job-index', KeySchema: [{ AttributeName: 'job', KeyType: 'HASH' }], Projection: { ProjectionType: 'KEYS_ONLY' },
    });
  });
  const { stack, template } = synthesize({}, { tablesFile: file });
  const results = stack.tables.find((t) => t.definition.name === 'pipeline-results')!;
  template.hasResourceProperties('AWS::DynamoDB::Table', {
    GlobalSecondaryIndexes: Match.arrayWith([{
      IndexName: 'job-index', KeySchema: [{ AttributeName: 'job', KeyType: 'HASH' }], Projection: { ProjectionType: 'KEYS_ONLY' },
    }]),
  });
  template.hasResourceProperties('AWS::IAM::Policy', {
    PolicyDocument: {
      Statement: Match.arrayWith([Match.objectLike({
        Action: 'dynamodb:Query',
        Resource: Match.arrayWith([{ 'Fn::Join': ['', [{ 'Fn::GetAtt': [logicalId(stack, results.table), 'Arn'] }, '/index/job-index']] }]),
      })]),
    },
  });
});

test('a table in tables.json that no server setting names stops synth with a sentence saying so', () => {
  const file = tablesJsonCopy((tables) => tables.push({
    TableName: 'pipeline-audit', AttributeDefinitions: [{ AttributeName: 'id', AttributeType: 'S' }],
    KeySchema: [{ AttributeName: 'id', KeyType: 'HASH' }],
  }));
  assert.throws(() => build({}, { tablesFile: file }),
    /localstack\/tables\.json defines table pipeline-audit, but no server-routes\/application\.properties key ending in -table names it/);
});

test('a tables.json field the stack cannot carry to AWS stops synth with a sentence naming it', () => {
  const file = tablesJsonCopy((tables) => {
    tables[0].StreamSpecification = { StreamEnabled: true, StreamViewType: 'NEW_IMAGE' };
  });
  assert.throws(() => build({}, { tablesFile: file }),
    /entry 0 \(pipeline-jobs\) has field StreamSpecification, which the CDK stack does not carry to AWS yet/);
});
