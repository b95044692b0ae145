import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import {
  Grant, grantsOf, logicalId, render, resourcesOfType, sortedGrants, statementGrants, synthesizedFullyConfigured, synthesizedWithDefaults,
  Synthesized,
} from './synthesized';

/** The DynamoDB calls the server makes (JobStore, ResultStore, DirectoryTable): no batch, no transaction, no DDL. */
const SERVER_TABLE_ACTIONS = ['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:UpdateItem', 'dynamodb:DeleteItem', 'dynamodb:Query', 'dynamodb:Scan'];

function serverTaskRoleId({ stack }: Synthesized): string {
  return logicalId(stack, stack.serverTaskDefinition.taskRole);
}

test('the server may use only its own tables and their indexes, with only the DynamoDB calls it makes', () => {
  const synthesized = synthesizedWithDefaults();
  const { stack, json } = synthesized;
  const expected: Grant[] = [];
  for (const { table, definition } of stack.tables) {
    const arn = `{${logicalId(stack, table)}.Arn}`;
    expected.push(...SERVER_TABLE_ACTIONS.map((action) => ({ action, resource: arn })));
    for (const index of [...definition.globalIndexes, ...definition.localIndexes]) {
      expected.push({ action: 'dynamodb:Query', resource: `${arn}/index/${index.name}` });
    }
  }
  const dynamodb = grantsOf(json, serverTaskRoleId(synthesized)).filter((g) => g.action.startsWith('dynamodb:'));
  assert.deepEqual(sortedGrants(dynamodb), sortedGrants(expected));
});

test('the server may read, write and delete only objects under chunks/ and list only its own bucket', () => {
  const synthesized = synthesizedWithDefaults();
  const { stack, json } = synthesized;
  const bucket = `{${logicalId(stack, stack.bucket)}.Arn}`;
  const s3 = grantsOf(json, serverTaskRoleId(synthesized)).filter((g) => g.action.startsWith('s3:'));
  assert.deepEqual(sortedGrants(s3), sortedGrants([
    { action: 's3:GetObject', resource: `${bucket}/chunks/*` },
    { action: 's3:PutObject', resource: `${bucket}/chunks/*` },
    { action: 's3:DeleteObject', resource: `${bucket}/chunks/*` },
    { action: 's3:ListBucket', resource: bucket },
  ]));
});

test('the server may publish metrics only in the FileAnalysisPipeline namespace, and may do nothing else', () => {
  const synthesized = synthesizedWithDefaults();
  const others = grantsOf(synthesized.json, serverTaskRoleId(synthesized))
    .filter((g) => !g.action.startsWith('dynamodb:') && !g.action.startsWith('s3:'));
  assert.deepEqual(others, [{
    action: 'cloudwatch:PutMetricData', resource: '*',
    condition: JSON.stringify({ StringEquals: { 'cloudwatch:namespace': 'FileAnalysisPipeline' } }),
  }]);
  assert.deepEqual(synthesized.json.Resources[serverTaskRoleId(synthesized)].Properties.ManagedPolicyArns, undefined);
});

test('processor tasks have no task role, so neither the processor nor its engine holds any AWS permission', () => {
  const { stack, json } = synthesizedFullyConfigured();
  assert.equal(stack.processors.length, 2);
  for (const generation of stack.processors) {
    const task = json.Resources[logicalId(stack, generation.taskDefinition)];
    assert.equal(task.Properties.TaskRoleArn, undefined, 'no task role: ECS hands the containers no credentials');
  }
  // Only the server's task role is a task role at all; the rest are ECS execution roles (pull the
  // image, write logs, read the task's secrets) and CDK's helper that closes the default security group.
  const taskRoles = resourcesOfType(json, 'AWS::IAM::Role')
    .filter(([, role]) => JSON.stringify(role.Properties.AssumeRolePolicyDocument).includes('ecs-tasks.amazonaws.com'))
    .map(([id]) => id)
    .filter((id) => !resourcesOfType(json, 'AWS::ECS::TaskDefinition')
      .some(([, task]) => render(task.Properties.ExecutionRoleArn) === `{${id}.Arn}`));
  assert.deepEqual(taskRoles, [logicalId(stack, stack.serverTaskDefinition.taskRole)]);
});

