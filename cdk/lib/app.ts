import { App, Tags } from 'aws-cdk-lib';
import { readDeploymentSettings } from './deployment-settings';
import { PipelineStack } from './pipeline-stack';
import { readProjectProperties, repositoryRoot } from './project-files';
import { readTableDefinitions, tablesFile, withRetiredIndexes } from './table-definitions';

/**
 * Builds the pipeline's stack into `app` from its context and the project's own files. The stack
 * is environment-agnostic (no account or region is looked up), so synth needs no AWS account; the
 * account and region come from the credentials `cdk deploy` runs with.
 */
export function createPipelineStack(app: App, files: { tablesFile?: string } = {}): PipelineStack {
  const root = repositoryRoot();
  const settings = readDeploymentSettings(app.node);
  const tables = readTableDefinitions(files.tablesFile ?? tablesFile(root));
  const stack = new PipelineStack(app, settings.stackName, {
    description: 'File Analysis Pipeline: chunk bucket, tables, and the server and processors on ECS Fargate',
    settings,
    tables: settings.keepRetiredIndexes ? withRetiredIndexes(tables) : tables,
    properties: readProjectProperties(root),
  });
  // Lets the bill be split by project (cost allocation tag).
  Tags.of(stack).add('project', 'file-analysis-pipeline');
  return stack;
}
