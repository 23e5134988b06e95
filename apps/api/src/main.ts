import 'reflect-metadata';
import { exitOnStartError } from '@motcua/platform/startup/dependencies';
import { startApi } from './start';

startApi(process.env).catch(exitOnStartError);