test('a processor\'s execution role may read only its own secret and write only to the pipeline\'s log group', () => {
  const { stack, json } = synthesizedWithDefaults();
  const [generation] = stack.processors;
  const grants = grantsOf(json, logicalId(stack, generation.taskDefinition.executionRole!));
  const secret = `{${logicalId(stack, stack.processorClientSecret as any)}}`;
  const logs = `{${logicalId(stack, stack.logGroup)}.Arn}`;
  assert.deepEqual(sortedGrants(grants), sortedGrants([
    { action: 'logs:CreateLogStream', resource: logs },
    { action: 'logs:PutLogEvents', resource: logs },
    { action: 'secretsmanager:DescribeSecret', resource: secret },
    { action: 'secretsmanager:GetSecretValue', resource: secret },
  ]));
});

/**
 * Allows on "*" that AWS requires, each for a reason: the action has no resource-level permission.
 * Everything else names its resource.
 */
const ALLOWED_ON_ANY_RESOURCE: Record<string, string> = {
  'cloudwatch:PutMetricData': 'has no resource ARN; limited by the cloudwatch:namespace condition',
  'ecr:GetAuthorizationToken': 'has no resource ARN; the pull itself is granted on the one repository',
};
/** AWS managed policies in use: only on CDK's own helper that strips the VPC's default security group. */
const ALLOWED_MANAGED_POLICIES = ['arn:{AWS::Partition}:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole'];

function everyGrant(json: Synthesized['json']): Grant[] {
  const grants: Grant[] = [];
  for (const [, resource] of Object.entries(json.Resources)) {
    if (resource.Type === 'AWS::IAM::Policy' || resource.Type === 'AWS::IAM::ManagedPolicy') {
      grants.push(...statementGrants(resource.Properties.PolicyDocument.Statement));
    }
    if (resource.Type === 'AWS::IAM::Role') {
      for (const policy of resource.Properties.Policies ?? []) {
        grants.push(...statementGrants(policy.PolicyDocument.Statement));
      }
    }
  }
  return grants;
}

function assertNoWildcardBeyondWhatAwsRequires(json: Synthesized['json']): void {
  const grants = everyGrant(json);
  assert.ok(grants.length > 0);
  for (const grant of grants) {
    assert.ok(!grant.action.includes('*'), `no wildcard action: ${grant.action} on ${grant.resource}`);
    if (grant.resource === '*') {
      assert.ok(ALLOWED_ON_ANY_RESOURCE[grant.action], `${grant.action} is granted on "*"`);
    }
  }
  const putMetricData = grants.filter((g) => g.action === 'cloudwatch:PutMetricData');
  assert.ok(putMetricData.every((g) => g.condition?.includes('"cloudwatch:namespace":"FileAnalysisPipeline"')));
  for (const [id, role] of resourcesOfType(json, 'AWS::IAM::Role')) {
    for (const arn of role.Properties.ManagedPolicyArns ?? []) {
      assert.ok(ALLOWED_MANAGED_POLICIES.includes(render(arn)) && id.startsWith('CustomVpcRestrictDefaultSG'),
        `role ${id} has managed policy ${render(arn)}`);
    }
  }
  assert.equal(resourcesOfType(json, 'AWS::IAM::ManagedPolicy').length, 0);
  assert.equal(resourcesOfType(json, 'AWS::IAM::User').length, 0, 'no IAM user, so no standing access key');
  assert.equal(resourcesOfType(json, 'AWS::IAM::AccessKey').length, 0);
}

test('no policy grants a wildcard action, nor any resource "*" beyond the actions AWS offers on nothing narrower', () => {
  assertNoWildcardBeyondWhatAwsRequires(synthesizedWithDefaults().json);
});

test('images from ECR are pulled with permission on their own repository only', () => {
  const { stack, json } = synthesizedFullyConfigured();
  assertNoWildcardBeyondWhatAwsRequires(json);
  const pulls = grantsOf(json, logicalId(stack, stack.serverTaskDefinition.executionRole!)).filter((g) => g.action.startsWith('ecr:'));
  const repository = 'arn:{AWS::Partition}:ecr:eu-west-1:123456789012:repository/file-analysis-pipeline/server';
  assert.deepEqual(sortedGrants(pulls), sortedGrants([
    { action: 'ecr:BatchCheckLayerAvailability', resource: repository },
    { action: 'ecr:GetDownloadUrlForLayer', resource: repository },
    { action: 'ecr:BatchGetImage', resource: repository },
    { action: 'ecr:GetAuthorizationToken', resource: '*' },
  ]));
  const server = json.Resources[logicalId(stack, stack.serverTaskDefinition)].Properties.ContainerDefinitions[0];
  assert.equal(render(server.Image), '123456789012.dkr.ecr.eu-west-1.{AWS::URLSuffix}/file-analysis-pipeline/server:0.1.0');
});
