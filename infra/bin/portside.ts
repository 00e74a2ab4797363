#!/usr/bin/env node
/**
 * Portside CDK app.
 *   npx cdk synth                       # dev, ECS Express Mode
 *   npx cdk synth -c target=apprunner   # dev, App Runner (only for accounts that already use it)
 *   npx cdk deploy --all -c env=prod    # prod (needs credentials)
 */
import { App, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { buildPortside } from '../lib/portside-app';
import { resolveConfig } from './environments';

const app = new App();
const config = resolveConfig(app.node.tryGetContext('env'), app.node.tryGetContext('target'));
buildPortside(app, config);
// cdk-nag AwsSolutions runs on every synth; unsuppressed findings fail it. Skip with -c nag=false.
if (app.node.tryGetContext('nag') !== 'false' && app.node.tryGetContext('nag') !== false) {
  Validations.of(app).addPlugins(new AwsSolutionsChecks(app, { verbose: true }));
}
app.synth();
