/**
 * `npx cdk synth|deploy` runs this (cdk.json "app"). Configuration comes from CDK context only —
 * cdk.json defaults, `-c key=value` overrides — and needs no AWS access: see docs/deploy.md.
 */
import { App } from 'aws-cdk-lib';
import { createBerthApp } from '../lib/app.ts';

createBerthApp(new App()).app.synth();
