#!/usr/bin/env node
// The CDK app: `cdk synth` / `cdk deploy` run this (cdk.json). Settings: cdk/README.md.
import { App } from 'aws-cdk-lib';
import { createPipelineStack } from '../lib/app';

const app = new App();
createPipelineStack(app);
app.synth();
