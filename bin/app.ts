#!/usr/bin/env node
import { App } from 'aws-cdk-lib';
import { defineChatConfigApp } from '../lib/app';
import { SettingError } from '../lib/setting-error';

try {
  defineChatConfigApp(new App());
} catch (error) {
  if (!(error instanceof SettingError)) throw error;
  // A wrong setting is the operator's to fix: its sentence, not a stack trace of the app.
  console.error(`Error: ${error.message}`);
  process.exit(1);
}
