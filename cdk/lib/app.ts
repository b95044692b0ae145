import { App } from 'aws-cdk-lib';
import { readDeploymentSettings } from './deployment-settings';
import { PipelineStack } from './pipeline-stack';
import { readProjectProperties, repositoryRoot } from './project-files';
import { readTableDefinitions, tablesFile } from './table-definitions';

/**
 * Builds the pipeline's stack into `app` from its context and the project's own files. The stack
 * is environment-agnostic (no account or region is looked up), so synth needs no AWS account; the
 * account and region come from the credentials `cdk deploy` runs with.
 */
export function createPipelineStack(app: App, files: { tablesFile?: string } = {}): PipelineStack {
  const root = repositoryRoot();
  const stackName = app.node.tryGetContext('stackName') ?? 'FileAnalysisPipeline';
  return new PipelineStack(app, stackName, {
    description: 'File Analysis Pipeline: chunk bucket, tables, and the server and processors on ECS Fargate',
    settings: readDeploymentSettings(app.node),
    tables: readTableDefinitions(files.tablesFile ?? tablesFile(root)),
    properties: readProjectProperties(root),
  });
}
