#!/usr/bin/env node
import { App } from 'aws-cdk-lib';
import { defineChatConfigApp } from '../lib/app';

defineChatConfigApp(new App());
